/**
 * The A/B controller for one job: several fresh worker pairs (side A and side B each loaded and
 * warmed in its own worker for the job's whole length), short blocks of inferences alternated
 * between the sides in AB or BA order (random, balanced per worker pair and batch), one pair per A
 * block and B block. Batches are added until `decide` says done or the job's cap in pairs or seconds
 * is reached. A pair whose block failed is dropped and counted, its worker pair replaced, and its
 * order run again so that AB and BA stay balanced. The decision itself is the caller's
 * (analysis/ab, wired in by the CLI): this module only gathers pairs.
 */
import type { JobResult } from '../../contract/results.ts';
import type { Job } from '../plan.ts';
import type { BlockWorker, BlockWorkerHost, SideRuntime } from './block-worker.ts';
import { balancedOrders } from './orders.ts';
import type { AbPair } from '../../contract/ab-pair.ts';
import { blockSizeFor, BLOCK_TARGET_MS } from './block-size.ts';

/** The caller's decision after each batch; `verdict` is passed through as is. */
export type Decide<V> = (pairs: AbPair[], dropped: number, elapsedMs: number) => { done: boolean; verdict: V };

export interface ControllerOptions<V> {
  /**
   * Worker pairs running at once: the interval must carry the variation between processes too. With
   * `freshPerBatch` (what `ab` uses), fresh ones every batch (default 1, so each batch is a new cluster).
   */
  workerPairs: number;
  /** Pairs each worker pair adds per batch (even; default 4). */
  pairsPerWorkerPerBatch: number;
  /** Cap per job: pairs, and seconds (checked between batches). */
  maxPairs: number;
  maxSeconds: number;
  /** Seed of the AB/BA orders. */
  seed: number;
  decide: Decide<V>;
  /** Called with each pair as it is recorded (pairs.jsonl is written as they come). */
  onPair?: (pair: AbPair) => void;
  /** ms since the comparison started (pairs' atMs). */
  clock: () => number;
  /** Worker pairs replaced in one job before it is given up (default 3). */
  maxReplacements?: number;
  /**
   * Duet: both blocks of a pair run at the same time (each side's workers pinned to its own CPU by
   * the host), started together; `order` then says which block was sent first. Default: interleaved.
   */
  duet?: boolean;
  /**
   * Fresh worker pairs for every batch: each batch's pairs come from `workerPairs` newly started
   * worker pairs, so the clusters of the decision's interval (and its degrees of freedom) grow with
   * the batches instead of staying at `workerPairs`. The pairs per worker pair of a batch are then
   * set from the measured start cost (`startShare`), with `pairsPerWorkerPerBatch` the least.
   */
  freshPerBatch?: boolean;
  /** With `freshPerBatch`: the share of a batch's time its worker pairs' start may take at most (default 0.25). */
  startShare?: number;
}

export const DEFAULT_CONTROLLER = { workerPairs: 1, pairsPerWorkerPerBatch: 4, maxPairs: 400, maxSeconds: 60, maxReplacements: 3, startShare: 0.25 } as const;

/** Most pairs one worker pair runs in a batch when the batch is sized from the start cost. */
export const MAX_PAIRS_PER_WORKER_BATCH = 32;

/**
 * Pairs per worker pair of a fresh batch so that starting the worker pair takes at most `share` of
 * the batch: start / (start + k × pair) ≤ share. Even (balanced AB/BA), at least `least`.
 */
export function pairsForStartCost(startMs: number, pairMs: number, share: number, least: number): number {
  if (!(startMs > 0 && pairMs > 0 && share > 0 && share < 1)) return least;
  const k = Math.ceil((startMs * (1 - share)) / share / pairMs);
  return Math.max(least, Math.min(MAX_PAIRS_PER_WORKER_BATCH, k + (k % 2)));
}

/** What one job's comparison gathered. */
export interface AbJobOutcome<V> {
  /** A's job id (B's when it differs, e.g. in its thread count, is `jobB`). */
  job: string;
  jobB: string;
  pairs: AbPair[];
  dropped: number;
  /** Inferences per block. */
  blockInferences: number;
  workerPairs: number;
  seconds: number;
  /** Why the job stopped: decided, or a cap. */
  stoppedBy: 'decided' | 'maxPairs' | 'maxSeconds' | 'failed';
  /** The last decision (null when no batch finished). */
  verdict: V | null;
  /** Memory, accuracy, agreement and validity per side, as `run` measures them. */
  results: { A: JobResult | null; B: JobResult | null };
  /** Why a side's finish (memory, accuracy) failed, when it did. */
  finishErrors?: { A?: string; B?: string };
  /** Why the job could not be compared (a side cannot run it, workers kept failing). */
  skipped?: string;
}

/** A job's outcome before anything ran: no pairs, no verdict, `failed` until it gets further. */
export function emptyOutcome<V>(job: { A: { id: string }; B: { id: string } }): AbJobOutcome<V> {
  return {
    job: job.A.id,
    jobB: job.B.id,
    pairs: [],
    dropped: 0,
    blockInferences: 0,
    workerPairs: 0,
    seconds: 0,
    stoppedBy: 'failed',
    verdict: null,
    results: { A: null, B: null },
  };
}

interface WorkerPair {
  index: number;
  A: BlockWorker;
  B: BlockWorker;
}

/**
 * Start a fresh worker pair; closes what started when the other side fails. Even worker pairs start
 * A first, odd ones B first: whatever comes with starting second (a later renderer, a warmer page
 * cache, another memory layout) then falls on both sides over the worker pairs.
 */
async function startPair(host: BlockWorkerHost, jobs: { A: Job; B: Job }, sides: { A: SideRuntime; B: SideRuntime }, index: number): Promise<WorkerPair> {
  const [first, second] = index % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
  const w1 = await host.start(jobs[first], sides[first]);
  try {
    const w2 = await host.start(jobs[second], sides[second]);
    return first === 'A' ? { index, A: w1, B: w2 } : { index, A: w2, B: w1 };
  } catch (e) {
    await w1.close();
    throw e;
  }
}

const closePair = (p: WorkerPair) => Promise.all([p.A.close(), p.B.close()]);

/** One pair: both blocks back to back in `order`, or (duet) both at once. */
async function runPair(p: WorkerPair, order: 'AB' | 'BA', n: number, duet = false) {
  if (duet) {
    const [a, b] = order === 'AB' ? await Promise.all([p.A.runBlock(n), p.B.runBlock(n)]) : (await Promise.all([p.B.runBlock(n), p.A.runBlock(n)])).reverse();
    return { a, b };
  }
  const first = order === 'AB' ? p.A : p.B;
  const second = order === 'AB' ? p.B : p.A;
  const t1 = await first.runBlock(n);
  const t2 = await second.runBlock(n);
  return order === 'AB' ? { a: t1, b: t2 } : { a: t2, b: t1 };
}

/** Compare one job: A's job and B's job (the same job as each side plans it). Never throws for a side's failure. */
export async function compareJob<V>(
  host: BlockWorkerHost,
  jobs: { A: Job; B: Job },
  sides: { A: SideRuntime; B: SideRuntime },
  o: ControllerOptions<V>,
): Promise<AbJobOutcome<V>> {
  const started = o.clock();
  const outcome = emptyOutcome<V>(jobs);
  const pairs: WorkerPair[] = [];
  // Start cost and pair time, measured, for sizing fresh batches. The first batch's start is not
  // counted: it may include the host's own start (a browser's launch).
  let startMs = 0;
  let starts = 0;
  let pairMs = 0;
  let pairsTimed = 0;
  const startBatch = async (timed: boolean) => {
    const t0 = performance.now();
    for (let w = 0; w < o.workerPairs; w++) {
      pairs.push(await startPair(host, jobs, sides, outcome.workerPairs));
      outcome.workerPairs++;
    }
    if (timed) {
      startMs += performance.now() - t0;
      starts += o.workerPairs;
    }
  };
  try {
    try {
      await startBatch(false);
    } catch (e) {
      outcome.skipped = (e as Error).message;
      return outcome;
    }
    // Block size from a one-inference block on each side, then checked with a full block.
    try {
      const sized = await calibrate(pairs[0]);
      outcome.blockInferences = sized.n;
      pairMs = sized.pairMs;
      pairsTimed = 1;
    } catch (e) {
      outcome.skipped = `sizing the blocks failed: ${(e as Error).message}`;
      return outcome;
    }

    const nextOrders = balancedOrders(o.seed);
    let replacements = 0;
    const maxReplacements = o.maxReplacements ?? DEFAULT_CONTROLLER.maxReplacements;
    for (let batch = 0; ; batch++) {
      if (o.freshPerBatch && batch > 0) {
        await Promise.all(pairs.splice(0).map(closePair));
        try {
          await startBatch(true);
        } catch (e) {
          outcome.skipped = `a fresh worker pair could not start: ${(e as Error).message}`;
          return outcome;
        }
      }
      // The first batch (nothing measured yet) runs the least; the first look waits for several worker pairs anyway.
      const perBatch = o.freshPerBatch
        ? pairsForStartCost(
            starts ? startMs / starts : 0,
            pairMs / Math.max(1, pairsTimed),
            o.startShare ?? DEFAULT_CONTROLLER.startShare,
            o.pairsPerWorkerPerBatch,
          )
        : o.pairsPerWorkerPerBatch;
      // Each worker pair gets its own balanced orders; worker pairs take turns pair by pair.
      const perWorker = pairs.map(() => nextOrders(perBatch));
      for (let i = 0; i < perBatch; i++) {
        for (let w = 0; w < pairs.length; w++) {
          const order = perWorker[w][i];
          for (;;) {
            const p = pairs[w];
            try {
              const t0 = performance.now();
              const t = await runPair(p, order, outcome.blockInferences, o.duet);
              pairMs += performance.now() - t0;
              pairsTimed++;
              const pair: AbPair = {
                job: jobs.A.id,
                workerPair: p.index,
                index: outcome.pairs.length,
                order,
                aMs: t.a.ms,
                aInferences: t.a.inferences,
                bMs: t.b.ms,
                bInferences: t.b.inferences,
                atMs: o.clock(),
              };
              outcome.pairs.push(pair);
              o.onPair?.(pair);
              break;
            } catch (e) {
              // Dropped: counted, the worker pair replaced by a fresh one, the same order run again.
              outcome.dropped++;
              await closePair(p);
              if (++replacements > maxReplacements) {
                outcome.skipped = `worker pairs failed ${replacements} times (last: ${(e as Error).message})`;
                pairs.splice(w, 1);
                return outcome;
              }
              try {
                // A replacement is not timed as a batch start: sizing follows the planned starts.
                pairs[w] = await startPair(host, jobs, sides, outcome.workerPairs++);
              } catch (e2) {
                pairs.splice(w, 1);
                outcome.skipped = `a replacement worker pair could not start: ${(e2 as Error).message}`;
                return outcome;
              }
            }
          }
        }
      }
      const elapsed = o.clock() - started;
      const decision = o.decide(outcome.pairs, outcome.dropped, elapsed);
      outcome.verdict = decision.verdict;
      if (decision.done) {
        outcome.stoppedBy = 'decided';
        break;
      }
      if (outcome.pairs.length >= o.maxPairs) {
        outcome.stoppedBy = 'maxPairs';
        break;
      }
      if (elapsed >= o.maxSeconds * 1000) {
        outcome.stoppedBy = 'maxSeconds';
        break;
      }
    }
    // Memory, accuracy and agreement once per side, in the first live worker pair (with fresh batches: the last batch's).
    const p = pairs[0];
    for (const side of ['A', 'B'] as const) {
      try {
        outcome.results[side] = await p[side].finish();
      } catch (e) {
        outcome.finishErrors = { ...outcome.finishErrors, [side]: (e as Error).message };
      }
    }
    return outcome;
  } finally {
    await Promise.all(pairs.map(closePair));
    outcome.seconds = (o.clock() - started) / 1000;
  }
}

/**
 * Inferences per block so that the slower side's block lasts about BLOCK_TARGET_MS, and a pair's ms
 * at that size (for sizing fresh batches). Noise only ever adds time, so the estimate is the smallest
 * of several (three one-inference rounds, then two rounds of full blocks): with one round each, a
 * single pause on a loaded machine made one inference look 100 ms long, and the whole job then ran
 * blocks of one 4 ms inference (intervals of ±50 % after 400 pairs). In each round the slower side
 * counts. When two rounds agree that an inference takes over 250 ms, a block is one inference
 * whatever the estimate, and no more rounds are spent (a board's 3 s inferences).
 */
async function calibrate(p: WorkerPair): Promise<{ n: number; pairMs: number }> {
  let msPerInference = Number.POSITIVE_INFINITY;
  let wallPerInference = Number.POSITIVE_INFINITY;
  let rounds = 0;
  const round = async (n: number) => {
    const t0 = performance.now();
    const a = await p.A.runBlock(n);
    const b = await p.B.runBlock(n);
    wallPerInference = Math.min(wallPerInference, (performance.now() - t0) / n);
    msPerInference = Math.min(msPerInference, Math.max(a.ms, b.ms) / n);
    rounds++;
  };
  const settled = () => rounds >= 2 && msPerInference > 2.5 * BLOCK_TARGET_MS;
  for (let i = 0; i < 3 && !settled(); i++) await round(1);
  const first = blockSizeFor(msPerInference, BLOCK_TARGET_MS);
  for (let i = 0; i < 2 && !settled(); i++) await round(first);
  const n = blockSizeFor(msPerInference, BLOCK_TARGET_MS);
  return { n, pairMs: wallPerInference * n };
}
