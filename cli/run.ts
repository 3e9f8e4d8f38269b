/** `mobilenet-bench run` and `mobilenet-bench list`. */
import { loadsProbePage, runnerFor } from '../runners/index.ts';
import { pageBundleInfo, type PageBundleInfo } from '../runners/page/build.ts';
import type { Config } from '../harness/config/schema.ts';
import { loadConfig } from '../harness/config/load.ts';
import { planJobs } from '../harness/plan.ts';
import { runBenchmark } from '../harness/run.ts';
import { checkResumeOptions, overridesFromArgs, parseMatrixArgs } from './options.ts';
import { progressReporter } from './progress.ts';
import { onInterrupt, type RunProgress } from './interrupt.ts';
import { summaryTable } from './summary.ts';
import { writeReport } from '../reports/build.ts';
import { DEFAULT_CROP } from '../models/preprocess.ts';
import { EXIT } from '../contract/exit-codes.ts';
import { recordRun } from '../analysis/history/record.ts';

export const RUN_USAGE = `mobilenet-bench run [options]      run the matrix and write results/<run>/results.jsonl + run.json + report.html
mobilenet-bench list [options]     print the planned jobs (and skipped ones, with the reason)

Options:
  -c, --config FILE          bench.config.ts|.js|.json (default: ./bench.config.* or built-in defaults)
  --target NAMES             only these targets (comma-separated names from the config, or the presets
                             node, chromium, firefox, webkit, phone-emulated, android, ios)
  --impl SPECS               implementations, e.g. reference,tfjs:wasm,ort-web:wasm@2,ort-node:cpu
  --alpha LIST               e.g. 1,0.5
  --resolution LIST          e.g. 224,128
  --precision LIST           float32,uint8
  --weights-mirror DIR       official weights from a local folder (env MOBILENET_BENCH_MIRROR)
  --eval-set DIR             labelled images for top-1/top-5
  --accuracy-samples N       images per job (seeded subset)
  --crop F                   central-crop fraction of eval-set images (default ${DEFAULT_CROP} as TF-slim; 1 for pre-cropped sets)
  --repeats N                run each job N times in fresh processes/pages and pool (compare uses them as runs)
  --workers N                at most N jobs at once, each on its own device (default: one per target instance)
  --quick                    a fast pass: 5 warm-up, ≥ 10 samples, then ±5 % or 30 samples (≤ 50, ≤ 3 s) per job, 16 images
  --sustained                sustained mode, for devices that throttle: each job samples ≥ 60 s and ≥ 1,024
                             samples, its median recorded per 5 s window (report: latency over time and
                             the sustained/cold ratio); with --quick a short pass: ≥ 10 s, ≥ 64 samples,
                             1 s windows (docs/sampling.md)
  --profile                  after the timed samples, profile each job layer by layer (runtime profilers; trace files)
  -o, --out DIR              the run folder (default results/<run id>)
  --resume DIR               finish an interrupted run without redoing finished jobs, with the plan its
                             run.json recorded (refused if the plan or weights now differ); only --workers
                             and --retry-failed may go with it
  --retry-failed             with --resume: run the failed and invalid jobs again (the new line supersedes
                             the old one, which stays in results.jsonl as history)
  --history DIR              when the run ends, add its summary to the history folder DIR (docs/history.md)
`;

/** The probe page's size when a target loads it (building it if needed); null otherwise or when it cannot be built (the jobs then say why). */
async function pageBundleFor(config: Config): Promise<PageBundleInfo | null> {
  if (!config.targets.some(loadsProbePage)) return null;
  try {
    return await pageBundleInfo();
  } catch {
    return null;
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

/** `run`: returns the exit code (0 when every job is ok or skipped, 1 otherwise). */
export async function runCommand(argv: string[]): Promise<number> {
  const args = parseMatrixArgs(argv);
  if (args.help) {
    process.stdout.write(RUN_USAGE);
    return EXIT.ok;
  }
  checkResumeOptions(args);
  const overrides = overridesFromArgs(args);
  // A resume plans from run.json alone: no config file is read (it may have changed since).
  const config = args.resume ? undefined : (await loadConfig(args.config, { overrides })).config;
  const pageBundle = config ? await pageBundleFor(config) : null;
  // Ctrl-C: say where the results are and how to resume (the run folder is known once it starts).
  const progress: RunProgress = { dir: null, finished: 0 };
  const report = progressReporter();
  const stopListening = onInterrupt(progress);
  const { dir, results } = await runBenchmark({
    config,
    environment: overrides.environment,
    runnerFor,
    ...(pageBundle ? { runInfoExtra: { pageBundle } } : {}),
    ...(args.out ? { outDir: args.out } : {}),
    ...(args.resume ? { resumeDir: args.resume, retryFailed: Boolean(args['retry-failed']), workers: overrides.workers } : {}),
    onEvent: (e) => {
      if (e.type === 'start') progress.dir = e.dir;
      if (e.type === 'job-end') progress.finished++;
      report(e);
    },
  }).finally(stopListening);
  process.stdout.write(`\n${summaryTable(results)}\n\nResults: ${dir}/results.jsonl\n`);
  // The HTML report is a view of the results: if it cannot be built, the run still stands.
  try {
    process.stdout.write(`Report: ${writeReport(dir)}\n`);
  } catch (e) {
    process.stderr.write(`mobilenet-bench: the report could not be built (${(e as Error).message}); try \`mobilenet-bench report ${dir}\`\n`);
  }
  // The history is a summary of the results: if it cannot be written, the run still stands.
  const historyDir = args.history ?? config?.history;
  if (historyDir) {
    try {
      const r = recordRun(dir, historyDir);
      process.stdout.write(
        `History: ${r.file}${r.outcome === 'added' ? '' : ` (${r.outcome === 'already' ? 'already there' : 'updated: the same run, summarised again'})`}\n`,
      );
    } catch (e) {
      process.stderr.write(
        `mobilenet-bench: the run was not added to the history (${(e as Error).message}); try \`mobilenet-bench history add ${dir} --history ${historyDir}\`\n`,
      );
    }
  }
  return results.some((r) => r.status === 'failed' || r.status === 'invalid') ? EXIT.failed : EXIT.ok;
}

/** `list`: the plan without running it. */
export async function listCommand(argv: string[]): Promise<number> {
  const args = parseMatrixArgs(argv);
  const { config, origin } = await loadConfig(args.config, { overrides: overridesFromArgs(args) });
  const plan = planJobs(config);
  process.stdout.write(`${plan.jobs.length} jobs (${config.order.mode} order, seed ${plan.orderSeed}) from ${origin}:\n`);
  for (const j of plan.jobs) process.stdout.write(`  ${j.id}\n`);
  if (plan.skipped.length) {
    process.stdout.write(`\n${plan.skipped.length} skipped:\n`);
    for (const s of plan.skipped) process.stdout.write(`  ${s.id}: ${s.refused ? '(will fail) ' : ''}${s.reason}\n`);
  }
  const page = await pageBundleFor(config);
  if (page) {
    process.stdout.write(
      `\nProbe page bundle (browsers and phones download it): ${mb(page.totalBytes)} in ${page.files} files; each job loads ${mb(page.entryBytes)} (main.js, index.html) and then only its runtime's chunks\n`,
    );
  }
  return EXIT.ok;
}
