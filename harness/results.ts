/**
 * The results contract: the schema of one JSON object per job in `<out>/results.jsonl` and
 * of `<out>/run.json` describing the run. Pure data, no I/O, so pages and remote probes can
 * import it; the files themselves are read and written by store.ts. Reports and comparisons
 * read these files and nothing else. Bump SCHEMA_VERSION on any incompatible change and
 * document it in the README.
 */
import { z } from 'zod';
import { ProfileSchema } from './profile-schema.ts';

/** Version of results.jsonl lines and run.json. */
export const SCHEMA_VERSION = 1;

const num = z.number();
const nullableNum = num.nullable();

/** What actually ran, read back from the runtime. */
export const EffectiveSchema = z.object({
  impl: z.string(),
  backend: z.string(),
  threads: num.int().nullable(),
  simd: z.boolean().nullable(),
  version: z.string(),
  crossOriginIsolated: z.boolean().nullable().optional(),
  details: z.record(z.string(), z.union([z.string(), num, z.boolean(), z.null()])).optional(),
});

/** Memory figures of one job; every field says what it measures, null when the target cannot tell. */
export const MemorySchema = z.object({
  /** Peak resident set size of the process that ran the job (Node: VmHWM; browser: renderer). */
  peakRssBytes: nullableNum,
  /** Where peakRssBytes came from (e.g. "VmHWM of the job's child process"). */
  peakRssSource: z.string().nullable(),
  /** V8 heap in use after the timed samples. */
  jsHeapUsedBytes: nullableNum,
  /** V8 heap reserved after the timed samples. */
  jsHeapTotalBytes: nullableNum,
  /** Memory outside the V8 heap held by JS objects (Node: process.memoryUsage().external). */
  externalBytes: nullableNum,
  /** ArrayBuffers and SharedArrayBuffers (Node: process.memoryUsage().arrayBuffers). */
  arrayBuffersBytes: nullableNum,
  /** Sum of the byte lengths of the WebAssembly memories the runtime created. */
  wasmMemoryBytes: nullableNum,
  /** tf.memory() after the timed samples, where tfjs ran. */
  tfjs: z.object({ numBytes: num, numTensors: num, numDataBuffers: num }).nullable(),
  /** Anything target-specific (e.g. measureUserAgentSpecificMemory), labelled by its key. */
  extra: z.record(z.string(), num).optional(),
});

/** Accuracy of one job on the eval set and against the reference implementation. */
export const AccuracySchema = z.object({
  /** Images evaluated. */
  n: num.int(),
  /** Top-1 / top-5 against labels, null when the set has no labels. */
  top1: nullableNum,
  top5: nullableNum,
  /** Fraction of images whose top-1 equals the reference implementation's. */
  agreementTop1: nullableNum,
  /** Largest |logit − reference logit| over the compared images and all classes. */
  maxAbsLogitDelta: nullableNum,
  /** Images compared with the reference (the first accuracy.referenceSamples of the n). */
  agreementN: num.int().optional(),
  /** Top-1 class per image, in eval-set order (lets compare count changed predictions). */
  predictions: z.array(num.int()).optional(),
  /** Why accuracy is missing or partial. */
  note: z.string().optional(),
  /** Central-crop fraction the eval-set images were preprocessed with (accuracy.crop; absent without an eval set). */
  crop: num.optional(),
});

/**
 * One reading of how hot or throttled the device was. Every reading names its source; one
 * that could not be taken says why in `unavailable` and carries no numbers.
 */
export const ThermalReadingSchema = z.object({
  /** What was read, e.g. "vcgencmd get_throttled", "/sys/class/thermal/thermal_zone0/temp", "dumpsys battery". */
  source: z.string(),
  temperatureC: nullableNum.optional(),
  /** Current CPU frequency, kHz. */
  cpuFrequencyKHz: nullableNum.optional(),
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
  cooldownMs: num.optional(),
});

/** What device ran the job, as the target reports it (remote targets: phones, boards, grids, farms). */
export const DeviceSchema = z.object({
  /** 'android', 'ios', 'linux', … as the device reports it. */
  platform: z.string(),
  model: z.string().nullable(),
  osVersion: z.string().nullable(),
  /** CPU architecture (uname -m on a board). */
  arch: z.string().nullable().optional(),
  cores: num.int().nullable().optional(),
  browserName: z.string().nullable(),
  browserVersion: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** A stand-in (emulated phone, board under qemu), not the real device. */
  emulated: z.boolean(),
  /** CPU throttling applied on purpose (CDP), 1 = none; null when unknown. */
  cpuThrottlingRate: nullableNum,
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
  threads: num.int().nullable(),
  alpha: num,
  resolution: num.int(),
  /** float32; uint8 on integer kernels; uint8 dequantized to float32 (float kernels). */
  precision: z.enum(['float32', 'uint8', 'uint8-dequantized']),
  weightsSource: z.string(),
  status: JobStatusSchema,
  /** Why the job failed, was skipped or is invalid. */
  error: z.string().optional(),
  startedAt: z.string(),
  durationMs: num,
  effective: EffectiveSchema.nullable(),
  coldStart: z.object({ loadMs: nullableNum, initMs: nullableNum, firstInferenceMs: nullableNum }).nullable(),
  latency: z
    .object({
      samplesMs: z.array(num),
      medianMs: num,
      p90Ms: num,
      p99Ms: num,
      meanMs: num,
      minMs: num,
      maxMs: num,
      madMs: num,
      ci95Ms: z.tuple([num, num]),
      warmupSamples: num.int(),
      /** Why sampling stopped: minimums met, sample cap, or time cap. */
      stoppedBy: z.enum(['minimums', 'maxSamples', 'maxTime']),
      drift: z.object({ firstQuarterMedianMs: num, lastQuarterMedianMs: num, ratio: num, flagged: z.boolean() }).nullable(),
      /** With sampling.repeats > 1: each process's median and sample count, in order (samplesMs holds them back to back). */
      processes: z.array(z.object({ medianMs: num, samples: num.int() })).optional(),
    })
    .nullable(),
  memory: MemorySchema.nullable(),
  analytic: z.object({ macs: num, params: num, gmacPerSecond: nullableNum }),
  accuracy: AccuracySchema.nullable(),
  /** The device that ran the job, where the target can tell (phones, boards, remote browsers). */
  device: DeviceSchema.optional(),
  /** Thermal readings before and after the job, where the target exposes any. */
  thermal: ThermalSchema.optional(),
  /** Which instance of a pooled target (`instances: N`, `hosts: [...]`) ran the job: index from 0, and how many there are. */
  instance: z.object({ index: num.int(), count: num.int() }).optional(),
  /** Caveats about the numbers, e.g. another job ran on the same host at the same time (`shareHost`). */
  warnings: z.array(z.string()).optional(),
  /** Where the time went, layer by layer (with `profile: true` / `--profile`); see profile-schema.ts. */
  profile: ProfileSchema.optional(),
  /** A re-run by `--resume --retry-failed`: the attempt's number (absent = 1). It supersedes the id's earlier, failed or invalid line, which stays in the file as history. */
  attempt: num.int().min(2).optional(),
});

export type JobResult = z.infer<typeof JobResultSchema>;
export type JobStatus = z.infer<typeof JobStatusSchema>;
export type Effective = z.infer<typeof EffectiveSchema>;
export type Memory = z.infer<typeof MemorySchema>;
export type Accuracy = z.infer<typeof AccuracySchema>;
export type ThermalReading = z.infer<typeof ThermalReadingSchema>;
export type Thermal = z.infer<typeof ThermalSchema>;
export type Device = z.infer<typeof DeviceSchema>;
export type RunInstance = z.infer<typeof RunInstanceSchema>;

/** One target instance (device) of a run, as run.json records it. */
export const RunInstanceSchema = z.object({
  target: z.string(),
  /** Instance index from 0, of `count`. */
  index: num.int(),
  count: num.int(),
  /** The machine it computes on, where known (used to keep jobs on one host apart). */
  host: z.string().nullable(),
  /** Jobs it ran (failed ones included). */
  jobs: num.int(),
  /** Milliseconds it spent running them (cool-downs included). */
  busyMs: num,
  /** Distinct WebDriver session ids (or connection ids) its results name. */
  sessions: z.array(z.string()).optional(),
});

/** run.json: what ran where, with which software and configuration. */
export const RunInfoSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  /** Set when the run finished (also after a resume). */
  endedAt: z.string().nullable(),
  gitCommit: z.string().nullable(),
  harnessVersion: z.string(),
  packages: z.record(z.string(), z.string()),
  host: z.object({
    cpuModel: z.string(),
    cores: num.int(),
    totalMemoryBytes: num,
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
  weights: z.array(z.object({ variant: z.string(), precision: z.string(), source: z.string(), file: z.string().nullable(), sha256: z.string().nullable() })).optional(),
  /** Each interruption and resume, for the record. */
  resumes: z.array(z.string()).default([]),
  /** Per target instance (device): jobs it ran and the time it spent running them, summed over the run and its resumes. */
  instances: z.array(RunInstanceSchema).optional(),
  /** The probe page's bundle, where a target loads it (phones download it): source hash, all files, what every job loads first (main.js + index.html). */
  pageBundle: z.object({ hash: z.string(), totalBytes: num.int(), entryBytes: num.int(), files: num.int() }).optional(),
  /** Environment variables the configuration drew on (MOBILENET_BENCH_MIRROR), as they were; `config` already carries their effect (weights.mirror), so a resume needs none of them. Absent in run.json files written before it was recorded. */
  environment: z.record(z.string(), z.string()).optional(),
  /** Each `--resume --retry-failed`: when, and which job ids it ran again. */
  retries: z.array(z.object({ at: z.string(), jobIds: z.array(z.string()) })).optional(),
});

export type RunInfo = z.infer<typeof RunInfoSchema>;
