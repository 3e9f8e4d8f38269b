/**
 * What a board is and how it feels, read over SSH with plain shell commands (no Node start):
 * model, kernel arch, OS, cores, CPU governor and max frequency; and before/after each job
 * `vcgencmd get_throttled` decoded, the thermal_zone0 temperature and the current CPU
 * frequency. Every reading names its source, or says why the board does not have it.
 */
import type { ThermalReading } from '../../contract/results.ts';
import type { SshConnection } from './connection.ts';

/** The board as its shell sees it (the job's Node adds what it sees: os.machine()). */
export interface BoardInfo {
  unameS: string;
  unameM: string;
  model: string | null;
  os: string | null;
  cores: number | null;
  governor: string | null;
  maxFrequencyKHz: number | null;
  /** Why model/governor/max frequency are missing, by key. */
  missing: Record<string, string>;
}

const SEP = '@@mnb@@';

/** One shell script printing every field between separators (missing files print nothing). */
const INFO_SCRIPT = [
  'uname -s',
  'uname -m',
  "tr -d '\\000' < /proc/device-tree/model 2>/dev/null",
  '. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"',
  'nproc 2>/dev/null || getconf _NPROCESSORS_ONLN',
  'cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null',
  'cat /sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq 2>/dev/null',
].join(`; echo ${SEP}; `);

/** Parse INFO_SCRIPT's output. */
export function parseBoardInfo(out: string): BoardInfo {
  const f = out.split(SEP).map((s) => s.trim());
  const missing: Record<string, string> = {};
  if (!f[2]) missing.model = 'no /proc/device-tree/model (not a device-tree board: a PC, a VM, or the stand-in)';
  if (!f[5]) missing.governor = 'no /sys/devices/system/cpu/cpu0/cpufreq (the kernel exposes no CPU frequency scaling: a VM or container)';
  return {
    unameS: f[0] ?? 'unknown',
    unameM: f[1] ?? 'unknown',
    model: f[2] || null,
    os: f[3] || null,
    cores: f[4] ? Number(f[4]) : null,
    governor: f[5] || null,
    maxFrequencyKHz: f[6] ? Number(f[6]) : null,
    missing,
  };
}

/** Read the board's identity. */
export async function readBoardInfo(conn: SshConnection): Promise<BoardInfo> {
  const r = await conn.run(INFO_SCRIPT);
  return parseBoardInfo(r.stdout);
}

/** The bits of `vcgencmd get_throttled` (Raspberry Pi firmware), now and since boot (+16). */
const THROTTLE_BITS: Array<[number, string]> = [
  [0, 'underVoltage'],
  [1, 'frequencyCapped'],
  [2, 'throttled'],
  [3, 'softTempLimit'],
];

/** Decode `throttled=0x50005` into flags: underVoltageNow … softTempLimitSinceBoot. */
export function decodeThrottled(output: string): Record<string, boolean> | null {
  const m = /throttled=(0x[0-9a-fA-F]+|\d+)/.exec(output);
  if (!m) return null;
  const v = Number(m[1]);
  const flags: Record<string, boolean> = {};
  for (const [bit, name] of THROTTLE_BITS) {
    flags[`${name}Now`] = Boolean(v & (1 << bit));
    flags[`${name}SinceBoot`] = Boolean(v & (1 << (bit + 16)));
  }
  return flags;
}

const THERMAL_ZONE = '/sys/class/thermal/thermal_zone0/temp';
const CUR_FREQ = '/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq';

/** Prints vcgencmd's output and exit code, the temperature and the frequency, between separators. */
const THERMAL_SCRIPT = ['vcgencmd get_throttled 2>&1; echo "exit=$?"', `cat ${THERMAL_ZONE} 2>&1`, `cat ${CUR_FREQ} 2>&1`].join(`; echo ${SEP}; `);

/** Parse THERMAL_SCRIPT's output into readings, each with its source or why it is unavailable. */
export function parseThermal(out: string): ThermalReading[] {
  const [vc = '', temp = '', freq = ''] = out.split(SEP).map((s) => s.trim());
  const readings: ThermalReading[] = [];
  const vcExit = Number(/exit=(\d+)/.exec(vc)?.[1] ?? NaN);
  const flags = decodeThrottled(vc);
  if (flags) {
    readings.push({ source: 'vcgencmd get_throttled', flags, throttledNow: flags.throttledNow || flags.frequencyCappedNow || flags.softTempLimitNow });
  } else {
    const text = vc
      .replace(/exit=\d+/, '')
      .trim()
      .split('\n')[0];
    readings.push({
      source: 'vcgencmd get_throttled',
      unavailable:
        vcExit === 127
          ? 'vcgencmd is not installed on the board (it comes with Raspberry Pi OS firmware tools; other boards and the stand-in have none)'
          : `vcgencmd failed (exit ${vcExit}): ${text || 'no output'}${/VCHI|vcio|permission/i.test(text) ? ' (the user may need to be in the video group)' : ''}`,
    });
  }
  const tempValue = Number(temp);
  readings.push(
    /^-?\d+$/.test(temp) && Number.isFinite(tempValue)
      ? { source: THERMAL_ZONE, temperatureC: tempValue / 1000 }
      : {
          source: THERMAL_ZONE,
          unavailable: /No such file/i.test(temp)
            ? 'the kernel exposes no thermal zone 0 (a VM, a container, or the stand-in)'
            : `unreadable: ${temp.split('\n')[0] || 'empty'}`,
        },
  );
  const freqValue = Number(freq);
  readings.push(
    /^\d+$/.test(freq) && Number.isFinite(freqValue)
      ? { source: CUR_FREQ, cpuFrequencyKHz: freqValue }
      : {
          source: CUR_FREQ,
          unavailable: /No such file/i.test(freq)
            ? 'the kernel exposes no CPU frequency scaling (a VM, a container, or the stand-in)'
            : `unreadable: ${freq.split('\n')[0] || 'empty'}`,
        },
  );
  return readings;
}

/** Take the thermal readings now. */
export async function readBoardThermal(conn: SshConnection): Promise<ThermalReading[]> {
  return parseThermal((await conn.run(THERMAL_SCRIPT)).stdout);
}
