/**
 * `--resume` keeps its promise: the run goes on with the plan its run.json recorded, or not at
 * all. The plan made now is compared with the recorded one (job ids, and the weights each job
 * loads, down to every file's SHA-256: shards and labels files too; and the eval set's scored
 * images and labels); any difference is refused with what differs and the fix,
 * before anything in the folder is touched.
 */
import type { Plan } from './plan.ts';
import type { JobResult, RunInfo } from '../contract/results.ts';
import { evalSetChange } from './eval-set-hash.ts';
import { describeWeights, weightsChanges, weightsKey, weightsRecord, type WeightsChange } from './weights-record.ts';

/** The run folder cannot be resumed as asked: the message says what differs and what to do. */
export class ResumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResumeError';
  }
}

export interface ResumeCheck {
  dir: string;
  info: RunInfo;
  plan: Plan;
  /** The results already in the folder, one per job id. */
  existing: readonly JobResult[];
  /** Job ids this session writes: those without a result yet, and with --retry-failed the failed and invalid ones. */
  willWrite: ReadonlySet<string>;
  retryFailed: boolean;
  /** The eval set the plan scores on (config accuracy.evalSet), checked against run.json's hash of it. */
  evalSet?: string;
}

const failed = (r: JobResult) => r.status === 'failed' || r.status === 'invalid';

/** The mirror a recorded config names, if any (run.json's config is stored as written). */
function recordedMirror(info: RunInfo): string | undefined {
  const weights = (info.config as { weights?: { mirror?: unknown } } | null)?.weights;
  return typeof weights?.mirror === 'string' ? weights.mirror : undefined;
}

const list = (ids: string[], max = 8) => `${ids.slice(0, max).join(', ')}${ids.length > max ? ` and ${ids.length - max} more` : ''}`;

/**
 * Check a resume's plan against run.json. Returns the weights changes that are accepted (only with
 * --retry-failed, where every job loading those weights is written again in this session, so no
 * result of the old file stays); throws a ResumeError for anything else that differs.
 */
export function checkResumePlan({ dir, info, plan, existing, willWrite, retryFailed, evalSet }: ResumeCheck): WeightsChange[] {
  const all = [...plan.jobs, ...plan.skipped];
  const nowIds = all.map((j) => j.id);
  const planned = new Set(info.plannedJobIds);
  const now = new Set(nowIds);
  const vanish = info.plannedJobIds.filter((id) => !now.has(id));
  const appear = nowIds.filter((id) => !planned.has(id));
  // run.json files from before weights were recorded can only be checked by job id.
  const changes = info.weights ? weightsChanges(info.weights, weightsRecord(plan)) : [];
  const jobsOf = (key: string) => all.filter((j) => weightsKey(j) === key).map((j) => j.id);
  const rerunAll = (c: WeightsChange) =>
    c.before !== undefined && c.now !== undefined && jobsOf(c.key).length > 0 && jobsOf(c.key).every((id) => willWrite.has(id));
  const accepted = retryFailed ? changes.filter(rerunAll) : [];
  const refused = changes.filter((c) => !accepted.includes(c));
  // The finished jobs were scored on the recorded images and labels: a changed set would mix two experiments, even with --retry-failed.
  const evalChanged = info.evalSet && evalSet ? evalSetChange(info.evalSet, evalSet) : null;
  if (!vanish.length && !appear.length && !refused.length && !evalChanged) return accepted;

  const problems: string[] = [];
  if (vanish.length) problems.push(`planned jobs that would vanish: ${list(vanish)}`);
  if (appear.length) problems.push(`jobs that would appear: ${list(appear)}`);
  for (const c of refused) {
    const skippedWhy = plan.skipped.find((j) => weightsKey(j) === c.key)?.reason;
    const nowText = c.now ? describeWeights(c.now) : `none${skippedWhy ? ` (${skippedWhy})` : ''}`;
    const parts = c.what.filter((w) => w !== 'the weights file');
    problems.push(
      `weights of ${c.key}: run.json recorded ${c.before ? describeWeights(c.before) : 'none (its jobs were skipped)'}, the plan now loads ${nowText}${parts.length ? `; changed since: ${parts.join('; ')}` : ''}`,
    );
  }
  if (evalChanged) problems.push(evalChanged);
  const byId = new Map(existing.map((r) => [r.id, r]));
  // Every job of the changed weights failed (a corrupt file, since fixed): --retry-failed re-runs them on the new file.
  const retryHelps =
    !retryFailed &&
    !evalChanged &&
    !vanish.length &&
    !appear.length &&
    refused.every((c) => c.before && c.now && jobsOf(c.key).every((id) => !byId.has(id) || failed(byId.get(id)!)));
  const mirror = recordedMirror(info);
  const restore = mirror
    ? `Restore what the run used (run.json records the mirror ${mirror})`
    : info.environment === undefined
      ? 'Restore what the run used (this run.json predates recorded mirrors: if the run took its weights from MOBILENET_BENCH_MIRROR, set it to that folder again)'
      : 'Restore what the run used (the files named above)';
  const fix = retryHelps
    ? 'Every job on the changed weights failed or has not run: add --retry-failed to re-run them on the new files, or start a new run.'
    : `${restore}, or start a new run (without --resume) for the new plan.`;
  throw new ResumeError(
    `cannot resume ${dir}: the plan made now differs from the one its run.json recorded, so new results would not match the finished ones:\n  - ${problems.join('\n  - ')}\nNothing in ${dir} was changed. ${fix}`,
  );
}
