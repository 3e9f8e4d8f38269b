/**
 * A target's ceilings, measured inside it: the one module Node, pages and boards all run
 * (harness/probe/ceilings-job.ts routes a ceilings request here). Compute: JavaScript scalar
 * multiply-add, WebAssembly SIMD f32x4 multiply-add, relaxed-SIMD FMA where the engine compiles
 * it, and the native runtime's MatMul where the platform passes one in. Bandwidth: streaming read
 * and read-write in JavaScript and in WebAssembly, at working sets from L1 to beyond the
 * last-level cache. Each to ±2 % where the budget allows, capped; all single-threaded except the
 * native MatMul and the threaded WebAssembly SIMD ceiling (the faster of the two FMA kernels on
 * as many threads as the target allows). A ceiling that cannot be measured is unavailable with
 * the reason. Browser-safe.
 */
import type { BandwidthCeiling, Ceiling, NominalPeak, TargetCeilings } from '../../../contract/ceilings.ts';
import { JS_CLOCK_CHAIN_OPS, JS_CHAINS, jsClockChain, jsMultiplyAdd, jsRead, jsReadWrite } from './js-kernels.ts';
import { measureRate, type RatePolicy } from './measure-rate.ts';
import { startFmaThreads, type FmaThreadHost, type FmaThreads } from './threaded-fma.ts';
import { ceilingsWasm, MACS_PER_FMA_ITERATION, STREAM_STEP_BYTES, type CeilingsWasmExports } from './wasm-kernels.ts';

/** What the harness asks of a target: plain data, it crosses process and page boundaries. */
export interface CeilingsRequest {
  /** Time for all the micro-benchmarks, ms (the cost bound: 10 s per target). */
  budgetMs: number;
  /** The last-level cache to go beyond, where the harness knows it for this target (a local browser: this machine's); null: let the target tell, or assume. */
  lastLevelCache: { bytes: number; source: string } | null;
  /** Precision to stop each ceiling at (relative 95 % half-width of the median). */
  targetPrecision: number;
}

/** Defaults: 8 s of micro-benchmarks leaves room for start-up within the 10 s a target may spend. */
export const DEFAULT_CEILINGS_REQUEST: CeilingsRequest = { budgetMs: 8000, lastLevelCache: null, targetPrecision: 0.02 };

/** What the platform adds. */
export interface CeilingsPlatform {
  environment: TargetCeilings['environment'];
  now(): number;
  /** The native runtime's ceiling (Node, boards); absent where there is none, with `nativeUnavailable` saying why. */
  native?: (policy: RatePolicy) => Promise<Ceiling>;
  nativeUnavailable?: string;
  /** The last-level cache as the target sees it (Node reads /sys), when the request carries none. */
  lastLevelCache?: () => { bytes: number; source: string } | null;
  /** The nominal FMA peak of the CPU as the target sees it (Node reads /proc/cpuinfo). */
  nominalPeak?: () => NominalPeak | null;
  /** Threads for the threaded WebAssembly SIMD ceiling (Node: worker_threads; a cross-origin isolated page: Web Workers), or why there are none. */
  threads?: () => FmaThreadHost;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Working sets below the largest: within L1, L2 and L3 of common CPUs. */
const SMALL_SETS = [32 * KiB, 1 * MiB, 16 * MiB];
/** The largest working set when the LLC is unknown. */
const UNKNOWN_LLC_LARGEST = 256 * MiB;
/** The largest working set is never above this (a phone's memory). */
const LARGEST_CAP = 1024 * MiB;

/** The largest working set: the next power of two above the LLC (at least 64 MiB, at most 1 GiB), or 256 MiB when the LLC is unknown. */
export function largestWorkingSet(llcBytes: number | null): number {
  if (llcBytes === null || !(llcBytes > 0)) return UNKNOWN_LLC_LARGEST;
  let size = 64 * MiB;
  while (size <= llcBytes && size < LARGEST_CAP) size *= 2;
  return size;
}

const unavailable = (reason: string, method?: string): Ceiling => ({ available: false, reason, ...(method ? { method } : {}) });
const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** Let the event loop run between ceilings (a page's driver polls; timers fire). */
const breathe = () => new Promise<void>((done) => setTimeout(done, 0));

/** Compile the ceilings module; a string is why it could not be (no WebAssembly, no SIMD, no relaxed SIMD). */
async function instantiate(pages: number, relaxed: boolean): Promise<CeilingsWasmExports | string> {
  if (typeof WebAssembly !== 'object') return 'no WebAssembly in this engine';
  const bytes = ceilingsWasm({ pages, relaxed });
  if (!WebAssembly.validate(bytes))
    return relaxed ? 'this engine does not validate relaxed SIMD (f32x4.relaxed_madd)' : 'this engine does not validate WebAssembly SIMD (f32x4)';
  try {
    const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes));
    return instance.exports as unknown as CeilingsWasmExports;
  } catch (e) {
    return `this engine validates but does not compile ${relaxed ? 'relaxed SIMD (f32x4.relaxed_madd)' : 'WebAssembly SIMD'}: ${reasonOf(e)}`;
  }
}

type Access = 'read' | 'read-write';
const ACCESSES: readonly Access[] = ['read-write', 'read'];

/** The least time one ceiling gets, budget or not: a few samples of 10 ms and their calibration. */
const MIN_CEILING_MS = 100;

/** Largest piece of a working set one repetition streams: a repetition stays short, so a huge working set still gets several samples within the budget. */
const CHUNK_BYTES = 16 * MiB;

/**
 * How a working set is streamed: a set up to 16 MiB whole in each repetition (it stays in the
 * cache that holds it); a larger one 16 MiB at a time, each repetition the next piece round the
 * set, so the piece read was last touched a whole working set ago (beyond the LLC when the set is).
 */
export function chunkWalk(workingSetBytes: number) {
  const chunkBytes = Math.min(workingSetBytes, CHUNK_BYTES);
  const pieces = workingSetBytes / chunkBytes;
  let next = 0;
  const walk = (reps: number, visit: (offset: number, length: number) => unknown) => {
    for (let r = 0; r < reps; r++) {
      visit(next * chunkBytes, chunkBytes);
      next = (next + 1) % pieces;
    }
  };
  return Object.assign(walk, {
    chunkBytes,
    describe:
      pieces > 1 ? `the working set streamed ${chunkBytes / MiB} MiB a repetition, round its ${pieces} pieces` : 'the whole working set each repetition',
  });
}

/** No CPU core runs above this (the fastest desktop parts boost to 6.2 GHz); a clock above it means the engine shortened the chain. */
const MAX_PLAUSIBLE_GHZ = 7;

/** A measured clock, or unavailable where it is beyond any CPU's. */
export function plausibleClock(c: Ceiling): Ceiling {
  if (!c.available || c.value <= MAX_PLAUSIBLE_GHZ) return c;
  return unavailable(`measured ${c.value.toFixed(1)} GHz, beyond any CPU's clock: this engine shortened the dependent chain`, c.method);
}

/** Measure every ceiling of this target. */
export async function measureCeilings(target: string, request: CeilingsRequest, platform: CeilingsPlatform): Promise<TargetCeilings> {
  const { now } = platform;
  const start = now();
  const notes: string[] = [
    'JavaScript and WebAssembly ceilings are single-threaded except the threaded WebAssembly SIMD one; the native MatMul uses the runtime default thread pool',
  ];
  const llc = request.lastLevelCache ?? platform.lastLevelCache?.() ?? null;
  const largest = largestWorkingSet(llc?.bytes ?? null);
  const sets = [...SMALL_SETS.filter((s) => s < largest), largest];
  if (!llc) notes.push(`the last-level cache is unknown here: the largest working set is ${largest / MiB} MiB, which may not exceed it`);
  else if (largest <= llc.bytes)
    notes.push(`the largest working set (${largest / MiB} MiB) does not exceed the last-level cache (${Math.round(llc.bytes / MiB)} MiB): capped at 1 GiB`);
  else if (largest < 2 * llc.bytes)
    notes.push(
      `the largest working set (${largest / MiB} MiB) exceeds the last-level cache (${Math.round(llc.bytes / MiB)} MiB) by less than ×2: part of it may still hit that cache`,
    );

  // The clock, 5 compute ceilings, the threaded stream, then 4 bandwidth series (JS/WASM × read/read-write) over the working sets.
  // JavaScript: one Float32Array; a working set is a part of it from its start.
  let array: Float32Array | null = null;
  try {
    array = new Float32Array(largest / 4).fill(1); // written, so no page is the kernel's shared zero page
  } catch (e) {
    notes.push(`JavaScript bandwidth: could not allocate ${largest / MiB} MiB (${reasonOf(e)})`);
  }
  const simd = await instantiate(1, false);
  let stream: CeilingsWasmExports | string | null = typeof simd === 'string' ? simd : await instantiate(largest / (64 * KiB), false);
  if (typeof stream !== 'string') new Float32Array(stream.memory.buffer).fill(1);
  const streamUnavailable = typeof stream === 'string' ? stream : null;

  let slotsLeft = 7 + 4 * sets.length;
  /** Each ceiling gets an equal share of what is left of the budget. */
  const policy = (sampleMs: number, floorMs = MIN_CEILING_MS): RatePolicy => {
    const maxMs = Math.max(floorMs, (request.budgetMs - (now() - start)) / slotsLeft);
    slotsLeft = Math.max(1, slotsLeft - 1);
    return { sampleMs, targetPrecision: request.targetPrecision, minSamples: 7, maxSamples: 40, maxMs, now };
  };
  /** Why a ceiling is not measured once the budget is spent (a slow or emulated target), or null. */
  const overBudget = () =>
    now() - start > request.budgetMs
      ? `not measured: the ceilings' budget of ${request.budgetMs / 1000} s was spent before this one (a slow or emulated target)`
      : null;

  const jsScalar = await measureRate(
    (reps) => jsMultiplyAdd(reps * 100_000),
    JS_CHAINS * 100_000,
    'GMAC/s',
    `JavaScript: ${JS_CHAINS} independent chains of a = a * m + c on doubles (numbers), one multiply-add each`,
    policy(10),
  );
  await breathe();

  // The operands come from the clock, so no engine can know them and fold the chain.
  const [addend, mask] = now() >= 0 ? [1, 2] : [3, 4];
  const clock = plausibleClock(
    await measureRate(
      (reps) => jsClockChain(reps * 100_000, addend, mask),
      JS_CLOCK_CHAIN_OPS * 100_000,
      'GHz',
      `JavaScript: 8 dependent x = (x + a) ^ b an iteration, an add and a xor of one cycle each on x86-64 and ARMv8 cores; operations per second ÷ 1e9`,
      policy(10),
    ),
  );
  await breathe();

  /** A WebAssembly module's FMA kernel as a ceiling, or why it is unavailable (the module did not build, or the budget is spent). */
  const wasmFma = async (module: CeilingsWasmExports | string, method: string): Promise<Ceiling> =>
    typeof module === 'string'
      ? unavailable(module)
      : overBudget()
        ? unavailable(overBudget()!)
        : await measureRate((reps) => module.fma(reps * 1000), MACS_PER_FMA_ITERATION * 1000, 'GMAC/s', method, policy(10));

  const wasmSimd = await wasmFma(simd, 'WebAssembly SIMD: 12 independent f32x4 chains of f32x4.mul then f32x4.add (4 multiply-adds each), single-threaded');
  await breathe();

  const relaxed = await instantiate(1, true);
  const wasmRelaxedSimd = await wasmFma(
    relaxed,
    'WebAssembly relaxed SIMD: 12 independent f32x4.relaxed_madd chains (4 multiply-adds each; fused where the engine lowers it to an FMA), single-threaded',
  );
  await breathe();

  const wasmSimdThreaded = await threadedWasmFma(
    wasmSimd,
    wasmRelaxedSimd,
    platform.threads?.() ?? { unavailable: 'this platform starts no threads for the ceilings' },
    overBudget,
    policy,
    () => request.budgetMs - (now() - start),
  );
  await breathe();

  let native: Ceiling;
  try {
    native = !platform.native
      ? unavailable(platform.nativeUnavailable ?? 'this target has no native runtime')
      : overBudget()
        ? unavailable(overBudget()!)
        : await platform.native(policy(20, 1000));
  } catch (e) {
    native = unavailable(`the native MatMul failed: ${reasonOf(e)}`);
  }
  await breathe();

  const bandwidth: BandwidthCeiling[] = [];
  // The largest working set first (its read-write stream is the roofline's memory roof), each
  // series after a warm-up on the smallest set so the kernel runs optimized from its first sample.
  const order = [...sets].reverse().slice(0, 1).concat(sets.slice(0, -1));
  const series = async (
    language: 'js' | 'wasm',
    kernel: ((access: Access, offset: number, length: number) => unknown) | string,
    describe: (access: Access) => string,
  ) => {
    if (typeof kernel !== 'string') for (const access of ACCESSES) chunkWalk(sets[0])(64, (offset, length) => kernel(access, offset, length));
    for (const access of ACCESSES) {
      for (const bytes of order) {
        const walk = chunkWalk(bytes);
        const spent = overBudget();
        const ceiling =
          typeof kernel === 'string'
            ? unavailable(kernel)
            : spent
              ? unavailable(spent)
              : await measureRate(
                  (reps) => walk(reps, (offset, length) => kernel(access, offset, length)),
                  (access === 'read' ? 1 : 2) * walk.chunkBytes,
                  'GB/s',
                  `${describe(access)}; ${walk.describe}`,
                  policy(10),
                );
        bandwidth.push({ language, access, workingSetBytes: bytes, ceiling });
        await breathe();
      }
    }
  };
  const a = array;
  await series(
    'js',
    a
      ? (access, offset, length) => (access === 'read' ? jsRead(a, offset / 4, length / 4) : jsReadWrite(a, offset / 4, length / 4))
      : 'could not allocate the working set',
    (access) =>
      `JavaScript: ${access === 'read' ? 'sum a Float32Array into 8 sums, unrolled by 8; bytes read' : 'a[i] += 1 over a Float32Array, unrolled by 4; bytes read + bytes written'}`,
  );
  array = null;
  {
    const single = stream;
    await series(
      'wasm',
      typeof single === 'string' ? single : (access, offset, length) => (access === 'read' ? single.read(offset, length, 1) : single.rw(offset, length, 1)),
      (access) =>
        `WebAssembly SIMD: ${access === 'read' ? 'v128.load into 8 f32x4 sums' : 'v128.load, f32x4.add 1, v128.store'}, ${STREAM_STEP_BYTES} bytes an iteration; ${access === 'read' ? 'bytes read' : 'bytes read + bytes written'}`,
    );
  }
  stream = null; // its memory goes before the threads allocate theirs (a phone holds one largest set, not two)
  const threadHost = platform.threads?.() ?? { unavailable: 'this platform starts no threads for the ceilings' };
  const threadedStream: BandwidthCeiling = {
    language: 'wasm',
    access: 'read-write',
    workingSetBytes: largest,
    ceiling:
      streamUnavailable !== null
        ? unavailable(streamUnavailable)
        : await threadedWasmStream(largest, threadHost, overBudget, policy, () => request.budgetMs - (now() - start)),
  };
  bandwidth.sort((x, y) =>
    x.language === y.language ? x.workingSetBytes - y.workingSetBytes || x.access.localeCompare(y.access) : x.language.localeCompare(y.language),
  );

  const nominalPeak = platform.nominalPeak?.() ?? null;
  return {
    target,
    measuredAt: new Date().toISOString(),
    durationMs: now() - start,
    environment: platform.environment,
    compute: { jsScalar, wasmSimd, wasmRelaxedSimd, wasmSimdThreaded, native },
    bandwidth,
    threadedStream,
    clock,
    ...(llc ? { lastLevelCache: { bytes: llc.bytes, source: llc.source } } : { lastLevelCache: { bytes: null, source: 'unknown in this environment' } }),
    ...(nominalPeak ? { nominalPeak } : {}),
    notes,
  };
}

/**
 * The WebAssembly SIMD ceiling on every thread the target allows: the faster single-threaded FMA
 * kernel (f32x4 mul + add, or relaxed_madd where that was faster), one instance per worker,
 * released together and timed to the slowest; multiply-adds of all threads over that time.
 * Unavailable with the reason when the single-threaded kernel was not measured, the target
 * allows one thread (its ceiling is the single-threaded one), starts no threads, or a worker fails.
 */
async function threadedWasmFma(
  simd: Ceiling,
  relaxed: Ceiling,
  host: FmaThreadHost,
  overBudget: () => string | null,
  policy: (sampleMs: number) => RatePolicy,
  budgetLeftMs: () => number,
): Promise<Ceiling> {
  const useRelaxed = relaxed.available && (!simd.available || relaxed.value > simd.value);
  if (!simd.available && !relaxed.available) return unavailable(`no single-threaded WebAssembly SIMD kernel was measured (${simd.reason})`);
  if ('unavailable' in host) return unavailable(host.unavailable);
  if (!(host.count > 1)) return unavailable(`${host.countSource} is ${host.count}: one thread, so the single-threaded ceiling is this target's`);
  const spent = overBudget();
  if (spent) return unavailable(spent);
  const kernel = useRelaxed ? '12 independent f32x4.relaxed_madd chains' : '12 independent f32x4 chains of f32x4.mul then f32x4.add';
  const method = `WebAssembly SIMD on ${host.count} threads (${host.countSource}): ${kernel} (4 multiply-adds each; the faster single-threaded kernel), one instance a worker, all released by one Atomics.notify and timed to the slowest; multiply-adds of all threads`;
  return onThreads(
    host.count,
    method,
    () => startFmaThreads(host, ceilingsWasm({ pages: 1, relaxed: useRelaxed }), host.count, Math.max(MIN_CEILING_MS, budgetLeftMs())),
    (threads) => measureRate((reps) => threads.run(reps * 1000), host.count * MACS_PER_FMA_ITERATION * 1000, 'GMAC/s', method, policy(20)),
  );
}

/** Start the threads, measure on them, close them: the ceiling with its thread count, or unavailable with why (they did not start, one failed). */
async function onThreads(
  count: number,
  method: string,
  start: () => Promise<FmaThreads>,
  measure: (threads: FmaThreads) => Promise<Ceiling>,
): Promise<Ceiling> {
  let threads: FmaThreads;
  try {
    threads = await start();
  } catch (e) {
    return unavailable(`the threads did not start: ${reasonOf(e)}`, method);
  }
  try {
    const measured = await measure(threads);
    return measured.available ? { ...measured, threads: count } : measured;
  } catch (e) {
    return unavailable(`a thread failed: ${reasonOf(e)}`, method);
  } finally {
    threads.close();
  }
}

/**
 * The WebAssembly read-write stream on every thread the target allows: the largest working set
 * split between the threads, each streaming its own part (its own module instance and memory) in
 * pieces as the single-threaded stream does, released together and timed to the slowest; bytes of
 * all threads. The memory roof of jobs that ran more than one thread.
 */
async function threadedWasmStream(
  workingSetBytes: number,
  host: FmaThreadHost,
  overBudget: () => string | null,
  policy: (sampleMs: number) => RatePolicy,
  budgetLeftMs: () => number,
): Promise<Ceiling> {
  if ('unavailable' in host) return unavailable(host.unavailable);
  if (!(host.count > 1)) return unavailable(`${host.countSource} is ${host.count}: one thread, so the single-threaded stream is this target's`);
  const spent = overBudget();
  if (spent) return unavailable(spent);
  const share = workingSetBytes / host.count;
  const chunkBytes = Math.min(share, CHUNK_BYTES);
  const pieces = Math.floor(share / chunkBytes);
  const method = `WebAssembly SIMD read-write stream on ${host.count} threads (${host.countSource}): v128.load, f32x4.add 1, v128.store, ${STREAM_STEP_BYTES} bytes an iteration; the ${workingSetBytes / MiB} MiB working set split between the threads, each its own instance streaming ${chunkBytes / MiB} MiB a repetition round its ${pieces} pieces; all released by one Atomics.notify and timed to the slowest; bytes read + written by all threads`;
  const bytes = ceilingsWasm({ pages: Math.ceil((chunkBytes * pieces) / (64 * KiB)), relaxed: false });
  return onThreads(
    host.count,
    method,
    () => startFmaThreads(host, bytes, host.count, Math.max(MIN_CEILING_MS, budgetLeftMs()), { chunkBytes, pieces }),
    (threads) => measureRate((reps) => threads.run(reps), host.count * 2 * chunkBytes, 'GB/s', method, policy(10)),
  );
}
