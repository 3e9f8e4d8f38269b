/**
 * Like with like: what makes two runs of one job (same id, same device) measure different
 * things, as `compare` refuses them: the sampling mode (a sustained job ran the device hot for
 * minutes), the backend, the threads and the weights. Runs that differ are never pooled into one
 * history, trend series or verdict. Fields older entries lack count as unknown, not as different.
 */
import type { HistoryJob } from './schema.ts';

type Field = 'sampling' | 'backend' | 'precision' | 'threads' | 'weightsSource';
const FIELDS: readonly Field[] = ['sampling', 'backend', 'precision', 'threads', 'weightsSource'];

/** The first field in which `past` differs from `current`, in words, or null when the two are comparable. */
export function unlikeReason(current: HistoryJob, past: HistoryJob): string | null {
  for (const f of FIELDS) {
    const a = current[f];
    const b = past[f];
    if (a === undefined || b === undefined) continue;
    if (a !== b) return `${f} ${JSON.stringify(b)} then, ${JSON.stringify(a)} now`;
  }
  return null;
}

/** A key that differs between jobs that must not share a trend series. */
export function likeKey(j: HistoryJob): string {
  return JSON.stringify([j.sampling, j.backend, j.precision]);
}
