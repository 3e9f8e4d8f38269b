/**
 * The A/B block session, inside the target: one job loaded and warmed once (the probe's own load,
 * init and first inference), then blocks of back-to-back inferences timed with the target's clock
 * for as long as the controller alternates sides, and at the end memory, accuracy and agreement
 * measured by the probe's own code (`completeJob`). The same session serves a Node process, a
 * page and a board.
 */
import type { BlockTiming } from '../ab/block-worker.ts';
import type { LoadedModel } from '../../models/runtime.ts';
import type { JobResult } from '../../contract/results.ts';
import { checkDrift, summarizeLatency } from '../../contract/stats/describe.ts';
import type { Job } from '../plan.ts';
import { baseResult, completeJob, openJob, type OpenedJob, type ProbeEnvironment, type StageTracker } from './probe.ts';

/** Longest block a session accepts, in inferences (a controller bug must not hang the target). */
export const MAX_BLOCK_INFERENCES = 100_000;

/** What the warm-up measured: the controller sizes blocks from it. */
export interface WarmupReading {
  inferences: number;
  /** The median of the warm-up inferences, ms. */
  medianMs: number;
}

/** A job loaded and warmed in its target, serving timed blocks. */
export interface BlockSession {
  warmup: WarmupReading;
  runBlock(inferences: number): Promise<BlockTiming>;
  /** Memory, accuracy and validity as `run` measures them; latency from the blocks (each block's ms per inference). */
  finish(): Promise<JobResult>;
  /** Release the model. */
  dispose(): Promise<void>;
}

/** Warm-up as the job's sampling asks for it: at least `warmupSamples` inferences and `warmupTimeMs`. */
async function warmUp(run: () => Promise<unknown>, s: Job['sampling'], now: () => number): Promise<WarmupReading> {
  const times: number[] = [];
  const start = now();
  // At least 3, so that the block size does not rest on one inference.
  while (times.length < Math.max(3, s.warmupSamples) || now() - start < s.warmupTimeMs) {
    const t0 = now();
    await run();
    times.push(now() - t0);
  }
  times.sort((a, b) => a - b);
  return { inferences: times.length, medianMs: times[Math.floor(times.length / 2)] };
}

/** Open `job` and warm it; a job that cannot load comes back as its failed result (never throws). */
export async function openBlockSession(job: Job, env: ProbeEnvironment): Promise<{ session: BlockSession } | { failed: JobResult }> {
  const t0 = env.now();
  const result = baseResult(job);
  let model: LoadedModel | undefined;
  const tracker: StageTracker = { stage: 'loading weights' };
  let opened: OpenedJob;
  let warmup: WarmupReading;
  try {
    opened = await openJob(job, env, result, tracker, (m) => {
      model = m;
    });
    tracker.stage = 'warm-up';
    warmup = await warmUp(
      () => opened.model.run(opened.input),
      job.sampling,
      () => env.now(),
    );
  } catch (e) {
    await model?.dispose().catch(() => {});
    result.error = `${tracker.stage}: ${(e as Error)?.message ?? String(e)}`;
    result.durationMs = env.now() - t0;
    return { failed: result };
  }
  const perInference: number[] = [];
  const session: BlockSession = {
    warmup,
    async runBlock(inferences) {
      if (!Number.isInteger(inferences) || inferences < 1 || inferences > MAX_BLOCK_INFERENCES) {
        throw new Error(`a block is 1 to ${MAX_BLOCK_INFERENCES} inferences, not ${inferences}`);
      }
      const start = env.now();
      for (let i = 0; i < inferences; i++) await opened.model.run(opened.input);
      const ms = env.now() - start;
      perInference.push(ms / inferences);
      return { inferences, ms };
    },
    async finish() {
      try {
        if (perInference.length) {
          const summary = summarizeLatency(perInference);
          result.latency = {
            samplesMs: [...perInference],
            ...summary,
            warmupSamples: warmup.inferences,
            stoppedBy: 'minimums',
            targetPrecision: job.sampling.targetPrecision,
            drift: checkDrift(perInference, job.sampling.driftThreshold),
          };
          result.analytic.gmacPerSecond = job.analytic.macs / (summary.medianMs * 1e6);
        }
        await completeJob(job, env, opened, tracker);
      } catch (e) {
        result.status = 'failed';
        result.error = `${tracker.stage}: ${(e as Error)?.message ?? String(e)}`;
      }
      result.durationMs = env.now() - t0;
      return result;
    },
    dispose: async () => {
      await model?.dispose().catch(() => {});
    },
  };
  return { session };
}
