/**
 * The schema of a target's measured ceilings (run.json `ceilings`, one record per target per
 * run): compute throughput and memory bandwidth that micro-benchmarks reached inside the target,
 * each with its median, interval and method, or unavailable with the reason; and the host CPU's
 * nominal FMA peak (`nominalPeak`), the outside check. Pure data, no I/O.
 */
import { z } from 'zod';

const nonNegative = z.number().min(0).max(1e9);
const count = z.number().int().min(0).max(1e9);

/** One measured ceiling: the median rate over timed samples, with its bootstrap 95 % interval. */
export const MeasuredCeilingSchema = z.object({
  available: z.literal(true),
  /** Median rate, in `unit`. */
  value: nonNegative,
  unit: z.enum(['GMAC/s', 'GB/s', 'GHz']),
  /** Seeded percentile-bootstrap 95 % interval of the median. */
  ci95: z.tuple([nonNegative, nonNegative]),
  /** Relative half-width of the median's distribution-free 95 % interval at the stop (0.02 = ±2 %); null: too few samples. */
  precision: nonNegative.nullable(),
  samples: count,
  /** Why sampling stopped: the precision target was met, or a cap came first. */
  stopReason: z.enum(['precision', 'maxSamples', 'maxTime']),
  /** Time the whole measurement took (calibration and warm-up included). */
  elapsedMs: nonNegative,
  /** What ran, in words (the kernel, its unrolling, what one unit counts). */
  method: z.string(),
  /** Threads the kernel ran on, started together (the threaded WebAssembly ceiling and stream); absent: one (the native MatMul: its runtime's default pool). */
  threads: count.optional(),
});

/** A ceiling the target could not measure, and why (never a made-up number). */
export const UnavailableCeilingSchema = z.object({ available: z.literal(false), reason: z.string(), method: z.string().optional() });

export const CeilingSchema = z.discriminatedUnion('available', [MeasuredCeilingSchema, UnavailableCeilingSchema]);

/** One streaming-bandwidth point: a language, an access pattern and a working-set size. */
export const BandwidthCeilingSchema = z.object({
  language: z.enum(['js', 'wasm']),
  access: z.enum(['read', 'read-write']),
  workingSetBytes: count,
  ceiling: CeilingSchema,
});

/** The CPU's nominal FMA peak: cores × FMA units × f32 lanes × GHz, in multiply-adds (× 2 for FLOP/s). */
export const NominalPeakSchema = z.object({
  /** Nominal GMAC/s of all cores; null when it cannot be told (the reason is in `unavailable`). */
  gmacPerSecond: nonNegative.nullable(),
  cpuModel: z.string(),
  cores: count,
  /** FMA units per core assumed, with why. */
  fmaUnits: count.nullable(),
  /** f32 lanes of the widest FMA the flags show (avx512f 16, avx2+fma 8, neon/asimd 4). */
  lanes: count.nullable(),
  ghz: nonNegative.nullable(),
  /** Where the frequency came from: `/proc/cpuinfo cpu MHz`, the model name's GHz, cpufreq's max. */
  frequencySource: z.string(),
  /** The frequency is the highest the CPU may run at (cpufreq's maximum), not a base clock it may boost above. */
  clockIsMaximum: z.boolean().optional(),
  /** The instruction-set flags it went by. */
  flags: z.array(z.string()),
  /** Assumptions, in words. */
  assumptions: z.array(z.string()),
  unavailable: z.string().optional(),
});

/** Every ceiling of one target, measured once per run (harness/probe/ceilings). */
export const TargetCeilingsSchema = z.object({
  target: z.string(),
  /** Which instance of a pooled target measured them (absent: the only one). */
  instance: count.optional(),
  measuredAt: z.string(),
  /** Wall time of all the micro-benchmarks inside the target. */
  durationMs: nonNegative,
  /** Where they ran: `node`, `browser` (a page) or `board` (a board's Node over SSH). */
  environment: z.enum(['node', 'browser', 'board']),
  /** A stand-in (qemu, an emulated phone), not the device. */
  emulated: z.boolean().optional(),
  compute: z.object({
    /** Plain JavaScript: 12 independent `a = a * m + c` chains on doubles. */
    jsScalar: CeilingSchema,
    /** WebAssembly SIMD: 12 independent f32x4.mul + f32x4.add chains, single-threaded. */
    wasmSimd: CeilingSchema,
    /** WebAssembly relaxed SIMD: f32x4.relaxed_madd (a fused multiply-add where the engine lowers it to one). */
    wasmRelaxedSimd: CeilingSchema,
    /**
     * WebAssembly SIMD on the threads the target allows (Node: os.availableParallelism(); a page:
     * navigator.hardwareConcurrency, only when cross-origin isolated), the faster of the two FMA
     * kernels, released together and timed to the slowest. Absent in run.json files from before it.
     */
    wasmSimdThreaded: CeilingSchema.optional(),
    /** The native runtime's own ceiling (Node: a large square MatMul through onnxruntime-node). Empirical, not the hardware peak. */
    native: CeilingSchema,
  }),
  /** Streaming bandwidth from L1-sized working sets to beyond the last-level cache. */
  bandwidth: z.array(BandwidthCeilingSchema),
  /**
   * The WebAssembly read-write stream over the largest working set on the threads the target
   * allows (split between them, `ceiling.threads`): the memory roof of jobs that ran more than one
   * thread. Absent in run.json files from before it.
   */
  threadedStream: BandwidthCeilingSchema.optional(),
  /**
   * The clock one core ran at, GHz: a chain of dependent int32 adds in JavaScript (one cycle each on
   * x86-64 and ARMv8 cores). The nominal check holds the ceilings against it where it is above the
   * clock read (a boost). Absent in run.json files from before it.
   */
  clock: CeilingSchema.optional(),
  /** The last-level cache the largest working set is set against, where the target could tell. */
  lastLevelCache: z.object({ bytes: count.nullable(), source: z.string() }).optional(),
  /** The nominal FMA peak of the CPU the target computes on, where it could be read (Node and boards: their /proc/cpuinfo; a browser on this machine: this machine's). */
  nominalPeak: NominalPeakSchema.optional(),
  /** Caveats (single-threaded, a working set that stayed within the LLC, …). */
  notes: z.array(z.string()),
});

export type Ceiling = z.infer<typeof CeilingSchema>;
export type MeasuredCeiling = z.infer<typeof MeasuredCeilingSchema>;
export type BandwidthCeiling = z.infer<typeof BandwidthCeilingSchema>;
export type TargetCeilings = z.infer<typeof TargetCeilingsSchema>;
export type NominalPeak = z.infer<typeof NominalPeakSchema>;
