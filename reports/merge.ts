/**
 * Several run folders in one report (runs made on different days or devices): each run's
 * environment stays its own, and its jobs keep their run. A target name that two runs both
 * used would mix two machines' numbers under one job id, so those targets are kept apart by
 * naming them `target @ run id`. A run folder of another results schema is refused, naming it.
 */
import type { JobResult, RunInfo } from '../contract/results.ts';
import { ResultsError } from '../contract/store.ts';
import { loadRunFolder, type RunData } from '../contract/run-data.ts';

/** Separator between a target and its run when two runs share a target name. */
export const RUN_SEPARATOR = ' @ ';

/** Read each folder and merge them (one folder: returned as read). */
export function loadRunFolders(dirs: readonly string[]): RunData {
  if (dirs.length === 0) throw new ResultsError('no run folder given');
  const runs = dirs.map((dir) => {
    try {
      return loadRunFolder(dir);
    } catch (e) {
      // The store's message names the file and the field (schemaVersion: expected 1 …).
      throw new ResultsError(
        `${dir}: ${(e as Error).message}${/schemaVersion/.test((e as Error).message) ? ' (a run of another results schema cannot be merged with these; rebuild its report on its own with the version that wrote it)' : ''}`,
      );
    }
  });
  return runs.length === 1 ? runs[0] : mergeRuns(runs);
}

/** Merge runs read already. Targets used by more than one run are renamed `target @ run id` in those runs. */
export function mergeRuns(runs: readonly RunData[]): RunData {
  const ids = runs.map((r) => r.run.runId);
  const dupRun = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dupRun) throw new ResultsError(`run ${dupRun} is given twice: pass each run folder once`);
  const targetsOf = runs.map((r) => new Set(r.results.map((x) => x.target)));
  const clash = new Set<string>();
  for (let i = 0; i < runs.length; i++) {
    for (let k = i + 1; k < runs.length; k++) for (const t of targetsOf[i]) if (targetsOf[k].has(t)) clash.add(t);
  }
  const runOfJob = new Map<string, number>();
  const results: JobResult[] = [];
  runs.forEach((data, index) => {
    for (const r of data.results) {
      const renamed = clash.has(r.target)
        ? { ...r, target: `${r.target}${RUN_SEPARATOR}${data.run.runId}`, id: `${r.id}${RUN_SEPARATOR}${data.run.runId}` }
        : r;
      runOfJob.set(renamed.id, index);
      results.push(renamed);
    }
  });
  return {
    source: runs.map((r) => r.source).join(', '),
    label: ids.join(' + '),
    run: runs[0].run,
    results,
    runs: runs.map((r) => r.run),
    runOfJob,
    ...(clash.size ? { separated: [...clash] } : {}),
  };
}

/** The run that wrote a job (index into `runs`; 0 for a single run). */
export function runIndexOf(data: Pick<RunData, 'runOfJob'>, jobId: string): number {
  return data.runOfJob?.get(jobId) ?? 0;
}

/** Every run of the data (one for a single folder). */
export function runsOf(data: Pick<RunData, 'run' | 'runs'>): RunInfo[] {
  return data.runs ?? [data.run];
}
