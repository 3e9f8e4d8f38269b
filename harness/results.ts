/**
 * The results contract: one JSON object per job in `<out>/results.jsonl` (appended and
 * flushed as each job finishes) and `<out>/run.json` describing the run. Reports and
 * comparisons read these files and nothing else. Bump SCHEMA_VERSION on any
 * incompatible change and document it in the README.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

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
  precision: z.enum(['float32', 'uint8-dequantized']),
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
});

export type JobResult = z.infer<typeof JobResultSchema>;
export type JobStatus = z.infer<typeof JobStatusSchema>;
export type Effective = z.infer<typeof EffectiveSchema>;
export type Memory = z.infer<typeof MemorySchema>;
export type Accuracy = z.infer<typeof AccuracySchema>;

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
});

export type RunInfo = z.infer<typeof RunInfoSchema>;

/** Problem reading a results folder: names the file and line. */
export class ResultsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultsError';
  }
}

const RESULTS_FILE = 'results.jsonl';
const RUN_FILE = 'run.json';

/** Path of the results lines in a run folder. */
export const resultsPath = (dir: string) => join(dir, RESULTS_FILE);
/** Path of run.json in a run folder. */
export const runInfoPath = (dir: string) => join(dir, RUN_FILE);

/** Append one validated job line and flush it to disk before returning (a crash loses at most the job in flight). */
export function appendResult(dir: string, result: JobResult): void {
  const line = JSON.stringify(JobResultSchema.parse(result)) + '\n';
  const fd = openSync(resultsPath(dir), 'a');
  try {
    appendFileSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read every complete job line. A final line cut off by a crash (no newline) is
 * dropped, and with `repair` also truncated away so that appending can go on.
 */
export function readResults(dir: string, { repair = false } = {}): JobResult[] {
  const file = resultsPath(dir);
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (repair && complete.length !== text.length) truncateSync(file, Buffer.byteLength(complete));
  return complete
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new ResultsError(`${file}:${i + 1}: not valid JSON`);
      }
      const parsed = JobResultSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ResultsError(`${file}:${i + 1}: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
      }
      return parsed.data;
    });
}

/** Write run.json atomically (temp file + rename), so a crash never leaves half a file. */
export function writeRunInfo(dir: string, info: RunInfo): void {
  const tmp = runInfoPath(dir) + '.tmp';
  writeFileSync(tmp, JSON.stringify(RunInfoSchema.parse(info), null, 2) + '\n');
  renameSync(tmp, runInfoPath(dir));
}

/** Read and validate run.json. */
export function readRunInfo(dir: string): RunInfo {
  const file = runInfoPath(dir);
  if (!existsSync(file)) throw new ResultsError(`${file}: not found (is ${dir} a run folder?)`);
  const parsed = RunInfoSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ResultsError(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
