/**
 * Trace files of profiled jobs: the probe sends its trace events inside the result (a page
 * cannot write files); here, in Node, they are written as Chrome trace-event JSON beside
 * results.jsonl and replaced in the result by the file's name.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobResult } from '../contract/results.ts';

/** File name of a job's trace, unique per job id within a run folder. */
function traceFileName(jobId: string): string {
  return `trace-${jobId.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
}

/** Write the result's trace events (if any) to `<dir>/trace-<id>.json`, name the file in the result and drop the events. */
export function writeProfileTrace(dir: string, result: JobResult): JobResult {
  const profile = result.profile;
  if (!profile?.traceEvents) return result;
  const { traceEvents, ...rest } = profile;
  const file = traceFileName(result.id);
  const body = {
    traceEvents,
    displayTimeUnit: 'ms',
    otherData: { jobId: result.id, source: profile.source, startTimes: profile.startTimes ?? null, inferences: profile.inferences },
  };
  const tmp = join(dir, `${file}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(body));
  renameSync(tmp, join(dir, file));
  return { ...result, profile: { ...rest, trace: file } };
}
