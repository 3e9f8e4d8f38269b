/**
 * The pair the controller records, field for field analysis/ab's `AbPair` (the engine may not import
 * analysis; cli/ab.ts checks at compile time that the two stay the same shape).
 */
export interface AbPairRecord {
  job: string;
  workerPair: number;
  index: number;
  order: 'AB' | 'BA';
  aMs: number;
  aInferences: number;
  bMs: number;
  bInferences: number;
  atMs: number;
}
