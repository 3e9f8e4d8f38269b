/** `mobilenet-bench compare <baseline> <current>`: per-job verdicts and a CI exit code (0 ok, 1 regressed, 2 cannot compare). */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareRuns, DEFAULT_COMPARE_OPTIONS, type CompareOptions } from '../analysis/compare/compare.ts';
import { FORMATS, formatReport, type Format } from '../analysis/compare/format.ts';
import { DEFAULT_BASELINE_DIR, loadComparable } from '../analysis/compare/load.ts';
import { guardInputOf, refuseOutputsOverInputs } from '../contract/output-guard.ts';
import { entryOfRunFolder } from '../analysis/history/record.ts';
import { describeProblems, readHistory } from '../analysis/history/store.ts';
import { DEFAULT_HISTORY_VERDICT_OPTIONS, judgeFromHistory, type HistoryVerdictOptions } from '../analysis/history/verdict.ts';
import { formatHistoryJson, formatHistoryJunit, formatHistoryMarkdown, formatHistoryTable } from '../analysis/history/format.ts';
import { EXIT } from '../contract/exit-codes.ts';

export const COMPARE_USAGE = `mobilenet-bench compare <baseline> <current> [options]
                                   compare two runs; exit 0 = no regression, 1 = regression, 2 = cannot compare
  <baseline>, <current>      a run folder, a baseline file, or a baseline name (results/baselines/<name>.json)
  --format FMT               table (default), markdown, json or junit, on stdout
  --markdown FILE            also write Markdown to FILE (e.g. "$GITHUB_STEP_SUMMARY"); --json FILE, --junit FILE likewise
  --threshold X              latency change that counts, e.g. 5% or 0.05; default auto: per job
                             max(--min-threshold, exp(max(--noise-factor × √(hb² + hc²), between)) − 1), h = relative
                             half-width of each median's 95% CI, between = the runs' spread (Student t) when a side holds several runs
  --min-threshold X          floor of the automatic threshold (default 10%)
  --noise-factor K           multiplier of the measured noise (default 3)
  --significance P           family-wise level of the Mann-Whitney tests, Holm-adjusted across jobs (default 0.05)
  --memory-threshold X       peak-RSS growth that counts, relative (default 10%) …
  --memory-min-mb N          … and absolute (default 5 MiB); both must be exceeded
  --accuracy-changes N       top-1 predictions allowed to change (default max(1, 1% of the images))
  --allow-missing            a baseline job absent from the current run is not a regression
  --baselines DIR            where baseline names are looked up (default ${DEFAULT_BASELINE_DIR})
mobilenet-bench compare --history DIR <current> [options]
                                   judge one run against the last runs of each job on the same device and branch
  --branch NAME              baseline branch of the history (default main; '*' = every branch)
  --window N                 last N runs per job (default 20); --min-runs N: fewer is inconclusive (default 5)
  --min-effect X             smallest latency change that counts (default 5%); --significance as above (Holm across jobs)
  --device-id NAME           the device the current run ran on, as its history entries name it (default: the host's fingerprint)
`;

const OPTIONS = {
  format: { type: 'string' },
  markdown: { type: 'string' },
  json: { type: 'string' },
  junit: { type: 'string' },
  threshold: { type: 'string' },
  'min-threshold': { type: 'string' },
  'noise-factor': { type: 'string' },
  significance: { type: 'string' },
  'memory-threshold': { type: 'string' },
  'memory-min-mb': { type: 'string' },
  'accuracy-changes': { type: 'string' },
  'allow-missing': { type: 'boolean' },
  baselines: { type: 'string' },
  seed: { type: 'string' },
  history: { type: 'string' },
  branch: { type: 'string' },
  window: { type: 'string' },
  'min-runs': { type: 'string' },
  'min-effect': { type: 'string' },
  'device-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A bad command-line value (exit 2). */
class UsageError extends Error {}

/** '5%' → 0.05, '0.05' → 0.05. */
function parseFraction(flag: string, s: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(%?)\s*$/.exec(s);
  if (!m) throw new UsageError(`--${flag}: '${s}' is not a number or percentage (e.g. 5% or 0.05)`);
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}

function parseNumber(flag: string, s: string, { integer = false } = {}): number {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${flag}: '${s}' is not a ${integer ? 'whole ' : ''}number ≥ 0`);
  return n;
}

/** Turn the parsed flags into compare options. */
function compareOptionsFrom(v: Record<string, string | boolean | undefined>): Partial<CompareOptions> {
  const o: Partial<CompareOptions> = {};
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const t = str('threshold');
  if (t !== undefined && t !== 'auto') o.threshold = parseFraction('threshold', t);
  if (str('min-threshold') !== undefined) o.minThreshold = parseFraction('min-threshold', str('min-threshold')!);
  if (str('noise-factor') !== undefined) o.noiseFactor = parseNumber('noise-factor', str('noise-factor')!);
  if (str('significance') !== undefined) {
    o.significance = parseNumber('significance', str('significance')!);
    if (o.significance <= 0 || o.significance >= 1) throw new UsageError(`--significance: '${str('significance')}' must lie strictly between 0 and 1`);
  }
  if (str('memory-threshold') !== undefined) o.memoryThreshold = parseFraction('memory-threshold', str('memory-threshold')!);
  if (str('memory-min-mb') !== undefined) o.memoryMinBytes = parseNumber('memory-min-mb', str('memory-min-mb')!) * 2 ** 20;
  if (str('accuracy-changes') !== undefined) o.accuracyMaxChanged = parseNumber('accuracy-changes', str('accuracy-changes')!, { integer: true });
  if (str('seed') !== undefined) o.seed = parseNumber('seed', str('seed')!, { integer: true });
  if (v['allow-missing']) o.allowMissing = true;
  return o;
}

/** `compare`: returns the exit code. */
export async function compareCommand(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(
        `${(e as Error).message}. Options: ${Object.keys(OPTIONS)
          .map((o) => `--${o}`)
          .join(' ')}`,
      );
    }
    const { values, positionals } = parsed;
    if (values.help) {
      out(COMPARE_USAGE);
      return EXIT.ok;
    }
    if (values.history) return compareWithHistory(values, positionals, out, err);
    if (positionals.length !== 2) throw new UsageError(`expected two arguments, <baseline> and <current>; got ${positionals.length}\n\n${COMPARE_USAGE}`);
    const format = (values.format ?? 'table') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format: '${values.format}' is not one of ${FORMATS.join(', ')}`);
    const options = compareOptionsFrom(values);
    const baselines = values.baselines ?? DEFAULT_BASELINE_DIR;
    const baseline = loadComparable(positionals[0], baselines);
    const current = loadComparable(positionals[1], baselines);
    // Before any output: `--json RUN/results.jsonl` would replace the run it compares.
    const outputs = (['markdown', 'json', 'junit'] as const).flatMap((k) => (values[k] ? [{ path: values[k]!, option: `--${k}` }] : []));
    refuseOutputsOverInputs(outputs, [guardInputOf(baseline.source), guardInputOf(current.source)]);
    const report = compareRuns(baseline, current, { ...DEFAULT_COMPARE_OPTIONS, ...options });
    out(formatReport(report, format));
    if (values.markdown)
      writeFileSync(values.markdown, formatReport(report, 'markdown'), { flag: values.markdown === process.env.GITHUB_STEP_SUMMARY ? 'a' : 'w' });
    if (values.json) writeFileSync(values.json, formatReport(report, 'json'));
    if (values.junit) writeFileSync(values.junit, formatReport(report, 'junit'));
    if (report.cannotCompare) err(`mobilenet-bench compare: cannot compare: ${report.cannotCompare}\n`);
    return report.exitCode;
  } catch (e) {
    const name = (e as Error).name;
    if (e instanceof UsageError || name === 'CompareError' || name === 'ResultsError' || name === 'HistoryError') {
      err(`mobilenet-bench compare: cannot compare: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    if (name === 'OutputOverwritesInputError') {
      err(`mobilenet-bench compare: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

/** The verdict settings of `compare --history` (and `ci`) from the flags. */
export function historyOptionsFrom(v: Record<string, string | boolean | undefined>): HistoryVerdictOptions {
  const o = { ...DEFAULT_HISTORY_VERDICT_OPTIONS };
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  if (str('branch') !== undefined) o.branch = str('branch') === '*' ? null : str('branch')!;
  if (str('window') !== undefined) o.window = parseNumber('window', str('window')!, { integer: true });
  if (str('min-runs') !== undefined) o.minRuns = parseNumber('min-runs', str('min-runs')!, { integer: true });
  if (o.window < 2 || o.minRuns < 2) throw new UsageError('--window and --min-runs need at least 2 runs: the between-run noise comes from their spread');
  if (str('min-effect') !== undefined) o.minEffect = parseFraction('min-effect', str('min-effect')!);
  if (str('significance') !== undefined) {
    o.significance = parseNumber('significance', str('significance')!);
    if (o.significance <= 0 || o.significance >= 1) throw new UsageError(`--significance: '${str('significance')}' must lie strictly between 0 and 1`);
  }
  return o;
}

/** `compare --history DIR <current>`. */
function compareWithHistory(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  if (positionals.length !== 1) throw new UsageError(`with --history, give one run folder (the current run); got ${positionals.length}`);
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format: '${values.format}' is not one of ${FORMATS.join(', ')}`);
  const options = historyOptionsFrom(values);
  const outputs = (['markdown', 'json', 'junit'] as const).flatMap((k) =>
    typeof values[k] === 'string' ? [{ path: values[k] as string, option: `--${k}` }] : [],
  );
  // A file written into the history folder would be read back as a (broken) entry: the guard's folder input refuses any path there.
  refuseOutputsOverInputs(outputs, [guardInputOf(positionals[0]), { folder: values.history as string, what: 'history folder' }]);
  const history = readHistory(values.history as string);
  // Files left out are named, never counted silently.
  err(describeProblems(history.problems));
  const current = entryOfRunFolder(positionals[0], { deviceId: values['device-id'] as string | undefined });
  const report = judgeFromHistory(current, history.entries, options);
  const render = (f: Format) =>
    f === 'markdown'
      ? formatHistoryMarkdown(report)
      : f === 'json'
        ? formatHistoryJson(report)
        : f === 'junit'
          ? formatHistoryJunit(report)
          : formatHistoryTable(report);
  out(render(format));
  if (typeof values.markdown === 'string')
    writeFileSync(values.markdown, render('markdown'), { flag: values.markdown === process.env.GITHUB_STEP_SUMMARY ? 'a' : 'w' });
  if (typeof values.json === 'string') writeFileSync(values.json, render('json'));
  if (typeof values.junit === 'string') writeFileSync(values.junit, render('junit'));
  return report.exitCode;
}
