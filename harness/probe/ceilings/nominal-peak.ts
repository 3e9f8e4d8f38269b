/**
 * The CPU's nominal FMA peak from /proc/cpuinfo: cores × FMA units × f32 lanes × GHz multiply-adds
 * per second (× 2 for FLOP/s), the outside check of the measured ceilings. The frequency is the
 * `cpu MHz` line where there is one, else the model name's GHz, else cpufreq's maximum; which one
 * is recorded. FMA units per core are not in cpuinfo: the assumption is recorded with the figure.
 */
import type { NominalPeak } from '../../../contract/ceilings.ts';

/** Fields of the first processor block, and the number of processor blocks. */
function parseBlocks(text: string): { first: Map<string, string>; processors: number } {
  const first = new Map<string, string>();
  let processors = 0;
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    const key = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    if (key === 'processor' && /^\d+$/.test(value)) processors++;
    if (!first.has(key)) first.set(key, value);
  }
  return { first, processors };
}

/** The widest f32 FMA the flags show: its lanes and the flags that say so; null without an FMA. */
function widestFma(flags: Set<string>): { lanes: number; by: string[] } | null {
  if (flags.has('avx512f')) return { lanes: 16, by: ['avx512f'] };
  if (flags.has('avx2') && flags.has('fma')) return { lanes: 8, by: ['avx2', 'fma'] };
  if (flags.has('fma')) return { lanes: 8, by: ['fma'] };
  if (flags.has('asimd')) return { lanes: 4, by: ['asimd'] };
  return null;
}

/**
 * The nominal peak from cpuinfo's text (and cpufreq's maximum in kHz, when the caller read one).
 * `cores`: logical CPUs counted in cpuinfo (a VM's vCPUs; hyper-threads counted as cores).
 */
export function nominalPeakFromCpuinfo(text: string, cpufreqMaxKHz: number | null = null): NominalPeak {
  const { first, processors } = parseBlocks(text);
  const cpuModel =
    first.get('model name') ?? (first.has('cpu part') ? `${first.get('cpu implementer') ?? ''} part ${first.get('cpu part')}`.trim() : 'unknown');
  const flags = new Set((first.get('flags') ?? first.get('features') ?? '').split(/\s+/).filter(Boolean));
  const fma = widestFma(flags);
  const mhz = Number(first.get('cpu mhz'));
  const modelGhz = /([\d.]+)\s*GHz/i.exec(cpuModel);
  let ghz: number | null = null;
  let frequencySource = 'none: no cpu MHz line, no GHz in the model name, no cpufreq maximum';
  let clockIsMaximum = false;
  if (mhz > 0) {
    ghz = mhz / 1000;
    frequencySource = '/proc/cpuinfo cpu MHz (under a hypervisor often the base or TSC clock, not the boost clock)';
  } else if (modelGhz) {
    ghz = Number(modelGhz[1]);
    frequencySource = "the model name's GHz (the base clock)";
  } else if (cpufreqMaxKHz && cpufreqMaxKHz > 0) {
    ghz = cpufreqMaxKHz / 1e6;
    frequencySource = 'cpufreq cpuinfo_max_freq (the highest clock the governor may set)';
    clockIsMaximum = true;
  }
  const cores = processors || 1;
  const assumptions = [`${cores} logical CPUs from /proc/cpuinfo, each counted as a core`];
  const fmaUnits = fma ? 2 : null;
  if (fma?.lanes === 16) assumptions.push('2 AVX-512 FMA units per core (Xeon Gold/Platinum and later; some parts have 1); AVX-512 may run at a lower clock');
  else if (fma?.lanes === 8) assumptions.push('2 256-bit FMA units per core (Haswell and later, Zen)');
  else if (fma?.lanes === 4) assumptions.push('2 128-bit NEON FMA pipes per core (Cortex-A72/A76 class; A53 has 1)');
  const unavailable = !fma ? 'no FMA instruction in the CPU flags' : ghz === null ? 'no frequency to read' : undefined;
  return {
    gmacPerSecond: fma && ghz !== null && fmaUnits ? cores * fmaUnits * fma.lanes * ghz : null,
    cpuModel,
    cores,
    fmaUnits,
    lanes: fma?.lanes ?? null,
    ghz,
    frequencySource,
    ...(clockIsMaximum ? { clockIsMaximum } : {}),
    flags: fma?.by ?? [],
    assumptions,
    ...(unavailable ? { unavailable } : {}),
  };
}
