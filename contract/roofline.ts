/**
 * The roofline of a job or a layer, from the results files alone: which measured ceiling its
 * runtime is held against, the roof at its arithmetic intensity (the lower of the compute
 * ceiling and bandwidth × intensity), and the fraction of that roof it reached. Also the
 * honest check of a measured ceiling against the CPU's nominal peak. Pure functions.
 */
import type { Ceiling, NominalPeak, TargetCeilings } from './ceilings.ts';
import type { JobResult } from './results.ts';

/** The compute ceilings a runtime can be held against. */
export type ComputeCeilingKey = 'jsScalar' | 'wasmSimd' | 'wasmSimdThreaded' | 'native';

/** Which ceiling applies to a runtime, or why none does. */
export type CeilingChoice = { key: ComputeCeilingKey; bandwidth: 'js' | 'wasm'; why: string } | { key: null; why: string };

/**
 * The ceiling a runtime's kernels can reach at most on a CPU: plain JavaScript (the reference,
 * tfjs's cpu backend) against the JavaScript scalar ceiling; WebAssembly runtimes (tfjs-wasm,
 * ORT-web wasm, LiteRT.js) against WebAssembly SIMD, single-threaded when the job ran one thread
 * (or did not say) and threaded when it ran more; ORT-node against the native MatMul (its
 * runtime's default pool, whatever the job's threads). GPU backends have no CPU ceiling here.
 * `threads`: the threads the job ran (its effective threads, else those asked for).
 */
export function ceilingFor(impl: string, backend: string, threads: number | null = null): CeilingChoice {
  if (backend === 'webgl' || backend === 'webgpu') return { key: null, why: `${impl}:${backend} computes on the GPU; no GPU ceiling is measured` };
  if (impl === 'reference' || (impl === 'tfjs' && backend === 'cpu')) return { key: 'jsScalar', bandwidth: 'js', why: 'plain JavaScript kernels' };
  if (impl === 'ort-node')
    return {
      key: 'native',
      bandwidth: 'wasm',
      why: 'native kernels (MLAS): the native MatMul ceiling; memory roof from the WebAssembly stream, the nearest measured',
    };
  if (backend === 'wasm')
    return threads !== null && threads > 1
      ? { key: 'wasmSimdThreaded', bandwidth: 'wasm', why: `WebAssembly kernels on ${threads} threads: the threaded WebAssembly SIMD ceiling` }
      : { key: 'wasmSimd', bandwidth: 'wasm', why: 'WebAssembly kernels on one thread: the WebAssembly SIMD ceiling (single-threaded)' };
  return { key: null, why: `no ceiling is measured for ${impl}:${backend}` };
}

/** A measured value, or null. */
export function measuredValue(c: Ceiling | undefined): number | null {
  return c?.available ? c.value : null;
}

/**
 * The memory roof of a language: the read-write stream over the largest working set (beyond the
 * last-level cache where the target could go that far), bytes read + written, GB/s. `threaded`
 * (a WebAssembly job on more than one thread): the stream on every thread, where it was measured;
 * else the single-threaded one (`threads` says which).
 */
export function memoryRoof(
  ceilings: TargetCeilings,
  language: 'js' | 'wasm',
  threaded = false,
): { gbPerSecond: number; workingSetBytes: number; threads: number } | null {
  const many = ceilings.threadedStream;
  if (threaded && language === 'wasm' && many?.ceiling.available)
    return { gbPerSecond: many.ceiling.value, workingSetBytes: many.workingSetBytes, threads: many.ceiling.threads ?? 1 };
  const points = ceilings.bandwidth.filter((b) => b.language === language && b.access === 'read-write' && b.ceiling.available);
  if (points.length === 0) return null;
  const largest = points.reduce((a, b) => (b.workingSetBytes > a.workingSetBytes ? b : a));
  return { gbPerSecond: measuredValue(largest.ceiling)!, workingSetBytes: largest.workingSetBytes, threads: 1 };
}

/** The roof at an intensity: min(compute GMAC/s, bandwidth GB/s × intensity MAC/B). */
export function attainable(intensity: number, computeGmacPerSecond: number, bandwidthGbPerSecond: number): number {
  return Math.min(computeGmacPerSecond, bandwidthGbPerSecond * intensity);
}

/** Where one job or layer sits against its target's roofline. */
export interface RooflinePoint {
  /** Achieved GMAC/s (analytic MACs ÷ time). */
  gmacPerSecond: number;
  /** Multiply-adds per byte moved (MAC/B). */
  intensity: number;
  /** The ceiling held against: for single-threaded WebAssembly runtimes the higher of SIMD and relaxed SIMD (what the engine lets a kernel use). */
  ceiling: ComputeCeilingKey | 'wasmRelaxedSimd';
  /** Threads the ceiling was measured on (1 but for the threaded WebAssembly ceiling; null: the native runtime's default pool). */
  ceilingThreads: number | null;
  computeRoof: number;
  bandwidthRoof: number;
  /** Threads the memory roof was measured on (the threaded stream for threaded WebAssembly jobs, where measured; else 1). */
  bandwidthThreads: number;
  /** The roof at this intensity. */
  roof: number;
  /** Which roof is the lower one here. */
  bound: 'memory' | 'compute';
  /** Achieved ÷ roof at this intensity. */
  fraction: number;
  /** Achieved ÷ the compute ceiling alone. */
  fractionOfCompute: number;
}

/** A point, or why there is none. */
export type RooflineOutcome = { ok: true; point: RooflinePoint } | { ok: false; reason: string };

/** The threads a job ran: what the runtime reported, else what was asked for (null: neither says). */
export function threadsOfJob(r: Pick<JobResult, 'threads' | 'effective'>): number | null {
  return r.effective?.threads ?? r.threads ?? null;
}

/** The job (or one of its layers) to place: its runtime and the threads it ran. */
export type RooflineJob = Pick<JobResult, 'impl' | 'backend' | 'threads' | 'effective'>;

/** Place achieved GMAC/s at `macs` over `bytes` against the ceilings that apply to the job's impl:backend and threads. */
export function placeOnRoofline(
  ceilings: TargetCeilings | undefined,
  job: RooflineJob,
  gmacPerSecond: number | null,
  macs: number,
  bytes: number | undefined,
): RooflineOutcome {
  if (!ceilings) return { ok: false, reason: 'no ceilings were measured for this target in this run' };
  const choice = ceilingFor(job.impl, job.backend, threadsOfJob(job));
  if (choice.key === null) return { ok: false, reason: choice.why };
  let key: RooflinePoint['ceiling'] = choice.key;
  let compute: Ceiling = ceilings.compute[choice.key] ?? {
    available: false,
    reason: 'not measured in this run (run.json from before the threaded WebAssembly ceiling)',
  };
  const relaxed = ceilings.compute.wasmRelaxedSimd;
  if (key === 'wasmSimd' && relaxed.available && (!compute.available || relaxed.value > compute.value)) {
    key = 'wasmRelaxedSimd';
    compute = relaxed;
  }
  if (!compute.available) return { ok: false, reason: `the ${choice.key} ceiling is unavailable: ${compute.reason}` };
  const memory = memoryRoof(ceilings, choice.bandwidth, choice.key === 'wasmSimdThreaded');
  if (!memory) return { ok: false, reason: `no ${choice.bandwidth} bandwidth was measured` };
  if (gmacPerSecond === null || !(gmacPerSecond > 0)) return { ok: false, reason: 'no achieved GMAC/s' };
  if (!bytes || !(macs > 0)) return { ok: false, reason: 'no analytic bytes (a results file from before they were recorded)' };
  const intensity = macs / bytes;
  const roof = attainable(intensity, compute.value, memory.gbPerSecond);
  return {
    ok: true,
    point: {
      gmacPerSecond,
      intensity,
      ceiling: key,
      ceilingThreads: key === 'native' ? null : (compute.threads ?? 1),
      computeRoof: compute.value,
      bandwidthRoof: memory.gbPerSecond,
      bandwidthThreads: memory.threads,
      roof,
      bound: memory.gbPerSecond * intensity < compute.value ? 'memory' : 'compute',
      fraction: gmacPerSecond / roof,
      fractionOfCompute: gmacPerSecond / compute.value,
    },
  };
}

/** f32 lanes each kernel uses (JavaScript numbers are scalar doubles; WebAssembly SIMD is 128-bit). */
const KERNEL_LANES: Record<ComputeCeilingKey, number | null> = { jsScalar: 1, wasmSimd: 4, wasmSimdThreaded: 4, native: null };

/** Below this share of what the CPU could do with the kernel's lanes, a ceiling is "wildly below" the nominal peak. */
export const WILDLY_BELOW = 0.1;

/**
 * How far above the nominal peak a ceiling may measure when the frequency read is a base or TSC
 * clock (/proc/cpuinfo's cpu MHz under a hypervisor, a model name's GHz) and no clock was measured
 * in the target: the CPU boosts above it, server parts to 1.4–1.6× their base (EPYC 9654: 2.4 →
 * 3.7 GHz). Measured here (a dependent add chain, C and JavaScript): an idle 2-vCPU Xeon VM ran at
 * 3.63–4.02 GHz against the 2.6 read, ×1.40–1.55. A wrong lane or unit count is 2× or more, and is
 * still caught. cpufreq's maximum is the boost clock.
 */
export const BOOST_HEADROOM = 1.6;

/**
 * How far above the nominal peak at a measured clock a ceiling may measure: the clock's median is
 * the scalar core's, and vector kernels run at it or below (AVX-512 lowers it); 10 % is the
 * probe's spread and a turbo bin.
 */
export const MEASURED_CLOCK_SLACK = 1.1;

/** The clock a target measured, GHz, or null (not measured, or from before the probe). */
export function measuredClockOf(c: Pick<TargetCeilings, 'clock'>): number | null {
  return c.clock?.available ? c.clock.value : null;
}

/**
 * A measured compute ceiling against the CPU's nominal peak, scaled to what the kernel can use:
 * its lanes (JavaScript 1, WebAssembly SIMD 4, native all) and its threads (single-threaded
 * kernels: one core's share; the threaded one: `threads` cores, at most all). `above`: more than the nominal peak (the frequency read is not the
 * clock it ran at, or the assumptions are wrong); `far-below`: under a tenth of it. `measuredGhz`:
 * the clock the target measured; above the clock read, the peak is taken at it (a boost seen, not
 * assumed) with a 10 % slack instead of the ×1.6 headroom.
 */
export function checkAgainstNominal(
  key: ComputeCeilingKey,
  measuredGmacPerSecond: number,
  peak: NominalPeak | undefined,
  threads = 1,
  measuredGhz: number | null = null,
): { verdict: 'ok' | 'above' | 'far-below' | 'unknown'; nominal: number | null; why: string } {
  if (!peak || peak.gmacPerSecond === null || !peak.lanes || !peak.cores)
    return { verdict: 'unknown', nominal: null, why: peak?.unavailable ?? 'no nominal peak for this target' };
  const lanes = KERNEL_LANES[key] ?? peak.lanes;
  const cores = key === 'native' ? peak.cores : key === 'wasmSimdThreaded' ? Math.min(Math.max(1, threads), peak.cores) : 1;
  const boosted = measuredGhz !== null && peak.ghz !== null && measuredGhz > peak.ghz;
  const nominal = (peak.gmacPerSecond / peak.cores) * cores * (Math.min(lanes, peak.lanes) / peak.lanes) * (boosted ? measuredGhz / peak.ghz! : 1);
  const ratio = measuredGmacPerSecond / nominal;
  const read = Number(peak.ghz?.toFixed(3)); // 2.5999980000000003 → 2.6
  const clock = boosted
    ? `${measuredGhz.toFixed(2)} GHz measured in the target (${read} GHz read: ${peak.frequencySource})`
    : `${read} GHz (${peak.frequencySource})`;
  const scope = `${cores} core${cores > 1 ? 's' : ''} × ${Math.min(lanes, peak.lanes)} lane${lanes > 1 ? 's' : ''} at ${clock}`;
  const headroom = boosted ? MEASURED_CLOCK_SLACK : peak.clockIsMaximum ? 1 : BOOST_HEADROOM;
  if (ratio > headroom)
    return {
      verdict: 'above',
      nominal,
      why: `measured ${ratio.toFixed(2)}× the nominal ${nominal.toFixed(1)} GMAC/s of ${scope}${boosted ? `, beyond the measured clock's slack (×${headroom})` : headroom > 1 ? `, beyond any boost (×${headroom})` : ''}: the assumptions (lanes, FMA units, cores) or the frequency are wrong`,
    };
  if (ratio > 1)
    return {
      verdict: 'ok',
      nominal,
      why: `${(100 * ratio).toFixed(0)} % of the nominal ${nominal.toFixed(1)} GMAC/s of ${scope}: ${boosted ? 'within the measured clock’s slack' : 'the CPU ran above the clock read (boost)'}`,
    };
  if (ratio < WILDLY_BELOW)
    return { verdict: 'far-below', nominal, why: `measured ${(100 * ratio).toFixed(1)} % of the nominal ${nominal.toFixed(1)} GMAC/s of ${scope}` };
  return { verdict: 'ok', nominal, why: `${(100 * ratio).toFixed(0)} % of the nominal ${nominal.toFixed(1)} GMAC/s of ${scope}` };
}

/**
 * The ceilings a report may draw: each compute ceiling checked against the nominal peak (when the
 * target has one and is not emulated); one above it or under a tenth of it becomes unavailable,
 * with the reason, so no roof and no fraction is drawn from it.
 */
export function checkedCeilings(c: TargetCeilings): { ceilings: TargetCeilings; refused: string[] } {
  const refused: string[] = [];
  if (!c.nominalPeak || c.emulated) return { ceilings: c, refused };
  const compute = { ...c.compute };
  for (const key of ['jsScalar', 'wasmSimd', 'wasmSimdThreaded', 'native'] as const) {
    const ceiling = compute[key];
    if (!ceiling?.available) continue;
    const check = checkAgainstNominal(key, ceiling.value, c.nominalPeak, ceiling.threads, measuredClockOf(c));
    if (check.verdict === 'above' || check.verdict === 'far-below') {
      refused.push(`${key}: ${check.why}`);
      compute[key] = { available: false, reason: `not drawn: ${check.why}`, method: ceiling.method };
    }
  }
  return { ceilings: { ...c, compute }, refused };
}

/** A result's target ceilings among a run's (or several runs') records, checked against the nominal peak. */
export function ceilingsOfResult(runs: ReadonlyArray<{ ceilings?: TargetCeilings[] }>, r: Pick<JobResult, 'target'>): TargetCeilings | undefined {
  for (const run of runs) {
    const found = run.ceilings?.find((c) => c.target === r.target);
    if (found) return checkedCeilings(found).ceilings;
  }
  return undefined;
}

/** Where a whole job sits against its target's roofline in its own run, or null (no ceilings, no bytes, not ok). */
export function jobOnRoofline(runs: ReadonlyArray<{ ceilings?: TargetCeilings[] }>, r: JobResult): RooflinePoint | null {
  if (r.status !== 'ok') return null;
  const at = placeOnRoofline(ceilingsOfResult(runs, r), r, r.analytic.gmacPerSecond, r.analytic.macs, r.analytic.bytes);
  return at.ok ? at.point : null;
}
