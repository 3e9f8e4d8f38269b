/** Paired A/B comparison: the pair the engine's controller records and analysis/ab judges, one per A block and B block run back to back. */

/** One pair: an A block and a B block of the same job, run back to back in the given order. */
export interface AbPair {
  /** The job id both sides ran (`node/ort-node/0.5_160`). */
  job: string;
  /** Which worker pair (fresh processes or pages) ran it, from 0. */
  workerPair: number;
  /** The pair's index within its job, from 0. */
  index: number;
  /** Which side ran first. */
  order: 'AB' | 'BA';
  /** Milliseconds of side A's block and its inference count. */
  aMs: number;
  aInferences: number;
  /** Milliseconds of side B's block and its inference count. */
  bMs: number;
  bInferences: number;
  /** When the pair ended, ms since the comparison started. */
  atMs: number;
}

/** The pair's log-ratio, log((B ms per inference) / (A ms per inference)): > 0 means B is slower. */
export function logRatio(p: AbPair): number {
  return Math.log(p.bMs / p.bInferences) - Math.log(p.aMs / p.aInferences);
}
