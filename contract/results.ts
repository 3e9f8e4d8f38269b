/**
 * The results contract: the schema of one JSON object per job in `<out>/results.jsonl` and
 * of `<out>/run.json` describing the run. Pure data, no I/O, so pages and remote probes can
 * import it; the files themselves are read and written by store.ts. Reports and comparisons
 * read these files and nothing else. Bump SCHEMA_VERSION on any incompatible change and
 * document it in docs/results.md.
 */
import { z } from 'zod';
import { ProfileSchema } from './profile-schema.ts';
import { TargetCeilingsSchema } from './ceilings.ts';

/** Version of results.jsonl lines and run.json. */
export const SCHEMA_VERSION = 1;

const num = z.number();
const _nullableNum = num.nullable();

/**
 * Upper bounds of what a measurement can be. A value past one (or negative, or not finite) is
 * not a slow device but a corrupt, hand-edited or forged line, and every view would print it
 * as if it were true (a negative median reads as "faster -200 %"), so reading it is refused.
 */
export const LIMITS = {
  /** One inference (latency samples, percentiles, first inference): 1 hour. */
  latencyMs: 3_600_000,
  /** One job, one load or init step, a cool-down: 7 days. */
  durationMs: 7 * 24 * 3_600_000,
  /** Time a target instance spent over a run and its resumes: 366 days. */
  runDurationMs: 366 * 24 * 3_600_000,
  /** Memory a job measures (RSS, heaps, buffers, tf.memory()): 1 TiB. */
  bytes: 2 ** 40,
  /** Memory of a whole host: 1 PiB. */
  hostBytes: 2 ** 50,
  /** Samples, images, tensors, threads, cores, instances, files: 1e9. */
  count: 1e9,
  /** Multiply-accumulates and parameters of one network: 1e12 (MobileNet 1.0_224: 5.7e8 MACs). */
  operations: 1e12,
  /** Achieved GMAC/s: 1e7 (10 PMAC/s). */
  gmacPerSecond: 1e7,
  /** Ratio of two latencies (drift: last quarter ÷ first quarter): 1e6. */
  ratio: 1e6,
  /** CPU frequency: 1e9 kHz (1 THz). */
  frequencyKHz: 1e9,
  /** Device temperature: −100 to 1000 °C. */
  temperatureC: [-100, 1000] as const,
} as const;

/** A finite number in [lo, hi] (zod rejects Infinity and NaN); the messages name the quantity and its bound. */
const within = (lo: number, hi: number, what: string, bound = String(hi)) =>
  z
    .number()
    .min(lo, { message: lo === 0 ? `must be ≥ 0: ${what} cannot be negative` : `must be ≥ ${lo} for ${what}` })
    .max(hi, { message: `must be ≤ ${bound} for ${what}; a larger value is not a measurement` });
const latencyMs = within(0, LIMITS.latencyMs, 'a latency', '3600000 ms (1 h)');
const durationMs = within(0, LIMITS.durationMs, 'a duration', '604800000 ms (7 days)');
const bytes = within(0, LIMITS.bytes, 'memory', '2^40 bytes (1 TiB)');
const count = within(0, LIMITS.count, 'a count', '1e9').int();
const operations = within(0, LIMITS.operations, 'an operation count', '1e12');
/** Rates and fractions: top-1, top-5, agreement, crop. */
const fraction = within(0, 1, 'a fraction');
const ratio = within(0, LIMITS.ratio, 'a ratio', '1e6');
/** Largest |Δlogit|: any finite non-negative number. */
const logitDelta = within(0, Number.MAX_VALUE, 'an absolute difference');

/**
 * The smallest non-zero median that is a measurement: 1 ns, finer than any timer a probe reads
 * (5e-324 is a forged line, and would make every later run look a billion times slower). 0 stays
 * allowed: a coarse browser timer can read a very fast job as 0, and verdicts skip it.
 */
export const MIN_MEDIAN_MS = 1e-6;

/** One problem with a latency summary, at a path relative to it. */
export interface LatencyIssue {
  path: string[];
  message: string;
}

/**
 * The bounds a median, its 95 % CI and its sample count must keep together, beyond each number's
 * own range. One rule for results and history entries, so neither accepts what the other refuses:
 * a median of 0 or at least MIN_MEDIAN_MS, a CI whose lower end is not above its upper and which
 * holds the median, and at least one sample behind a median.
 */
export function latencySummaryIssues(l: { medianMs: number | null; ci95Ms: readonly [number, number] | null; samples: number }): LatencyIssue[] {
  const issues: LatencyIssue[] = [];
  const m = l.medianMs;
  if (m !== null && m > 0 && m < MIN_MEDIAN_MS)
    issues.push({ path: ['medianMs'], message: `must be 0 or ≥ ${MIN_MEDIAN_MS} ms (1 ns): ${m} ms is finer than any timer, not a measurement` });
  if (l.ci95Ms) {
    const [lo, hi] = l.ci95Ms;
    if (lo > hi) issues.push({ path: ['ci95Ms'], message: `[${lo}, ${hi}] is inverted: its lower end must not exceed its upper end` });
    // A bootstrap interval of the median holds the median; a hair of tolerance for rounding.
    else if (m !== null && (m < lo - 1e-9 * Math.abs(lo) || m > hi + 1e-9 * Math.abs(hi)))
      issues.push({ path: ['ci95Ms'], message: `[${lo}, ${hi}] does not contain the median ${m}: a 95 % interval of the median must` });
  }
  if (m !== null && l.samples < 1)
    issues.push({ path: ['samples'], message: 'a median needs at least 1 sample; 0 samples beside a median is not a measurement' });
  return issues;
}

/** What actually ran, read back from the runtime. */
export const EffectiveSchema = z.object({
  impl: z.string(),
  backend: z.string(),
  threads: count.nullable(),
  simd: z.boolean().nullable(),
  version: z.string(),
  crossOriginIsolated: z.boolean().nullable().optional(),
  details: z.record(z.string(), z.union([z.string(), num, z.boolean(), z.null()])).optional(),
});

/** One window of a sustained job: the samples that ended in [startMs, endMs) of sampling time (ms since the timed samples began). */
export const SustainedWindowSchema = z.object({ startMs: durationMs, endMs: durationMs, samples: count.positive(), medianMs: latencyMs });

/** Latency over time of a sustained job (harness/sustained.ts). */
export const SustainedSchema = z
  .object({
    windowMs: durationMs.positive(),
    windows: z.array(SustainedWindowSchema).min(1).max(LIMITS.count),
    /** The first window's median. */
    coldMedianMs: latencyMs,
    /** The last window's median. */
    lastMedianMs: latencyMs,
    /** lastMedianMs ÷ coldMedianMs. */
    ratio,
  })
  .superRefine((s, ctx) => {
    // The summary must be what the windows say, or a view would print a number the data does not hold.
    const first = s.windows[0].medianMs;
    const last = s.windows[s.windows.length - 1].medianMs;
    if (s.coldMedianMs !== first || s.lastMedianMs !== last)
      ctx.addIssue({ code: 'custom', path: ['coldMedianMs'], message: "must be the first and last windows' medians (coldMedianMs, lastMedianMs)" });
    else if (first > 0 && Math.abs(s.ratio - last / first) > 1e-9 * Math.max(1, s.ratio))
      ctx.addIssue({
        code: 'custom',
        path: ['ratio'],
        message: `must be lastMedianMs ÷ coldMedianMs (${last / first}); a different ratio is not a measurement`,
      });
    if (s.windows.some((w) => w.endMs < w.startMs)) ctx.addIssue({ code: 'custom', path: ['windows'], message: 'a window cannot end before it starts' });
  });

/** Memory figures of one job; every field says what it measures, null when the target cannot tell. */
export const MemorySchema = z.object({
  /** Peak resident set size of the process that ran the job (Node: VmHWM; browser: renderer). */
  peakRssBytes: bytes.nullable(),
  /** Where peakRssBytes came from (e.g. "VmHWM of the job's child process"). */
  peakRssSource: z.string().nullable(),
  /** V8 heap in use after the timed samples. */
  jsHeapUsedBytes: bytes.nullable(),
  /** V8 heap reserved after the timed samples. */
  jsHeapTotalBytes: bytes.nullable(),
  /** Memory outside the V8 heap held by JS objects (Node: process.memoryUsage().external). */
  externalBytes: bytes.nullable(),
  /** ArrayBuffers and SharedArrayBuffers (Node: process.memoryUsage().arrayBuffers). */
  arrayBuffersBytes: bytes.nullable(),
  /** Sum of the byte lengths of the WebAssembly memories the runtime created. */
  wasmMemoryBytes: bytes.nullable(),
  /** tf.memory() after the timed samples, where tfjs ran. */
  tfjs: z.object({ numBytes: bytes, numTensors: count, numDataBuffers: count }).nullable(),
  /** Anything target-specific (e.g. measureUserAgentSpecificMemory), labelled by its key. */
  extra: z.record(z.string(), bytes).optional(),
});

/** Accuracy of one job on the eval set and against the reference implementation. */
export const AccuracySchema = z.object({
  /** Images evaluated. */
  n: count,
  /** Top-1 / top-5 against labels, null when the set has no labels. */
  top1: fraction.nullable(),
  top5: fraction.nullable(),
  /** Fraction of images whose top-1 equals the reference implementation's. */
  agreementTop1: fraction.nullable(),
  /** Largest |logit − reference logit| over the compared images and all classes. */
  maxAbsLogitDelta: logitDelta.nullable(),
  /** Images compared with the reference (the first accuracy.referenceSamples of the n). */
  agreementN: count.optional(),
  /** Top-1 class per image, in eval-set order (lets compare count changed predictions). */
  predictions: z.array(count).optional(),
  /** Why accuracy is missing or partial. */
  note: z.string().optional(),
  /** Central-crop fraction the eval-set images were preprocessed with (accuracy.crop; absent without an eval set). */
  crop: fraction.optional(),
  /** User models with a labels file: rows the true class, columns the predicted one, over the classes seen. */
  confusion: z.object({ classes: z.array(z.string()), matrix: z.array(z.array(count)) }).optional(),
  /** User models: the input normalisation and crop the images were preprocessed with. */
  preprocessing: z.string().optional(),
});

/**
 * One reading of how hot or throttled the device was. Every reading names its source; one
 * that could not be taken says why in `unavailable` and carries no numbers.
 */
export const ThermalReadingSchema = z.object({
  /** What was read, e.g. "vcgencmd get_throttled", "/sys/class/thermal/thermal_zone0/temp", "dumpsys battery". */
  source: z.string(),
  temperatureC: within(LIMITS.temperatureC[0], LIMITS.temperatureC[1], 'a temperature in °C').nullable().optional(),
  /** Current CPU frequency, kHz. */
  cpuFrequencyKHz: within(0, LIMITS.frequencyKHz, 'a CPU frequency', '1e9 kHz').nullable().optional(),
  /** A named state where the source gives one (Android thermal status, iOS thermalState). */
  state: z.string().nullable().optional(),
  /** Whether the source says the device is throttling now. */
  throttledNow: z.boolean().nullable().optional(),
  /** Decoded flags (e.g. vcgencmd's underVoltageNow, throttledSinceBoot). */
  flags: z.record(z.string(), z.boolean()).optional(),
  /** Why this source gave no reading. */
  unavailable: z.string().optional(),
});

/** Thermal readings taken just before and just after a job, and whether it throttled in between. */
export const ThermalSchema = z.object({
  before: z.array(ThermalReadingSchema),
  after: z.array(ThermalReadingSchema),
  /** True when a reading shows throttling during the job; false when readings could tell and did not; null when none could tell. */
  throttled: z.boolean().nullable(),
  /** Time spent cooling down before the job (the target's `cooldown`). */
  cooldownMs: durationMs.optional(),
  /** Whether the cool-down gave up at maxWaitSeconds before the device was cool enough. */
  cooldownCapped: z.boolean().optional(),
  /** cooldown.untilBaseline: the hottest reading of the lane's first job, °C, that later jobs wait to get back to (null: no temperature to read). */
  baselineC: within(LIMITS.temperatureC[0], LIMITS.temperatureC[1], 'a temperature in °C').nullable().optional(),
  /** Sustained mode: readings taken every sampling.windowMs during the job, atMs after it started. */
  series: z.array(z.object({ atMs: durationMs, readings: z.array(ThermalReadingSchema) })).optional(),
});

/** What device ran the job, as the target reports it (remote targets: phones, boards, grids, farms). */
export const DeviceSchema = z.object({
  /** 'android', 'ios', 'linux', … as the device reports it. */
  platform: z.string(),
  model: z.string().nullable(),
  osVersion: z.string().nullable(),
  /** CPU architecture (uname -m on a board). */
  arch: z.string().nullable().optional(),
  cores: count.nullable().optional(),
  browserName: z.string().nullable(),
  browserVersion: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** A stand-in (emulated phone, board under qemu), not the real device. */
  emulated: z.boolean(),
  /** CPU throttling applied on purpose (CDP), 1 = none; null when unknown. */
  cpuThrottlingRate: ratio.nullable(),
  /** WebDriver session id (or SSH connection id) that ran the job. */
  sessionId: z.string().nullable(),
  /** The WebDriver server or SSH endpoint, credentials removed. */
  serverUrl: z.string().nullable(),
  /** Identity of the pooled instance that ran the job (udid, serial, host), where a target has several. */
  instance: z.string().nullable().optional(),
  /** Anything else the device tells (CPU governor, max frequency, …), labelled by its key. */
  details: z.record(z.string(), z.union([z.string(), num, z.boolean(), z.null()])).optional(),
});

/** Status of a job: ok; invalid (ran, but not what was asked); failed; skipped (impossible, with a reason). */
export const JobStatusSchema = z.enum(['ok', 'invalid', 'failed', 'skipped']);

/** One line of results.jsonl. */
export const JobResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  id: z.string(),
  target: z.string(),
  impl: z.string(),
  backend: z.string(),
  threads: count.nullable(),
  alpha: within(0, 1e3, 'a width multiplier').positive({ message: 'must be > 0 (a width multiplier)' }),
  resolution: count.positive({ message: 'must be > 0 (an input resolution in pixels)' }),
  /** float32; uint8 on integer kernels; uint8 dequantized to float32 (float kernels). */
  precision: z.enum(['float32', 'uint8', 'uint8-dequantized']),
  weightsSource: z.string(),
  /** A user's own model (config `models`, `--model`): its name, file and head size; absent for the official variants. */
  model: z.object({ name: z.string(), file: z.string(), classes: count }).optional(),
  status: JobStatusSchema,
  /** Why the job failed, was skipped or is invalid. */
  error: z.string().optional(),
  startedAt: z.string(),
  durationMs: durationMs,
  effective: EffectiveSchema.nullable(),
  coldStart: z.object({ loadMs: durationMs.nullable(), initMs: durationMs.nullable(), firstInferenceMs: latencyMs.nullable() }).nullable(),
  latency: z
    .object({
      samplesMs: z.array(latencyMs).max(LIMITS.count),
      medianMs: latencyMs,
      p90Ms: latencyMs,
      p99Ms: latencyMs,
      meanMs: latencyMs,
      minMs: latencyMs,
      maxMs: latencyMs,
      madMs: latencyMs,
      ci95Ms: z.tuple([latencyMs, latencyMs]),
      warmupSamples: count,
      /** Why sampling stopped: minimums met, sample cap, or time cap. */
      stoppedBy: z.enum(['minimums', 'maxSamples', 'maxTime']),
      /** Why sampling stopped, finer: the target precision was reached ('precision'), the fixed floors were met with the rule off ('min'), the budget was spent before the target ('budget'), or a cap came first. */
      stopReason: z.enum(['precision', 'min', 'budget', 'maxTime', 'maxSamples']).optional(),
      /** Relative 95 % CI half-width of the median reached (0.01 = ±1 %; contract/stats/stopping.ts); null when too few samples to tell. */
      precision: ratio.nullable().optional(),
      /** The sampling.targetPrecision the job ran with (0 = fixed floors). */
      targetPrecision: fraction.optional(),
      drift: z.object({ firstQuarterMedianMs: latencyMs, lastQuarterMedianMs: latencyMs, ratio, flagged: z.boolean() }).nullable(),
      /** With sampling.repeats > 1: each process's median and sample count, in order (samplesMs holds them back to back). */
      processes: z.array(z.object({ medianMs: latencyMs, samples: count })).optional(),
      /** Sustained mode (sampling.mode 'sustained'): the median per window of sampling time, and last ÷ first window ("sustained / cold"). */
      sustained: SustainedSchema.optional(),
    })
    .superRefine((l, ctx) => {
      for (const issue of latencySummaryIssues({ medianMs: l.medianMs, ci95Ms: l.ci95Ms, samples: l.samplesMs.length }))
        ctx.addIssue({ code: 'custom', path: issue.path[0] === 'samples' ? ['samplesMs'] : issue.path, message: issue.message });
    })
    .nullable(),
  memory: MemorySchema.nullable(),
  analytic: z.object({
    macs: operations,
    params: operations,
    gmacPerSecond: within(0, LIMITS.gmacPerSecond, 'an achieved GMAC/s', '1e7').nullable(),
    /** Bytes the layers must move at the job's precision (models/traffic.ts): the roofline's intensity is macs ÷ bytes. Absent in older files. */
    bytes: within(0, LIMITS.operations * 8, 'a byte count', '8e12').optional(),
  }),
  accuracy: AccuracySchema.nullable(),
  /** The device that ran the job, where the target can tell (phones, boards, remote browsers). */
  device: DeviceSchema.optional(),
  /** Thermal readings before and after the job, where the target exposes any. */
  thermal: ThermalSchema.optional(),
  /** Which instance of a pooled target (`instances: N`, `hosts: [...]`) ran the job: index from 0, and how many there are. */
  instance: z.object({ index: count, count }).optional(),
  /** Caveats about the numbers, e.g. another job ran on the same host at the same time (`shareHost`). */
  warnings: z.array(z.string()).optional(),
  /** Where the time went, layer by layer (with `profile: true` / `--profile`); see profile-schema.ts. */
  profile: ProfileSchema.optional(),
  /** A re-run by `--resume --retry-failed`: the attempt's number (absent = 1). It supersedes the id's earlier, failed or invalid line, which stays in the file as history. */
  attempt: num.int().min(2).optional(),
  /** In transit only: a target's ceilings (the run's `<target>/ceilings` request); the harness moves them to run.json. */
  ceilings: TargetCeilingsSchema.optional(),
});

export type JobResult = z.infer<typeof JobResultSchema>;
export type JobStatus = z.infer<typeof JobStatusSchema>;
export type Effective = z.infer<typeof EffectiveSchema>;
export type Memory = z.infer<typeof MemorySchema>;
export type Accuracy = z.infer<typeof AccuracySchema>;
export type ThermalReading = z.infer<typeof ThermalReadingSchema>;
export type Thermal = z.infer<typeof ThermalSchema>;
export type Sustained = z.infer<typeof SustainedSchema>;
export type Device = z.infer<typeof DeviceSchema>;
export type RunInstance = z.infer<typeof RunInstanceSchema>;

/** One target instance (device) of a run, as run.json records it. */
export const RunInstanceSchema = z.object({
  target: z.string(),
  /** Instance index from 0, of `count`. */
  index: count,
  count,
  /** The machine it computes on, where known (used to keep jobs on one host apart). */
  host: z.string().nullable(),
  /** Jobs it ran (failed ones included). */
  jobs: count,
  /** Milliseconds it spent running them (cool-downs included). */
  busyMs: within(0, LIMITS.runDurationMs, 'a busy time', '31622400000 ms (366 days)'),
  /** Distinct WebDriver session ids (or connection ids) its results name. */
  sessions: z.array(z.string()).optional(),
});

/** run.json: what ran where, with which software and configuration. */
export const RunInfoSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** Names folders and files (history entries, published pages): a harness makes ~20 characters; past 128 a file name can overflow (ENAMETOOLONG), so it is refused. */
  runId: z.string().min(1, { message: 'must not be empty' }).max(128, {
    message:
      'must be at most 128 characters: a run id names folders and files (history entries, published pages); the harness makes ids like 2026-12-04T03-41-56Z',
  }),
  startedAt: z.string(),
  /** Set when the run finished (also after a resume). */
  endedAt: z.string().nullable(),
  gitCommit: z.string().nullable(),
  harnessVersion: z.string(),
  packages: z.record(z.string(), z.string()),
  host: z.object({
    cpuModel: z.string(),
    cores: count,
    totalMemoryBytes: within(0, LIMITS.hostBytes, 'host memory', '2^50 bytes (1 PiB)'),
    os: z.string(),
    arch: z.string(),
    nodeVersion: z.string(),
  }),
  /** The resolved configuration (defaults filled in). */
  config: z.unknown(),
  /** Job ids in the order they were planned (a resume follows it). */
  plannedJobIds: z.array(z.string()),
  /** Seed of the job order, where shuffled. */
  orderSeed: num.int(),
  /** Weights actually used: source and file hashes. */
  weights: z
    .array(
      z.object({
        variant: z.string(),
        precision: z.string(),
        source: z.string(),
        file: z.string().nullable(),
        sha256: z.string().nullable(),
        /** A user's model: its name (the entry is its own, apart from the official variant of the same α × resolution). */
        model: z.string().optional(),
        /** Every further file the weights are read from (a TF.js model's shards, in manifest order), each with its SHA-256. */
        parts: z.array(z.object({ file: z.string(), sha256: z.string().nullable() })).optional(),
        /** A user's model's labels file (its class names, in head order) and its SHA-256. */
        labels: z.object({ file: z.string(), sha256: z.string().nullable() }).optional(),
      }),
    )
    .optional(),
  /** Each interruption and resume, for the record. */
  resumes: z.array(z.string()).default([]),
  /** Per target instance (device): jobs it ran and the time it spent running them, summed over the run and its resumes. */
  instances: z.array(RunInstanceSchema).optional(),
  /** The probe page's bundle, where a target loads it (phones download it): source hash, all files, what every job loads first (main.js + index.html). */
  pageBundle: z.object({ hash: z.string(), totalBytes: bytes.int(), entryBytes: bytes.int(), files: count }).optional(),
  /** Environment variables the configuration drew on (MOBILENET_BENCH_MIRROR), as they were; `config` already carries their effect (weights.mirror), so a resume needs none of them. Absent in run.json files written before it was recorded. */
  environment: z.record(z.string(), z.string()).optional(),
  /** Each `--resume --retry-failed`: when, and which job ids it ran again. */
  retries: z.array(z.object({ at: z.string(), jobIds: z.array(z.string()) })).optional(),
  /** The eval set's folder and a content hash of every file in it (harness/eval-set-hash.ts); absent without an eval set, or when it could not be read. */
  evalSet: z
    .object({
      path: z.string(),
      files: count,
      bytes: bytes.int(),
      sha256: z.string(),
      /** 'scored': the hash covers each image the scorer lists (symlinks followed) with its label; absent: every regular file of the folder (older runs). */
      scope: z.literal('scored').optional(),
    })
    .optional(),
  /** Compute and bandwidth ceilings measured in each target, once per run (harness/probe/ceilings); absent in older runs and when not measured. */
  ceilings: z.array(TargetCeilingsSchema).optional(),
  /** Why no ceilings were measured (`--quick`, `ceilings: false`); absent when they were. */
  ceilingsSkipped: z.string().optional(),
});

export type RunInfo = z.infer<typeof RunInfoSchema>;

/** The hottest temperature among readings, or null when none has one. */
export function hottest(readings: ThermalReading[]): number | null {
  const temps = readings.map((r) => r.temperatureC).filter((t): t is number => typeof t === 'number');
  return temps.length ? Math.max(...temps) : null;
}
