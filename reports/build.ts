/** Build a report file from a run folder: the one entry point the CLI (report, run) calls. */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildReportModel, loadRunFolder } from './data.ts';
import { renderHtmlReport } from './html.ts';
import { renderMarkdownReport } from './markdown.ts';
import { writeFailure, writeFileAtomic } from '../harness/store.ts';

/** Output formats. */
export type ReportFormat = 'html' | 'markdown';

/** Default file name in the run folder per format. */
export const DEFAULT_REPORT_FILE: Record<ReportFormat, string> = { html: 'report.html', markdown: 'report.md' };

/** Render the run folder's report as text. */
export function renderReport(runDir: string, format: ReportFormat): string {
  const model = buildReportModel(loadRunFolder(runDir));
  return format === 'html' ? renderHtmlReport(model) : renderMarkdownReport(model);
}

/** Write the report (default `<runDir>/report.html` or `report.md`); returns the path written. */
export function writeReport(runDir: string, opts: { format?: ReportFormat; out?: string } = {}): string {
  const format = opts.format ?? 'html';
  const out = opts.out ?? join(runDir, DEFAULT_REPORT_FILE[format]);
  const text = renderReport(runDir, format);
  mkdirSync(dirname(out), { recursive: true });
  // Atomic: a full disk or a crash leaves the previous report (or none), never half of one.
  writeFileAtomic(out, text, (e) => writeFailure(out, e, `the previous ${out} (if any) is untouched; free space or pass another --out, then run \`mobilenet-bench report ${runDir}\` again`));
  return out;
}
