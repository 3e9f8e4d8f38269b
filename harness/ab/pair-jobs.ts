/**
 * The jobs both sides run, matched one to one. Each side's plan is made from its own config (a
 * `config:` side's overlay changes it); jobs are matched by id with the thread count left out of the
 * implementation (`node/ort-node-cpu-t2/0.25_128` is the same job as `node/ort-node-cpu/0.25_128`
 * with other settings), so that "1 thread against 2" is one comparison. Plans whose jobs do not match
 * one to one are refused; a job one side plans but cannot run is skipped for both with the reason.
 */
import type { Job, Plan } from '../plan.ts';

/** A job's id with the implementation's thread count left out: what both sides' jobs are matched by. */
export const pairingKey = (id: string) => id.replace(/^([^/]+\/[^/]+?)-t\d+(\/)/, '$1$2');

/** A job both sides plan, in A's plan order. */
export interface PairedJob {
  key: string;
  A: Job;
  B: Job;
}

/** A job that is not compared, with the reason (from either side's plan). */
export interface SkippedPair {
  id: string;
  reason: string;
}

/** Why two plans cannot be compared, naming jobs one side has and the other lacks. */
export class PlanMismatchError extends Error {
  override name = 'PlanMismatchError';
}

const MAX_NAMED = 5;

/** Match A's and B's plans; throws PlanMismatchError when they differ in jobs. */
export function pairJobs(a: Plan, b: Plan, specs: { A: string; B: string }): { jobs: PairedJob[]; skipped: SkippedPair[] } {
  const all = (p: Plan) =>
    new Map<string, { job?: Job; reason?: string; id: string }>([
      ...p.jobs.map((j) => [pairingKey(j.id), { job: j, id: j.id }] as const),
      ...p.skipped.map((s) => [pairingKey(s.id), { reason: s.reason, id: s.id }] as const),
    ]);
  const ofA = all(a);
  const ofB = all(b);
  const onlyA = [...ofA.keys()].filter((k) => !ofB.has(k));
  const onlyB = [...ofB.keys()].filter((k) => !ofA.has(k));
  if (onlyA.length || onlyB.length) {
    const named = (ks: string[]) => ks.slice(0, MAX_NAMED).join(', ') + (ks.length > MAX_NAMED ? ` and ${ks.length - MAX_NAMED} more` : '');
    const parts = [
      onlyA.length ? `only side A (${specs.A}) plans ${named(onlyA)}` : '',
      onlyB.length ? `only side B (${specs.B}) plans ${named(onlyB)}` : '',
    ].filter(Boolean);
    throw new PlanMismatchError(
      `the sides' plans differ in jobs: ${parts.join('; ')}. Both sides must plan the same jobs (thread counts aside): give both the same targets, implementations and variants`,
    );
  }
  const jobs: PairedJob[] = [];
  const skipped: SkippedPair[] = [];
  for (const [key, x] of ofA) {
    const y = ofB.get(key)!;
    if (x.job && y.job) jobs.push({ key, A: x.job, B: y.job });
    else skipped.push({ id: x.id, reason: x.reason ? `side A: ${x.reason}` : `side B: ${y.reason}` });
  }
  return { jobs, skipped };
}
