/** `mobilenet-bench run` and `mobilenet-bench list`. */
import { probePageFor, run } from '../api/run.ts';
import { loadConfig } from '../harness/config/load.ts';
import { planJobs } from '../harness/plan.ts';
import { checkResumeOptions, overridesFromArgs, parseMatrixArgs } from './options.ts';
import { progressReporter } from './progress.ts';
import { onInterrupt, type RunProgress } from './interrupt.ts';
import { summaryTable } from './summary.ts';
import { DEFAULT_CROP } from '../models/preprocess.ts';
import { EXIT } from '../contract/exit-codes.ts';

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

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

/** `run`: a client of the API's run(); returns the exit code (0 when every job is ok or skipped, 1 otherwise). */
export async function runCommand(argv: string[]): Promise<number> {
  const args = parseMatrixArgs(argv);
  if (args.help) {
    process.stdout.write(RUN_USAGE);
    return EXIT.ok;
  }
  checkResumeOptions(args);
  const overrides = overridesFromArgs(args);
  // Ctrl-C: say where the results are and how to resume (the run folder is known once it starts).
  const progress: RunProgress = { dir: null, finished: 0 };
  const report = progressReporter();
  const stopListening = onInterrupt(progress);
  const outcome = await run(undefined, {
    ...(args.config ? { configFile: args.config } : {}),
    overrides,
    ...(args.out ? { outDir: args.out } : {}),
    ...(args.resume ? { resume: { dir: args.resume, retryFailed: Boolean(args['retry-failed']), workers: overrides.workers } } : {}),
    ...(args.history ? { history: args.history } : {}),
    onEvent: (e) => {
      if (e.type === 'start') progress.dir = e.dir;
      if (e.type === 'job-end') progress.finished++;
      report(e);
    },
  }).finally(stopListening);
  const dir = outcome.runDir;
  process.stdout.write(`\n${summaryTable(outcome.results)}\n\nResults: ${dir}/results.jsonl\n`);
  if (outcome.report && 'path' in outcome.report) process.stdout.write(`Report: ${outcome.report.path}\n`);
  else if (outcome.report)
    process.stderr.write(`mobilenet-bench: the report could not be built (${outcome.report.error}); try \`mobilenet-bench report ${dir}\`\n`);
  if (outcome.history && 'file' in outcome.history)
    process.stdout.write(
      `History: ${outcome.history.file}${outcome.history.added ? '' : ` (${outcome.history.outcome === 'updated' ? 'updated: the same run, summarised again' : 'already there'})`}\n`,
    );
  else if (outcome.history) {
    process.stderr.write(
      `mobilenet-bench: the run was not added to the history (${outcome.history.error}); try \`mobilenet-bench history add ${dir} --history ${outcome.history.dir}\`\n`,
    );
  }
  return outcome.exitCode;
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
  const page = await probePageFor(config);
  if (page) {
    process.stdout.write(
      `\nProbe page bundle (browsers and phones download it): ${mb(page.totalBytes)} in ${page.files} files; each job loads ${mb(page.entryBytes)} (main.js, index.html) and then only its runtime's chunks\n`,
    );
  }
  return EXIT.ok;
}
