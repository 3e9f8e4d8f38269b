/**
 * The compact Markdown report, for a CI job summary or a pull-request comment: counts, then
 * every registered section (reports/registry.ts) that has a Markdown renderer, in the page's
 * order: the overview, per target its recommendation and headline table, then the problems.
 * Every cell from the data is escaped (GitHub renders inline HTML in Markdown).
 */
import type { ReportModel } from './data.ts';
import { escapeMarkdownCell as cell } from './escape.ts';
import { fmtTime } from '../contract/format.ts';
import { runsOf } from './merge.ts';
import { pageOrder, REPORT_SECTIONS, targetSections } from './registry.ts';
import type { ReportSection } from './section.ts';

/** Render the report model as Markdown. */
export function renderMarkdownReport(model: ReportModel, sections: readonly ReportSection[] = REPORT_SECTIONS): string {
  const { run, counts } = model;
  const out: string[] = [
    `## MobileNet V1 benchmark — run ${cell(run.runId)}`,
    '',
    `${fmtTime(run.startedAt)} · ${cell(run.host.cpuModel)} (${run.host.cores} cores) · ${cell(run.host.os)} · Node.js ${cell(run.host.nodeVersion)}${run.gitCommit ? ` · commit \`${run.gitCommit.slice(0, 10).replace(/`/g, '')}\`` : ''}`,
    '',
    `**${counts.ok} ok**, ${counts.invalid} invalid, ${counts.failed} failed, ${counts.skipped} skipped.`,
  ];
  for (const other of runsOf(model).slice(1))
    out.push(
      '',
      `Merged with run ${cell(other.runId)}: ${fmtTime(other.startedAt)} · ${cell(other.host.cpuModel)} (${other.host.cores} cores) · ${cell(other.host.os)}`,
    );
  const perTarget = targetSections(sections);
  for (const slot of pageOrder(sections)) {
    if (slot !== 'targets') {
      out.push(...(slot.markdown?.({ model }) ?? []));
      continue;
    }
    for (const view of model.targets) {
      out.push('', `### Target ${cell(view.name)}`, '');
      if (!view.ok.length) out.push('No job finished ok on this target.');
      for (const section of perTarget) if (view.ok.length || section.showWithoutOkJobs) out.push(...(section.markdown?.({ model, view }) ?? []));
    }
  }
  out.push(
    '',
    `<sub>From results.jsonl and run.json (schema v${run.schemaVersion}); latency is per inference, CI is a bootstrap 95 % interval of the median.</sub>`,
    '',
  );
  return out.join('\n');
}
