/**
 * The probe: runs one job inside its target (a Node child process, a page) and
 * returns its JobResult. Load → init → first inference → warm-up → timed samples
 * (tinybench: after small floors, until the median is known to ±targetPrecision, capped) → memory → accuracy → validity.
 * Platform specifics (reading files, which runtimes exist, memory figures) come in
 * through ProbeEnvironment, so the same code runs everywhere.
 */
import { Bench } from 'tinybench';
import type { CanonicalWeights } from '../../models/weights/canonical.ts';
import type { LoadedModel } from '../../models/runtime.ts';
import type { Implementation } from '../config/implementations.ts';
import type { Job, SkippedJob, WeightsRef } from '../plan.ts';
import { SCHEMA_VERSION, type Accuracy, type Effective, type JobResult, type Memory } from '../../contract/results.ts';
import { checkDrift, mulberry32, summarizeLatency } from '../../contract/stats/describe.ts';
import { finitePrecision, nextLook, relativePrecision, type StopReason } from '../../contract/stats/stopping.ts';
import { sustainedWindows } from '../sustained.ts';
import { measureAccuracy, type EvalInputs } from './accuracy.ts';
import { profileModel } from './profile.ts';
import { specOf } from '../../models/weights/canonical.ts';
import { measureCeilings, type CeilingsPlatform, type CeilingsRequest } from './ceilings/measure-ceilings.ts';

/** What the probe needs from the platform it runs on. */
export interface ProbeEnvironment {
  /** Read and parse weights into canonical form. */
  loadWeights(ref: WeightsRef, job: Job): Promise<CanonicalWeights>;
  /** Build the network in a runtime (session creation, backend init, weight upload). */
  createModel(implementation: Implementation, weights: CanonicalWeights): Promise<LoadedModel>;
  /** Memory figures after the timed samples. */
  readMemory(effective: Effective): Promise<Memory>;
  /** Inputs for the accuracy pass: labelled images or seeded synthetic tensors, with reference logits. */
  evalInputs(job: Job, weights: CanonicalWeights): Promise<EvalInputs>;
  /** Whether the page/process is cross-origin isolated (browsers), null elsewhere. */
  crossOriginIsolated: boolean | null;
  /** Monotonic clock in milliseconds. */
  now(): number;
  /** What the ceilings micro-benchmarks get on this platform (a `<target>/ceilings` job); absent: they are refused with the reason. */
  ceilingsPlatform?(): CeilingsPlatform;
}

/** A seeded input in [-1, 1] of the variant's shape, used for latency (content does not change MobileNet's cost). */
export function syntheticInput(resolution: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const x = new Float32Array(resolution * resolution * 3);
  for (let i = 0; i < x.length; i++) x[i] = random() * 2 - 1;
  return x;
}

export interface SamplingOutcome {
  samplesMs: number[];
  /** When each sample ended, ms since the timed samples began (sustained mode's windows). */
  sampleEndsMs: number[];
  warmupSamples: number;
  /** The results' older, coarser field: 'minimums' for every stop that was not a cap. */
  stoppedBy: 'minimums' | 'maxSamples' | 'maxTime';
  stopReason: StopReason;
  /** Relative 95 % CI half-width of the median at the stop (contract/stats/stopping.ts); null: too few samples to tell. */
  precision: number | null;
}

/**
 * Timed samples with tinybench: at least minSamples and minTimeMs, then (targetPrecision > 0)
 * until the median's relative CI half-width is at most the target, looked at only at geometric
 * sample counts, or until the budget (budgetSamples and budgetTimeMs) is spent; capped by
 * maxSamples and maxTimeMs.
 */
export async function sampleLatency(run: () => Promise<unknown>, s: Job['sampling'], now: () => number): Promise<SamplingOutcome> {
  // tinybench keeps its samples sorted; we keep them in time order (for the drift check) and hand
  // it the same duration through overriddenDuration, so both agree on every sample.
  let phase: 'warmup' | 'run' = 'warmup';
  const ordered: number[] = [];
  const ends: number[] = [];
  let warmupSamples = 0;
  const target = s.targetPrecision ?? 0;
  let stopReason: StopReason = target > 0 ? 'precision' : 'min';
  let look = s.minSamples;
  // No budget (a sampling built by hand): sample until the target or a cap.
  const budgetSamples = s.budgetSamples ?? Number.POSITIVE_INFINITY;
  const budgetTimeMs = s.budgetTimeMs ?? Number.POSITIVE_INFINITY;
  let runStart = 0;
  const stop = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bench = new Bench({
    // With a target, tinybench runs to the caps and the rule below aborts it; without, it stops at the floors.
    iterations: target > 0 ? s.maxSamples : s.minSamples,
    time: target > 0 ? s.maxTimeMs : s.minTimeMs,
    warmup: s.warmupSamples > 0,
    warmupIterations: s.warmupSamples,
    warmupTime: s.warmupTimeMs,
    signal: stop.signal,
    now,
    throws: true,
  });
  bench.add(
    'inference',
    async () => {
      const t0 = now();
      await run();
      const ms = now() - t0;
      if (phase === 'warmup') warmupSamples++;
      else {
        ordered.push(ms);
        ends.push(now() - runStart);
        const n = ordered.length;
        if (stop.signal.aborted) return { overriddenDuration: ms };
        if (target > 0 && n >= look && n >= s.minSamples && now() - runStart >= s.minTimeMs) {
          look = nextLook(n);
          if (relativePrecision(ordered) <= target) {
            stopReason = 'precision';
            stop.abort();
            return { overriddenDuration: ms };
          }
        }
        if (target > 0 && n >= budgetSamples && now() - runStart >= budgetTimeMs) {
          // The budget (default: the fixed floors) is spent: stop, flagged unless the target is met now.
          stopReason = relativePrecision(ordered) <= target ? 'precision' : 'budget';
          stop.abort();
          return { overriddenDuration: ms };
        }
        if (n >= s.maxSamples) {
          stopReason = 'maxSamples';
          stop.abort();
        } else if (target > 0 && now() - runStart >= s.maxTimeMs) {
          // The timer below may starve behind inferences that resolve in microtasks: check here too.
          stopReason = 'maxTime';
          stop.abort();
        }
      }
      return { overriddenDuration: ms };
    },
    {
      beforeAll(mode) {
        phase = mode === 'run' ? 'run' : 'warmup';
        if (phase === 'run') {
          runStart = now();
          timer = setTimeout(() => {
            if (!stop.signal.aborted) {
              stopReason = 'maxTime';
              stop.abort();
            }
          }, s.maxTimeMs);
        }
      },
    },
  );
  try {
    await bench.run();
  } finally {
    clearTimeout(timer);
  }
  if (ordered.length === 0) throw new Error(`no timed sample completed within maxTimeMs = ${s.maxTimeMs} ms`);
  const reason = stopReason as StopReason; // assigned in callbacks, which narrowing does not see
  const stoppedBy = reason === 'maxSamples' || reason === 'maxTime' ? reason : 'minimums';
  return { samplesMs: ordered, sampleEndsMs: ends, warmupSamples, stoppedBy, stopReason: reason, precision: finitePrecision(relativePrecision(ordered)) };
}

/** Reasons why what ran is not what was asked (a silent fallback is a different experiment). */
export function validityProblems(asked: Implementation, effective: Effective, coiRequired: boolean, precision?: Job['precision']): string[] {
  const problems: string[] = [];
  // uint8 means integer kernels: the runtime must say so (ORT: read back from its profile).
  if (precision === 'uint8' && effective.details?.integerKernels !== true) {
    const ran = effective.details?.executedOps ? ` (executed: ${effective.details.executedOps})` : '';
    problems.push(`asked for uint8 on integer kernels, but ${effective.impl} did not run integer kernels${ran}`);
  }
  if (effective.backend !== asked.backend) problems.push(`asked for backend ${asked.backend}, ${effective.impl} ran ${effective.backend}`);
  if (asked.threads !== null && effective.threads !== null && effective.threads !== asked.threads) {
    problems.push(`asked for ${asked.threads} threads, ${effective.threads} ran`);
  }
  if (coiRequired && effective.crossOriginIsolated === false) problems.push('threads need crossOriginIsolated, and the page is not');
  return problems;
}

/** A result with the job's identity filled in and nothing measured yet (status 'failed' until proven otherwise). */
export function baseResult(job: Job | SkippedJob, status: JobResult['status'] = 'failed', error?: string): JobResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    id: job.id,
    target: job.target.name,
    impl: job.implementation.impl,
    backend: job.implementation.backend,
    threads: job.implementation.threads,
    alpha: job.alpha,
    resolution: job.resolution,
    precision: job.precision,
    weightsSource: job.weights ? describeWeights(job.weights) : 'none',
    ...(job.model ? { model: { name: job.model.name, file: job.model.file, classes: job.model.classes } } : {}),
    status,
    ...(error !== undefined ? { error } : {}),
    startedAt: new Date().toISOString(),
    durationMs: 0,
    effective: null,
    coldStart: null,
    latency: null,
    memory: null,
    analytic: { ...job.analytic, gmacPerSecond: null },
    accuracy: null,
  };
}

/** A job loaded in its runtime, after the first inference: what `runProbe` and the A/B block session share. */
export interface OpenedJob {
  result: JobResult;
  weights: CanonicalWeights;
  model: LoadedModel;
  /** The seeded latency input. */
  input: Float32Array;
}

/** The stage names a failure is reported under (`loading weights: …`). */
export interface StageTracker {
  stage: string;
}

/** Load, init and first inference into `result` (coldStart, effective); throws with `tracker.stage` set to the failing stage. */
export async function openJob(job: Job, env: ProbeEnvironment, result: JobResult, tracker: StageTracker, keep: (m: LoadedModel) => void): Promise<OpenedJob> {
  tracker.stage = 'loading weights';
  const tLoad = env.now();
  const weights = await env.loadWeights(job.weights, job);
  const loadMs = env.now() - tLoad;

  tracker.stage = `initialising ${job.implementation.impl}:${job.implementation.backend}`;
  const tInit = env.now();
  const model = await env.createModel(job.implementation, weights);
  keep(model);
  const initMs = env.now() - tInit;

  tracker.stage = 'first inference';
  const input = syntheticInput(job.resolution, 12345);
  const tFirst = env.now();
  await model.run(input);
  const firstInferenceMs = env.now() - tFirst;
  result.coldStart = { loadMs, initMs, firstInferenceMs };
  result.effective = { ...model.effective(), crossOriginIsolated: env.crossOriginIsolated };
  return { result, weights, model, input };
}

/** After the timing: memory, accuracy, the optional profile and validity, into `opened.result`. */
export async function completeJob(job: Job, env: ProbeEnvironment, opened: OpenedJob, tracker: StageTracker): Promise<void> {
  const { result, weights, model, input } = opened;
  const effective = result.effective!;
  tracker.stage = 'reading memory';
  result.memory = await env.readMemory(effective);

  tracker.stage = 'accuracy pass';
  result.accuracy = await accuracyOf(job, weights, model, env);

  // Last, so that profiling overhead touches no latency, memory or accuracy figure.
  if (job.profile) result.profile = await profileModel(model, input, specOf(weights), job.id, job.profile.inferences, () => env.now(), job.precision);

  const problems = validityProblems(job.implementation, effective, (job.implementation.threads ?? 1) > 1 && env.crossOriginIsolated !== null, job.precision);
  result.status = problems.length ? 'invalid' : 'ok';
  if (problems.length) result.error = problems.join('; ');
}

/** Run one job; never throws: failures come back as status 'failed' with the reason. */
export async function runProbe(job: Job, env: ProbeEnvironment): Promise<JobResult> {
  if (job.ceilings) return runCeilings(job, job.ceilings, env);
  const t0 = env.now();
  const result = baseResult(job);
  let model: LoadedModel | undefined;
  const tracker: StageTracker = { stage: 'loading weights' };
  try {
    const opened = await openJob(job, env, result, tracker, (m) => {
      model = m;
    });

    tracker.stage = 'sampling';
    const sampled = await sampleLatency(
      () => opened.model.run(opened.input),
      job.sampling,
      () => env.now(),
    );
    const summary = summarizeLatency(sampled.samplesMs);
    result.latency = {
      samplesMs: sampled.samplesMs,
      ...summary,
      warmupSamples: sampled.warmupSamples,
      stoppedBy: sampled.stoppedBy,
      stopReason: sampled.stopReason,
      precision: sampled.precision,
      targetPrecision: job.sampling.targetPrecision,
      drift: checkDrift(sampled.samplesMs, job.sampling.driftThreshold),
      ...(job.sampling.mode === 'sustained' ? { sustained: sustainedWindows(sampled.samplesMs, sampled.sampleEndsMs, job.sampling.windowMs!) } : {}),
    };
    result.analytic.gmacPerSecond = job.analytic.macs / (summary.medianMs * 1e6);

    await completeJob(job, env, opened, tracker);
  } catch (e) {
    result.status = 'failed';
    result.error = `${tracker.stage}: ${(e as Error)?.message ?? String(e)}`;
  } finally {
    await model?.dispose().catch(() => {});
    result.durationMs = env.now() - t0;
  }
  return result;
}

/** A ceilings request instead of a network: the target's micro-benchmarks, carried back in `ceilings`. */
async function runCeilings(job: Job, request: CeilingsRequest, env: ProbeEnvironment): Promise<JobResult> {
  const t0 = env.now();
  const result = baseResult(job);
  try {
    if (!env.ceilingsPlatform) throw new Error('this platform offers no ceilings measurement');
    result.ceilings = await measureCeilings(job.target.name, request, env.ceilingsPlatform());
    result.status = 'ok';
  } catch (e) {
    result.error = `measuring ceilings: ${(e as Error)?.message ?? String(e)}`;
  } finally {
    result.durationMs = env.now() - t0;
  }
  return result;
}

async function accuracyOf(job: Job, weights: CanonicalWeights, model: LoadedModel, env: ProbeEnvironment): Promise<Accuracy> {
  const inputs = await env.evalInputs(job, weights);
  return measureAccuracy(inputs, (x) => model.run(x));
}

/** Short human description of a weights reference, e.g. `synthetic(seed 0)` or `tflite:…/mobilenet_v1_0.25_224.tflite`. */
export function describeWeights(w: WeightsRef): string {
  if (w.kind === 'file') return `${w.format}:${w.path}`;
  return w.unavailable ? `synthetic(seed ${w.seed}; official weights not available)` : `synthetic(seed ${w.seed})`;
}
