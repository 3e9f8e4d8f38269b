/**
 * One way to read a run: the run folder's run.json and results.jsonl, validated by the results
 * schema, jobs in planned order. Reports, compare and baselines all read runs through here, so
 * they agree on what a run holds and in which order its jobs come.
 */
import { existsSync } from 'node:fs';
import { readRegularText } from './safe-read.ts';
import { SCHEMA_VERSION, type JobResult, type RunInfo } from './results.ts';
import { readResults, readRunInfo, ResultsError, resultsPath, runInfoPath } from './store.ts';

/** A run as every view sees it: one run folder, a saved baseline, or several runs merged into one report. */
export interface RunData {
  /** Where it was read from (for messages). */
  source: string;
  /** Run id, the baseline's name, or the merged runs' ids. */
  label: string;
  /** The run (the first one when several are merged or repeated). */
  run: RunInfo;
  results: JobResult[];
  /**
   * Further runs of the same config (a baseline saved from several runs). compare pools their
   * samples with the first run's, and the spread of the per-run medians measures the
   * between-run noise that one run cannot show.
   */
  repeats?: { run: RunInfo; results: JobResult[] }[];
  /** Different runs merged into one report, in the order given; absent for one run folder. */
  runs?: RunInfo[];
  /** Which run (index into `runs`) wrote each job id. */
  runOfJob?: Map<string, number>;
  /** Target names that several merged runs used, kept apart as `target @ run id`. */
  separated?: string[];
}

/** Problem with a schemaVersion, before the full schema says something less clear; null when it matches. */
export function schemaVersionProblem(raw: unknown, where: string): string | null {
  const v = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (v === SCHEMA_VERSION) return null;
  return `incompatible schema: ${where} has schemaVersion ${JSON.stringify(v ?? null)}, this harness reads schemaVersion ${SCHEMA_VERSION}`;
}

/** The JSON of a file, or undefined when it is unreadable or not JSON (the store then names the problem). */
function peekJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    // Only a peek: a FIFO or a device is refused here and named by the store's own read.
    return readRegularText(file, 500 * 2 ** 20);
  } catch {
    return undefined;
  }
}

/**
 * Read a run folder: run.json and results.jsonl through the store (every line validated, a bad
 * one named by file and line), jobs in planned order. Throws ResultsError.
 */
export function loadRunFolder(dir: string): RunData {
  // Another schema version says so plainly, rather than as the first field the schema trips on.
  const rawInfo = peekJson(existsSync(runInfoPath(dir)) ? readOrUndefined(runInfoPath(dir)) : undefined);
  if (rawInfo !== undefined) {
    const problem = schemaVersionProblem(rawInfo, runInfoPath(dir));
    if (problem) throw new ResultsError(problem);
  }
  const firstLine = readOrUndefined(resultsPath(dir))
    ?.split('\n')
    .find((l) => l.trim() !== '');
  const rawLine = peekJson(firstLine);
  if (rawLine !== undefined) {
    const problem = schemaVersionProblem(rawLine, `${resultsPath(dir)}:1`);
    if (problem) throw new ResultsError(problem);
  }
  const run = readRunInfo(dir);
  const results = readResults(dir);
  // Order as planned, so every view lists jobs the same way (file order depends on scheduling).
  const order = new Map(run.plannedJobIds.map((id, i) => [id, i]));
  // Jobs not in the plan (appended by hand, or by another tool) keep their file order, after the planned ones.
  const rank = new Map(results.map((r, i) => [r, order.get(r.id) ?? order.size + i]));
  results.sort((a, b) => rank.get(a)! - rank.get(b)!);
  return { source: dir, label: run.runId, run, results };
}

/** Achieved GMAC/s: the recorded figure, else analytic MACs / median latency. */
export function gmacPerSecond(r: JobResult): number | null {
  if (r.analytic.gmacPerSecond !== null) return r.analytic.gmacPerSecond;
  if (!r.latency || !(r.latency.medianMs > 0)) return null;
  return r.analytic.macs / 1e9 / (r.latency.medianMs / 1000);
}
