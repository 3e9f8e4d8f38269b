/** `mobilenet-bench report <run dir>...`: the HTML or Markdown report of a run (or of several merged), from their results files alone. */
import { parseArgs } from 'node:util';
import { renderReport, writeReport, type ReportFormat } from '../reports/build.ts';
import { ConfigError } from '../contract/config-error.ts';
import { guardInputOf, OutputOverwritesInputError, refuseOutputsOverInputs } from '../contract/output-guard.ts';
import { EXIT } from '../contract/exit-codes.ts';
import { EXPORT_FORMATS, renderExport, type ExportFormat } from '../reports/exports.ts';
import { loadRunFolder } from '../contract/run-data.ts';
import { writeFailure, writeFileAtomic } from '../contract/store.ts';
import { join } from 'node:path';

export const REPORT_USAGE = `mobilenet-bench report <run dir> [options]          build the report from results.jsonl + run.json
mobilenet-bench report <run dir>... --out FILE      merge several runs (days, devices) into one page, each run's environment kept apart

Options:
  --format html|markdown     self-contained HTML (default) or a compact Markdown summary
  --format bmf               Bencher Metric Format JSON (latency in ns, peak RSS, top-1, agreement; default <run dir>/bmf.json)
  --format github-action-benchmark          its customSmallerIsBetter JSON (latency ms, peak RSS MiB)
  --format github-action-benchmark-bigger   its customBiggerIsBetter JSON (top-1, agreement %)
  -o, --out FILE             where to write it (default <run dir>/report.html or report.md; '-' = stdout; required with several runs)
`;

/** `report`: returns the exit code. */
export async function reportCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'html' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${REPORT_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(REPORT_USAGE);
    return EXIT.ok;
  }
  const format = values.format === 'md' ? 'markdown' : values.format;
  if (format in EXPORT_FORMATS) return exportCommand(positionals, format as ExportFormat, values.out);
  if (format !== 'html' && format !== 'markdown')
    throw new ConfigError(`--format must be html, markdown, ${Object.keys(EXPORT_FORMATS).join(', ')}, not '${values.format}'`);
  if (positionals.length === 0) throw new ConfigError(`report needs a run folder\n\n${REPORT_USAGE}`);
  if (positionals.length > 1 && !values.out)
    throw new ConfigError(`report with ${positionals.length} run folders needs --out FILE (the merged page belongs to none of them)`);
  // Before anything is read or written: `-o RUN/results.jsonl` would replace the run it reports on.
  try {
    refuseOutputsOverInputs(values.out && values.out !== '-' ? [{ path: values.out, option: '--out' }] : [], positionals.map(guardInputOf));
  } catch (e) {
    if (e instanceof OutputOverwritesInputError) throw new ConfigError(e.message);
    throw e;
  }
  if (values.out === '-') {
    process.stdout.write(renderReport(positionals, format as ReportFormat));
    return EXIT.ok;
  }
  const path = writeReport(positionals, { format: format as ReportFormat, ...(values.out ? { out: values.out } : {}) });
  process.stdout.write(`Report: ${path}\n`);
  return EXIT.ok;
}

/** `report <run dir> --format bmf|github-action-benchmark[-bigger]`: one run's figures for a benchmarking service. */
function exportCommand(positionals: string[], format: ExportFormat, out: string | undefined): number {
  if (positionals.length !== 1) throw new ConfigError(`--format ${format} exports one run folder, got ${positionals.length}`);
  const target = out ?? join(positionals[0], EXPORT_FORMATS[format]);
  try {
    refuseOutputsOverInputs(target !== '-' ? [{ path: target, option: '--out' }] : [], positionals.map(guardInputOf));
  } catch (e) {
    if (e instanceof OutputOverwritesInputError) throw new ConfigError(e.message);
    throw e;
  }
  const text = renderExport(loadRunFolder(positionals[0]), format);
  if (target === '-') {
    process.stdout.write(text);
    return 0;
  }
  writeFileAtomic(target, text, (e) => writeFailure(target, e, `free space or pass another --out`));
  process.stdout.write(`Export (${format}): ${target}\n`);
  return 0;
}
