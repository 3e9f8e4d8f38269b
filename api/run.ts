/**
 * `run(config, options)`: one benchmark run, start to finish, as the CLI's `run` and `ci` and the
 * `ab` command do it (Lighthouse's `lighthouse(url, flags, config)` → LHR). The config is read and
 * validated, the probe page measured when a target loads it, the jobs run on the runners their
 * targets need, the results stored, and the report and history written. Progress arrives as events.
 */
import type { JobResult } from '../contract/results.ts';
import { EXIT, type ExitCode } from '../contract/exit-codes.ts';
import { configFromObject, loadConfig } from '../harness/config/load.ts';
import type { ConfigOverrides } from '../harness/config/overrides.ts';
import type { Config, UserConfig } from '../harness/config/schema.ts';
import { runBenchmark, type RunEvent } from '../harness/run.ts';
import { recordRun } from '../analysis/history/record.ts';
import { writeReport } from '../reports/build.ts';
import { loadsProbePage, runnerFor } from '../runners/index.ts';
import { pageBundleInfo, type PageBundleInfo } from '../runners/page/build.ts';

export type { RunEvent };

/** How to run: where the config comes from, what to change in it, where results go, what else to write. */
export interface RunOptions {
  /** Read the config from this file (bench.config.ts|.js|.json) instead of the `config` argument. */
  configFile?: string;
  /** Resolve `configFile` and the default config files from here (default: the working directory). */
  cwd?: string;
  /** What the command line changes (targets, implementations, variants, --quick …), applied before validation. */
  overrides?: ConfigOverrides;
  /** The run folder (default `<config.outDir>/<run id>`). */
  outDir?: string;
  /** Finish the interrupted run in this folder, with the plan its run.json recorded (no config is read). */
  resume?: { dir: string; retryFailed?: boolean; workers?: number };
  /** Add the run's summary to this history folder when it ends (default: the config's `history`; false: not at all). */
  history?: string | false;
  /** Write report.html into the run folder (default true). */
  report?: boolean;
  /** Progress: the run's start, each job's start and end (with its result), lost workers, the end. */
  onEvent?: (event: RunEvent) => void;
}

/** What a run produced. A report or history that could not be written leaves the run standing, with the reason. */
export interface RunOutcome {
  /** The run folder (results.jsonl, run.json, report.html). */
  runDir: string;
  /** One result per job, in planned order. */
  results: JobResult[];
  /** 0 when every job is ok or skipped, 1 when one failed or was invalid. */
  exitCode: ExitCode;
  /** The validated config the run used (a resume's is the one its run.json recorded: null here). */
  config: Config | null;
  report: { path: string } | { error: string } | null;
  history: { file: string; added: boolean; outcome: 'added' | 'already' | 'updated' } | { error: string; dir: string } | null;
}

/** The validated config: from `configFile`, else the `config` object, else ./bench.config.* or the built-in defaults. */
export async function resolveRunConfig(config: UserConfig | undefined, options: Pick<RunOptions, 'configFile' | 'cwd' | 'overrides'> = {}): Promise<Config> {
  // No overrides is the command line with no options: the same defaults as the CLI (ceilings measured, say).
  const overrides = options.overrides ?? {};
  if (config && !options.configFile) return configFromObject(config, 'the config passed to run()', overrides);
  return (await loadConfig(options.configFile, { ...(options.cwd ? { cwd: options.cwd } : {}), overrides })).config;
}

/** The probe page's size when a target loads it (building it if needed); null otherwise or when it cannot be built (the jobs then say why). */
export async function probePageFor(config: Config): Promise<PageBundleInfo | null> {
  if (!config.targets.some(loadsProbePage)) return null;
  try {
    return await pageBundleInfo();
  } catch {
    return null;
  }
}

/** Run a validated config (the API's `run` after reading the config; `ci` re-runs single jobs through it). */
export async function runConfig(config: Config | undefined, options: Omit<RunOptions, 'configFile' | 'cwd'> = {}): Promise<RunOutcome> {
  const pageBundle = config ? await probePageFor(config) : null;
  const { dir, results } = await runBenchmark({
    config,
    environment: options.overrides?.environment ?? {},
    runnerFor,
    ...(pageBundle ? { runInfoExtra: { pageBundle } } : {}),
    ...(options.outDir ? { outDir: options.outDir } : {}),
    ...(options.resume ? { resumeDir: options.resume.dir, retryFailed: Boolean(options.resume.retryFailed), workers: options.resume.workers } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  let report: RunOutcome['report'] = null;
  if (options.report !== false) {
    // The report is a view of the results: if it cannot be built, the run still stands.
    try {
      report = { path: writeReport(dir) };
    } catch (e) {
      report = { error: (e as Error).message };
    }
  }
  let history: RunOutcome['history'] = null;
  const historyDir = options.history === false ? undefined : (options.history ?? config?.history);
  if (historyDir) {
    // The history is a summary of the results: if it cannot be written, the run still stands.
    try {
      const r = recordRun(dir, historyDir);
      history = { file: r.file, added: r.outcome === 'added', outcome: r.outcome };
    } catch (e) {
      history = { error: (e as Error).message, dir: historyDir };
    }
  }
  const exitCode = results.some((r) => r.status === 'failed' || r.status === 'invalid') ? EXIT.failed : EXIT.ok;
  return { runDir: dir, results, exitCode, config: config ?? null, report, history };
}

/**
 * Run the benchmark matrix: `config` (a `defineConfig` object) or `options.configFile`, else
 * ./bench.config.* or the built-in defaults. Throws a ConfigError (exit 2 in the CLI) for a config
 * that cannot be used; a failing job is a failed result, never a throw.
 */
export async function run(config?: UserConfig, options: RunOptions = {}): Promise<RunOutcome> {
  // A resume plans from run.json alone: no config is read (it may have changed since).
  const resolved = options.resume ? undefined : await resolveRunConfig(config, options);
  return runConfig(resolved, options);
}
