/**
 * Synthetic A/B pairs with known effects, shaped like this VM's noise when asked: per-worker-pair
 * offsets (memory-layout luck of each process), per-block noise, and multi-second phases in which
 * every block runs 1.4–2× slower. Plus the controller loop the engine runs, so that tests and
 * benches can drive `decideJob` exactly as the controller does. Seeded (mulberry32).
 */
import { mulberry32 } from '../../contract/stats/random.ts';
import type { AbOptions } from '../../contract/ab-verdicts.ts';
import type { AbPair } from '../../contract/ab-pair.ts';
import { decideJob, type JobDecision } from '../../analysis/ab/decide.ts';
import { abOptions } from '../../analysis/ab/options.ts';

/** How the synthetic machine behaves. */
export interface NoiseShape {
  /** B's true time over A's (1.10 = B 10 % slower). */
  effect: number;
  /** SD of each side's per-process log offset (0.02 ≈ processes differing by a few %). */
  workerSd: number;
  /** SD of each block's log noise. */
  blockSd: number;
  /** Mean seconds between slow phases (0: none), their mean length in seconds, and their slowdown range. */
  phaseEverySec: number;
  phaseLengthSec: number;
  phaseSlowdown: [number, number];
  /** ms per inference of A, and inferences per block. */
  msPerInference: number;
  inferences: number;
  /** Probability that a side fails a block (the pair is dropped). */
  failRate: number;
}

/** A quiet machine: no phases, small noise. */
export const QUIET: NoiseShape = {
  effect: 1,
  workerSd: 0,
  blockSd: 0.02,
  phaseEverySec: 0,
  phaseLengthSec: 0,
  phaseSlowdown: [1, 1],
  msPerInference: 5,
  inferences: 20,
  failRate: 0,
};

/** This VM, as docs/performance.md measured it: per-process offsets of a few %, 1.4–2× phases of seconds. */
export const VM: NoiseShape = { ...QUIET, workerSd: 0.015, blockSd: 0.04, phaseEverySec: 8, phaseLengthSec: 3, phaseSlowdown: [1.4, 2] };

const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** A synthetic machine: one clock, phases shared by every worker, fresh worker pairs on demand. */
export function syntheticMachine(shape: NoiseShape, seed: number) {
  const r = mulberry32(seed);
  let clockMs = 0;
  let phaseEndMs = 0;
  let phaseFactor = 1;
  let nextPhaseMs = shape.phaseEverySec ? -Math.log(1 - r()) * shape.phaseEverySec * 1000 : Number.POSITIVE_INFINITY;
  const slowdownNow = () => {
    if (clockMs >= nextPhaseMs) {
      phaseFactor = shape.phaseSlowdown[0] + r() * (shape.phaseSlowdown[1] - shape.phaseSlowdown[0]);
      phaseEndMs = clockMs + -Math.log(1 - r()) * shape.phaseLengthSec * 1000;
      nextPhaseMs = phaseEndMs + -Math.log(1 - r()) * shape.phaseEverySec * 1000;
    }
    return clockMs < phaseEndMs ? phaseFactor : 1;
  };
  const block = (msPerInf: number, offset: number) => {
    const ms = shape.inferences * msPerInf * offset * slowdownNow() * Math.exp(shape.blockSd * gauss(r));
    clockMs += ms;
    return ms;
  };
  const offsets = new Map<number, [number, number]>();
  return {
    /** Run `n` pairs (balanced random AB/BA) on worker pair `workerPair` (started fresh on first use); returns the pairs kept and the count dropped. */
    workerPair(job: string, workerPair: number, firstIndex: number, n: number): { pairs: AbPair[]; dropped: number } {
      if (!offsets.has(workerPair)) offsets.set(workerPair, [Math.exp(shape.workerSd * gauss(r)), Math.exp(shape.workerSd * gauss(r))]);
      const [aOff, bOff] = offsets.get(workerPair)!;
      const orders: ('AB' | 'BA')[] = Array.from({ length: n }, (_, i) => (i % 2 ? 'AB' : 'BA'));
      for (let i = n - 1; i > 0; i--) {
        const k = Math.floor(r() * (i + 1));
        [orders[i], orders[k]] = [orders[k], orders[i]];
      }
      const pairs: AbPair[] = [];
      let dropped = 0;
      orders.forEach((order, i) => {
        const runA = () => block(shape.msPerInference, aOff);
        const runB = () => block(shape.msPerInference * shape.effect, bOff);
        const [first, second] = order === 'AB' ? [runA(), runB()] : [runB(), runA()];
        const [aMs, bMs] = order === 'AB' ? [first, second] : [second, first];
        if (r() < shape.failRate) {
          dropped++;
          return;
        }
        pairs.push({ job, workerPair, index: firstIndex + i, order, aMs, aInferences: shape.inferences, bMs, bInferences: shape.inferences, atMs: clockMs });
      });
      return { pairs, dropped };
    },
    elapsedMs: () => clockMs,
  };
}

/**
 * The controller's loop on the synthetic machine: a batch of `batchPairs`, then a look, until done.
 * `fixedWorkerPairs` 0 (default): each batch on a fresh worker pair; n: each batch spread evenly over the same n worker pairs.
 */
export function runSequential(
  job: string,
  shape: NoiseShape,
  seed: number,
  options: Partial<AbOptions> = {},
  fixedWorkerPairs = 0,
): { decision: JobDecision; pairs: AbPair[]; dropped: number } {
  const o = abOptions(options);
  const machine = syntheticMachine(shape, seed);
  const pairs: AbPair[] = [];
  let dropped = 0;
  let last: JobDecision | null = null;
  for (let look = 0; ; look++) {
    const spread: (readonly [number, number])[] = fixedWorkerPairs
      ? Array.from(
          { length: fixedWorkerPairs },
          (_, w) => [w, Math.floor(o.batchPairs / fixedWorkerPairs) + (w < o.batchPairs % fixedWorkerPairs ? 1 : 0)] as const,
        )
      : [[look, o.batchPairs] as const];
    for (const [w, n] of spread) {
      const batch = machine.workerPair(job, w, pairs.length + dropped, n);
      pairs.push(...batch.pairs);
      dropped += batch.dropped;
    }
    last = decideJob(pairs, dropped, o, machine.elapsedMs(), last);
    if (last.done) return { decision: last, pairs, dropped };
  }
}
