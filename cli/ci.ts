/**
 * `mobilenet-bench ci`: run the matrix, judge it against a history (or a saved baseline), re-run
 * only the jobs a re-run could still decide, and write what CI needs: a PR comment in Markdown,
 * JUnit, the verdicts as JSON and the Bencher / github-action-benchmark exports. Exit 0 / 1 / 2
 * as `compare`. With `--record`, the first run joins the history (for the main branch).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveRunConfig, runConfig } from '../api/run.ts';
import type { Config } from '../harness/config/schema.ts';
import { ConfigError } from '../contract/config-error.ts';
import { planJobs, type Job } from '../harness/plan.ts';
import { loadRunFolder } from '../contract/run-data.ts';
import { compareRuns, DEFAULT_COMPARE_OPTIONS } from '../analysis/compare/compare.ts';
import { formatReport } from '../analysis/compare/format.ts';
import { DEFAULT_BASELINE_DIR, loadComparable } from '../analysis/compare/load.ts';
import { deviceIdOf, entryOfRunFolder, recordRun } from '../analysis/history/record.ts';
import { describeProblems, readHistory } from '../analysis/history/store.ts';
import { judgeFromHistory, type HistoryVerdictReport } from '../analysis/history/verdict.ts';
import { formatHistoryJson, formatHistoryJunit, formatHistoryMarkdown } from '../analysis/history/format.ts';
import { renderExport, EXPORT_FORMATS, type ExportFormat } from '../reports/exports.ts';
import { MATRIX_OPTIONS, overridesFromArgs, type MatrixArgs } from './options.ts';
import { historyOptionsFrom } from './compare.ts';
import { progressReporter } from './progress.ts';
import { EXIT } from '../contract/exit-codes.ts';
import { fmtLevel } from '../contract/format.ts';
import { refuseOutputsOverInputs } from '../contract/output-guard.ts';
import { redactUrl } from '../contract/secrets.ts';
import { asksAgainst, ciAgainstCommand, CI_AGAINST_USAGE } from './ci-against.ts';

export const CI_USAGE = `mobilenet-bench ci --history DIR [run options] [options]   run, judge against the history, re-run undecided jobs, write CI files
mobilenet-bench ci --baseline NAME [run options]           run and compare with a saved baseline (no re-runs)
${CI_AGAINST_USAGE}  --max-repeats N            runs per undecided job in all, the first included (default 3); each look tests at
                             significance ÷ N (Bonferroni over the looks, Holm over the jobs of a look)
  --record                   add the first run to the history (for the main branch)
  --ci-out DIR               where the CI files go (default <run dir>/ci): comment.md, junit.xml, verdicts.json,
                             bmf.json, benchmark-smaller-is-better.json, benchmark-bigger-is-better.json
  --report-url URL           the report link in comment.md (default: the report's path)
  --branch, --window, --min-runs, --min-effect, --significance, --device-id   as compare --history
`;

const CI_OPTIONS = {
  history: { type: 'string' },
  baseline: { type: 'string' },
  baselines: { type: 'string' },
  'max-repeats': { type: 'string' },
  record: { type: 'boolean' },
  'ci-out': { type: 'string' },
  'report-url': { type: 'string' },
  branch: { type: 'string' },
  window: { type: 'string' },
  'min-runs': { type: 'string' },
  'min-effect': { type: 'string' },
  significance: { type: 'string' },
  'device-id': { type: 'string' },
} as const;

/** A config narrowed to one planned job (its target, implementation and variant), for a re-run. */
function configForJob(config: Config, job: Job): Config {
  const target = 'implementations' in job.target && job.target.implementations ? { ...job.target, implementations: [job.implementation] } : job.target;
  return {
    ...config,
    targets: [target] as Config['targets'],
    implementations: [job.implementation],
    variants: { alpha: [job.alpha] as Config['variants']['alpha'], resolution: [job.resolution] as Config['variants']['resolution'] },
  };
}

/** `ci`: returns the exit code. */
export async function ciCommand(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  if (asksAgainst(argv)) return ciAgainstCommand(argv);
  let values;
  try {
    values = parseArgs({ args: argv, options: { ...MATRIX_OPTIONS, ...CI_OPTIONS }, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${CI_USAGE}`);
  }
  if (values.help) {
    out(CI_USAGE);
    return EXIT.ok;
  }
  if (Boolean(values.history) === Boolean(values.baseline)) throw new ConfigError(`ci needs one of --history DIR or --baseline NAME\n\n${CI_USAGE}`);
  if (values.resume) throw new ConfigError('ci starts a new run: --resume belongs to `run`');
  if (values.record && !values.history) throw new ConfigError('--record adds the run to a history: give --history DIR');
  const maxRepeats = values['max-repeats'] === undefined ? 3 : Number(values['max-repeats']);
  if (!Number.isInteger(maxRepeats) || maxRepeats < 1) throw new ConfigError(`--max-repeats: '${values['max-repeats']}' is not a whole number ≥ 1`);
  // Validate the verdict options before the (long) run.
  let verdictOptions: ReturnType<typeof historyOptionsFrom>;
  try {
    verdictOptions = historyOptionsFrom(values);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  // Before the (long) run: neither the CI files nor the run folder may land in the history they are judged against.
  if (values.history) {
    const outputs = [
      ...(values['ci-out'] ? [{ path: values['ci-out'], option: '--ci-out' }] : []),
      ...(values.out ? [{ path: values.out, option: '--out' }] : []),
    ];
    refuseOutputsOverInputs(outputs, [{ folder: values.history, what: 'history folder' }]);
  }
  // The device id too: a bad one is refused before the (long) run.
  const named = { deviceId: values['device-id'] };
  try {
    deviceIdOf(named);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const overrides = overridesFromArgs(values as MatrixArgs);
  const config = await resolveRunConfig(undefined, { ...(values.config ? { configFile: values.config } : {}), overrides });
  const progress = progressReporter();
  const started = Date.now();
  // The history gets this run only with --record (below), whatever the config's `history` says.
  const first = await runConfig(config, { overrides, ...(values.out ? { outDir: values.out } : {}), onEvent: progress, history: false });
  if (first.report && 'error' in first.report) throw new Error(`the report could not be built: ${first.report.error}`);
  const reportPath = first.report ? first.report.path : join(first.runDir, 'report.html');
  const ciOut = values['ci-out'] ?? join(first.runDir, 'ci');
  mkdirSync(ciOut, { recursive: true });
  const data = loadRunFolder(first.runDir);
  for (const f of Object.keys(EXPORT_FORMATS) as ExportFormat[]) writeFileSync(join(ciOut, EXPORT_FORMATS[f]), renderExport(data, f));
  // A URL from a flag may hold user:password@: the PR comment shows it without.
  const reportLink = values['report-url'] ? redactUrl(values['report-url']) : relative(ciOut, reportPath);

  if (values.baseline) {
    const report = compareRuns(loadComparable(values.baseline, values.baselines ?? DEFAULT_BASELINE_DIR), data, DEFAULT_COMPARE_OPTIONS);
    writeFileSync(join(ciOut, 'comment.md'), `${formatReport(report, 'markdown')}\n[Full report](${reportLink})\n`);
    writeFileSync(join(ciOut, 'junit.xml'), formatReport(report, 'junit'));
    writeFileSync(join(ciOut, 'verdicts.json'), formatReport(report, 'json'));
    out(`${formatReport(report, 'table')}\nCI files: ${ciOut}\n`);
    return report.exitCode;
  }

  const historyDir = values.history!;
  const history = readHistory(historyDir);
  err(describeProblems(history.problems));
  const current = entryOfRunFolder(first.runDir, named);
  // Each look at the data tests at significance / maxRepeats: the chance of any false alarm over all looks stays ≤ significance.
  const perLook = { ...verdictOptions, significance: verdictOptions.significance / maxRepeats };
  let report: HistoryVerdictReport = judgeFromHistory(current, history.entries, perLook);
  const reruns = new Map<string, number[]>();
  const plan = planJobs(config);
  for (let look = 2; look <= maxRepeats; look++) {
    const undecided = report.jobs.filter((j) => j.undecided);
    if (!undecided.length) break;
    out(
      `\nre-run ${look - 1} of ${maxRepeats - 1}: ${undecided.length} undecided job${undecided.length === 1 ? '' : 's'} (${undecided.map((j) => j.id).join(', ')})\n`,
    );
    for (const u of undecided) {
      const job = plan.jobs.find((j) => j.id === u.id);
      if (!job) continue;
      const again = await runConfig(configForJob(config, job), {
        overrides,
        outDir: join(first.runDir, 'reruns', `${look}-${u.id.replace(/[^A-Za-z0-9._-]/g, '_')}`),
        onEvent: progress,
        report: false,
        history: false,
      });
      const r = again.results.find((x) => x.id === u.id);
      if (r?.status === 'ok' && r.latency) reruns.set(u.id, [...(reruns.get(u.id) ?? []), r.latency.medianMs]);
    }
    report = judgeFromHistory(current, history.entries, perLook, reruns);
  }
  // Report the family-wise level the user asked for, with the per-look level said in the comment.
  const shown = { ...report, options: { ...report.options, significance: verdictOptions.significance } };
  const comment = `${formatHistoryMarkdown(shown, { report: reportLink })}\n_Each of up to ${maxRepeats} looks tested at ${fmtLevel(verdictOptions.significance)} ÷ ${maxRepeats} = ${fmtLevel(verdictOptions.significance / maxRepeats)}; ${reruns.size} job${reruns.size === 1 ? '' : 's'} re-run; ${((Date.now() - started) / 1000).toFixed(0)} s in all._\n`;
  writeFileSync(join(ciOut, 'comment.md'), comment);
  writeFileSync(join(ciOut, 'junit.xml'), formatHistoryJunit(shown));
  writeFileSync(join(ciOut, 'verdicts.json'), formatHistoryJson(shown));
  if (values.record) {
    const r = recordRun(first.runDir, historyDir, named);
    out(`History: ${r.file}${r.outcome === 'added' ? '' : ` (${r.outcome === 'already' ? 'already there' : 'updated: the same run, summarised again'})`}\n`);
  }
  out(`\n${comment}\nCI files: ${ciOut}\n`);
  return report.exitCode;
}
