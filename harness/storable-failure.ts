/**
 * A failed result that can always be written. A job's failure line repeats the job's planned
 * figures (α, resolution, analytic cost, head size); when one of those is itself outside the
 * results bounds (a model file that declared an absurd input), the failure line would be refused
 * too and the run would stop with a stack. Here each such figure is replaced by a neutral value,
 * and the error says which were left out and why.
 */
import { JobResultSchema, type JobResult } from '../contract/results.ts';
import type { Job, SkippedJob } from './plan.ts';
import { baseResult } from './probe/probe.ts';

/** `baseResult(job, status, error)`, with any planned figure the schema refuses neutralised and named in the error. */
export function storableResult(job: Job | SkippedJob, status: JobResult['status'], error: string): JobResult {
  const result = baseResult(job, status, error);
  const checked = JobResultSchema.safeParse(result);
  if (checked.success) return result;
  const bad = [...new Set(checked.error.issues.map((i) => i.path.join('.')))];
  const top = new Set(checked.error.issues.map((i) => String(i.path[0])));
  const safe: JobResult = {
    ...result,
    ...(top.has('threads') ? { threads: null } : {}),
    ...(top.has('alpha') ? { alpha: 1 } : {}),
    ...(top.has('resolution') ? { resolution: 1 } : {}),
    ...(top.has('analytic') ? { analytic: { macs: 0, params: 0, gmacPerSecond: null } } : {}),
    ...(top.has('model') && result.model ? { model: { ...result.model, classes: 0 } } : {}),
    error: `${error} (its planned ${bad.join(', ')} lie outside the results bounds and are not recorded)`,
  };
  return safe;
}
