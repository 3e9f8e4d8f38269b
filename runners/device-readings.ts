/**
 * What a real phone tells through Appium about its heat and memory: Android through
 * `mobile: shell` (dumpsys thermalservice, battery, meminfo; needs the server's
 * `uiautomator2:adb_shell` insecure feature), iOS through `mobile: deviceInfo` (thermalState).
 * Parsers are pure functions over the commands' text; readers never throw for a missing
 * source, they return a reading saying why it is unavailable.
 */
import type { ThermalReading } from '../contract/results.ts';
import type { WebDriverSession } from './webdriver-client.ts';

/** Why adb_shell readings are missing, and the fix. */
export const ADB_SHELL_HINT =
  "Appium refuses `mobile: shell` unless the server runs with `--allow-insecure uiautomator2:adb_shell`; set the target's `adbShell: true` (the harness's own Appium server then allows it) or start your server with that flag";

/** Android's thermal status names (PowerManager.THERMAL_STATUS_*). */
const ANDROID_THERMAL_STATUS = ['none', 'light', 'moderate', 'severe', 'critical', 'emergency', 'shutdown'];
/** iOS ProcessInfo.ThermalState names. */
const IOS_THERMAL_STATE = ['nominal', 'fair', 'serious', 'critical'];

/** `dumpsys thermalservice` → the thermal status and the hottest HAL temperature. */
export function parseThermalService(text: string): ThermalReading {
  const status = /Thermal Status:\s*(\d+)/.exec(text);
  const code = status ? Number(status[1]) : null;
  // "Current temperatures from HAL:" lists Temperature{mValue=41.2, mType=0, mName=cpu0, mStatus=0}.
  const hal = text.split(/Current temperatures from HAL:/)[1]?.split(/\n\S/)[0] ?? '';
  const temps = [...hal.matchAll(/mValue=(-?[\d.]+),\s*mType=(\d+)/g)].map((m) => Number(m[1])).filter((t) => Number.isFinite(t) && t > -50 && t < 200);
  if (code === null && temps.length === 0)
    return { source: 'dumpsys thermalservice', unavailable: 'no "Thermal Status" or HAL temperatures in its output (Android 10+ has them)' };
  return {
    source: 'dumpsys thermalservice',
    temperatureC: temps.length ? Math.max(...temps) : null,
    state: code === null ? null : (ANDROID_THERMAL_STATUS[code] ?? String(code)),
    // Any status above none means the platform has started to throttle.
    throttledNow: code === null ? null : code >= 1,
  };
}

/** `dumpsys battery` → the battery temperature (reported in tenths of °C). */
export function parseBattery(text: string): ThermalReading {
  const t = /^\s*temperature:\s*(-?\d+)/m.exec(text);
  if (!t) return { source: 'dumpsys battery', unavailable: 'no "temperature:" line in its output' };
  return { source: 'dumpsys battery', temperatureC: Number(t[1]) / 10 };
}

/** iOS `mobile: deviceInfo` → thermalState 0–3. */
export function parseIosDeviceInfo(info: unknown): ThermalReading {
  const state = (info as { thermalState?: unknown } | null)?.thermalState;
  if (typeof state !== 'number') return { source: 'mobile: deviceInfo', unavailable: 'the reply has no thermalState' };
  return { source: 'mobile: deviceInfo thermalState', state: IOS_THERMAL_STATE[state] ?? String(state), throttledNow: state >= 2 };
}

/** `dumpsys meminfo <pid>` → total PSS and RSS in bytes (KB in the text). */
export function parseMeminfo(text: string): { pssBytes: number | null; rssBytes: number | null } {
  const pss = /TOTAL PSS:\s*(\d+)/.exec(text) ?? /^\s*TOTAL\s+(\d+)/m.exec(text);
  const rss = /TOTAL RSS:\s*(\d+)/.exec(text);
  return { pssBytes: pss ? Number(pss[1]) * 1024 : null, rssBytes: rss ? Number(rss[1]) * 1024 : null };
}

/** `ps -A -o PID,NAME` → Chrome's renderer processes (sandboxed_process). */
export function parseRendererPids(text: string): number[] {
  return text
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\S+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && /:sandboxed_process\d+/.test(m[2]))
    .map((m) => Number(m[1]));
}

/** Run a shell command on an Android device through Appium. */
async function shell(session: WebDriverSession, command: string, args: string[]): Promise<string> {
  return String(await session.execute('mobile: shell', [{ command, args, timeout: 20_000 }], 30_000));
}

/** Thermal readings of the device a session runs on (by the platform the session reports). */
export async function readDeviceThermal(session: WebDriverSession, adbShell: boolean): Promise<ThermalReading[]> {
  const platform = String(session.capabilities.platformName ?? '').toLowerCase();
  if (platform === 'ios') {
    try {
      return [parseIosDeviceInfo(await session.execute('mobile: deviceInfo', [], 30_000))];
    } catch (e) {
      return [{ source: 'mobile: deviceInfo', unavailable: (e as Error).message.split('\n')[0] }];
    }
  }
  if (platform === 'android') {
    if (!adbShell) return [{ source: 'dumpsys thermalservice / battery', unavailable: `adb_shell is not enabled for this target: ${ADB_SHELL_HINT}` }];
    const read = async (source: string, args: string[], parse: (t: string) => ThermalReading) => {
      try {
        return parse(await shell(session, 'dumpsys', args));
      } catch (e) {
        return { source, unavailable: (e as Error).message.split('\n')[0] };
      }
    };
    return [await read('dumpsys thermalservice', ['thermalservice'], parseThermalService), await read('dumpsys battery', ['battery'], parseBattery)];
  }
  return [{ source: `${platform || 'unknown'} device`, unavailable: `no thermal source known for platform '${platform || 'unknown'}'` }];
}

/**
 * The PSS/RSS of Chrome's busiest renderer on an Android device (the page's), via
 * `ps` + `dumpsys meminfo` over `mobile: shell`; null when adb_shell is off or nothing was found.
 */
export async function readAndroidRendererMemory(
  session: WebDriverSession,
): Promise<{ pid: number; pssBytes: number | null; rssBytes: number | null; candidates: number } | null> {
  const pids = parseRendererPids(await shell(session, 'ps', ['-A', '-o', 'PID,NAME']));
  let best: { pid: number; pssBytes: number | null; rssBytes: number | null } | null = null;
  for (const pid of pids) {
    const m = parseMeminfo(await shell(session, 'dumpsys', ['meminfo', String(pid)]));
    if (m.pssBytes !== null && (best === null || m.pssBytes > (best.pssBytes ?? 0))) best = { pid, ...m };
  }
  return best ? { ...best, candidates: pids.length } : null;
}
