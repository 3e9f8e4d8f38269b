/**
 * Markdown only: the headline numbers of a target's ok jobs, right under its recommendation (a
 * CI summary's one table). The HTML page shows the same figures, and more, in "All jobs".
 */
import type { JobResult } from '../../contract/results.ts';
import { fmtMiB, fmtMs, fmtNum, fmtPct } from '../../contract/format.ts';
import { gmacPerSecond, precisionLabel } from '../data.ts';
import { escapeMarkdownCell as cell } from '../escape.ts';
import { markdownRow as row } from '../markdown-table.ts';
import type { TargetSection } from '../section.ts';

function jobsTable(jobs: readonly JobResult[]): string[] {
  const header = ['job', 'precision', 'median ms', '95 % CI ms', 'p90 ms', 'GMAC/s', 'peak RSS MiB', 'top-1', 'agrees with ref.'];
  const align = ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'];
  return [
    row(header),
    row(align),
    ...jobs.map((r) =>
      row([
        cell(r.id),
        cell(precisionLabel(r.precision)),
        // A device that throttled during the job measured a slower machine than it is.
        r.thermal?.throttled ? `${fmtMs(r.latency?.medianMs)} ⚠ throttled` : fmtMs(r.latency?.medianMs),
        r.latency ? `${fmtMs(r.latency.ci95Ms[0])}–${fmtMs(r.latency.ci95Ms[1])}` : '–',
        fmtMs(r.latency?.p90Ms),
        fmtNum(gmacPerSecond(r), 2),
        fmtMiB(r.memory?.peakRssBytes),
        fmtPct(r.accuracy?.top1),
        fmtPct(r.accuracy?.agreementTop1),
      ]),
    ),
  ];
}

export const headlineTableSection: TargetSection = {
  id: 'headline',
  title: 'Headline numbers',
  scope: 'target',
  // Not a section of the page: "All jobs" holds these numbers there.
  html: () => null,
  markdown: ({ view }) => ['', ...jobsTable(view.ok)],
};
