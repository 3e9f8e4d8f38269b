/** The analysis, as the API offers it: compare two runs, judge a run against a history, read a run folder. */
import { loadRunFolder, type RunData } from '../contract/run-data.ts';
import { compareRuns, type CompareOptions, type ComparisonReport } from '../analysis/compare/compare.ts';
import { DEFAULT_BASELINE_DIR, loadComparable } from '../analysis/compare/load.ts';
import { entryOfRunFolder } from '../analysis/history/record.ts';
import { readHistory, type HistoryProblem } from '../analysis/history/store.ts';
import { judgeFromHistory as judgeEntry, type HistoryVerdictOptions, type HistoryVerdictReport } from '../analysis/history/verdict.ts';

/** A run folder read and validated (results in planned order, run.json), as reports and compare read it. */
export function readRun(dir: string): RunData {
  return loadRunFolder(dir);
}

/**
 * Compare `current` with `baseline` job by job (latency, memory, accuracy; Mann-Whitney and
 * between-run noise, Holm across jobs). Each is a run folder, or the name of a baseline saved in
 * `baselinesDir` (default results/baselines). The report's `exitCode` is 0, 1 (a job is worse) or 2.
 */
export function compare(baseline: string, current: string, options: Partial<CompareOptions> & { baselinesDir?: string } = {}): ComparisonReport {
  const { baselinesDir = DEFAULT_BASELINE_DIR, ...compareOptions } = options;
  return compareRuns(loadComparable(baseline, baselinesDir), loadComparable(current, baselinesDir), compareOptions);
}

/**
 * Judge the run in `runDir` against the earlier runs of the same jobs on the same device in
 * `historyDir` (Conbench's lookback: their spread is the noise). Problems met reading the history
 * (unreadable entries, skipped) come back beside the report.
 */
export function judgeFromHistory(
  runDir: string,
  historyDir: string,
  options: Partial<HistoryVerdictOptions> = {},
): HistoryVerdictReport & { historyProblems: readonly HistoryProblem[] } {
  const history = readHistory(historyDir);
  return { ...judgeEntry(entryOfRunFolder(runDir), history.entries, options), historyProblems: history.problems };
}
