/** Build a report file from a run folder: the one entry point the CLI (report, run) calls. */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildReportModel } from './data.ts';
import { loadRunFolders } from './merge.ts';
import { renderHtmlReport } from './html.ts';
import { renderMarkdownReport } from './markdown.ts';
import { writeFailure, writeFileAtomic } from '../contract/store.ts';

/** Output formats. */
export type ReportFormat = 'html' | 'markdown';

/** Default file name in the run folder per format. */
const DEFAULT_REPORT_FILE: Record<ReportFormat, string> = { html: 'report.html', markdown: 'report.md' };

/** Render the report of one run folder, or of several merged into one page, as text. */
export function renderReport(runDirs: string | readonly string[], format: ReportFormat): string {
  const model = buildReportModel(loadRunFolders(typeof runDirs === 'string' ? [runDirs] : runDirs));
  return format === 'html' ? renderHtmlReport(model) : renderMarkdownReport(model);
}

/** Write the report (default `<first run dir>/report.html` or `report.md`); returns the path written. */
export function writeReport(runDirs: string | readonly string[], opts: { format?: ReportFormat; out?: string } = {}): string {
  const format = opts.format ?? 'html';
  const first = typeof runDirs === 'string' ? runDirs : runDirs[0];
  const out = opts.out ?? join(first, DEFAULT_REPORT_FILE[format]);
  const text = renderReport(runDirs, format);
  mkdirSync(dirname(out), { recursive: true });
  // Atomic: a full disk or a crash leaves the previous report (or none), never half of one.
  writeFileAtomic(out, text, (e) =>
    writeFailure(
      out,
      e,
      `the previous ${out} (if any) is untouched; free space or pass another --out, then run \`mobilenet-bench report ${(typeof runDirs === 'string' ? [runDirs] : runDirs).join(' ')}\` again`,
    ),
  );
  return out;
}
