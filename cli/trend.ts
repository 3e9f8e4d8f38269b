/** `mobilenet-bench trend <history dir> --out trend.html`: the trend page of a history folder, with change points. */
import { parseArgs } from 'node:util';
import { ConfigError } from '../contract/config-error.ts';
import { describeProblems, readHistory } from '../analysis/history/store.ts';
import { DEFAULT_TREND_WINDOW, trendSeries } from '../analysis/history/trend.ts';
import { writeFailure, writeFileAtomic } from '../contract/store.ts';
import { renderTrendPage } from '../reports/trend.ts';
import { EXIT } from '../contract/exit-codes.ts';
import { refuseOutputsOverInputs } from '../contract/output-guard.ts';

export const TREND_USAGE = `mobilenet-bench trend <history dir> [--out FILE] [--report-base URL] [--all]
                                   one self-contained page: each job's median and CI over runs, change points (PELT) with commit ranges
  -o, --out FILE             default trend.html; --report-base URL links each point to URL/<run id>/report.html (else the CI run)
  --all                      every run of each job (default: the last ${DEFAULT_TREND_WINDOW}; the page says what it left out)
`;

export async function trendCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string', short: 'o' }, 'report-base': { type: 'string' }, all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${TREND_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(TREND_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new ConfigError(`trend needs one history folder, got ${positionals.length}\n\n${TREND_USAGE}`);
  const out = values.out ?? 'trend.html';
  // Before reading: the page must never replace an entry of the history it is drawn from.
  refuseOutputsOverInputs([{ path: out, option: '--out' }], [{ folder: positionals[0], what: 'history folder' }]);
  const history = readHistory(positionals[0]);
  process.stderr.write(describeProblems(history.problems));
  if (!history.entries.length)
    throw new ConfigError(
      `${positionals[0]} holds no readable history entry: add runs with \`mobilenet-bench history add <run dir> --history ${positionals[0]}\``,
    );
  const base = values['report-base']?.replace(/\/+$/, '');
  const series = trendSeries(history.entries, {
    reportUrl: base ? (e) => `${base}/${encodeURIComponent(e.runId)}/report.html` : undefined,
    window: values.all ? null : DEFAULT_TREND_WINDOW,
  });
  writeFileAtomic(out, renderTrendPage(history, series), (e) => writeFailure(out, e, 'free space or pass another --out'));
  const changed = series.filter((s) => s.changes.length);
  const omitted = series.filter((s) => s.omitted > 0).length;
  process.stdout.write(
    `Trend: ${out} (${series.length} job series${omitted ? `, ${omitted} cut to their last ${DEFAULT_TREND_WINDOW} runs (--all for every run)` : ''}, ${changed.length} with a change point${changed.length ? `: ${changed.map((s) => `${s.id} at run ${s.changes.map((c) => c.index + 1).join(', ')}`).join('; ')}` : ''})\n`,
  );
  return EXIT.ok;
}
