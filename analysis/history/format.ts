/** History verdicts as a terminal table, PR-comment Markdown (changed jobs first, a sparkline each), JSON and JUnit. Pure. */
import { xmlEscape } from '../compare/format.ts';
import { escapeMarkdownText, markdownCode } from '../../contract/markdown-text.ts';
import { fmtChange, fmtLevel, fmtMs, fmtPct } from '../../contract/format.ts';
import type { HistoryJobVerdict, HistoryVerdictReport } from './verdict.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** A Unicode sparkline of the values (the last one is the current run). */
export function sparkline(values: readonly number[]): string {
  if (!values.length) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]).join('');
}

const ORDER: Record<HistoryJobVerdict['verdict'], number> = { failed: 0, slower: 1, faster: 2, inconclusive: 3, 'no change': 4 };

/** Changed jobs first, then undecided, then the rest, each in run order. */
export function ordered(jobs: readonly HistoryJobVerdict[]): HistoryJobVerdict[] {
  return jobs
    .map((j, i) => [j, i] as const)
    .sort((a, b) => ORDER[a[0].verdict] - ORDER[b[0].verdict] || a[1] - b[1])
    .map(([j]) => j);
}

const change = (j: HistoryJobVerdict) =>
  j.ratio === null ? '—' : `${fmtChange(j.ratio - 1)} [${fmtChange(j.interval![0] - 1)}, ${fmtChange(j.interval![1] - 1)}]`;

function counts(r: HistoryVerdictReport): string {
  const c = new Map<string, number>();
  for (const j of r.jobs) c.set(j.verdict, (c.get(j.verdict) ?? 0) + 1);
  return [...c].map(([v, n]) => `${n} ${v}`).join(', ');
}

export function formatHistoryTable(r: HistoryVerdictReport): string {
  const rows = ordered(r.jobs).map((j) => [
    j.verdict,
    j.id,
    fmtMs(j.historyCentreMs),
    fmtMs(j.currentMedianMs),
    change(j),
    String(j.runs),
    sparkline(j.trendMs),
  ]);
  const head = ['verdict', 'job', 'history ms', 'current ms', 'change [95 %]', 'runs', 'trend'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const reasons = r.jobs.filter((j) => j.verdict !== 'no change').map((j) => `  ${j.id}: ${j.reason}`);
  return [
    line(head),
    ...rows.map(line),
    '',
    `${counts(r)} (against branch ${r.options.branch ?? 'any'}, last ${r.options.window} runs; Holm across ${r.jobs.length} jobs at ${fmtLevel(r.options.significance)})`,
    ...reasons,
    ...r.notes.map((n) => `note: ${n}`),
    '',
  ].join('\n');
}

/** Every data field reaches the PR comment through the contract's one helper: a device or reason with a newline must not become a heading. */
const md = escapeMarkdownText;

export function formatHistoryMarkdown(r: HistoryVerdictReport, links: { report?: string } = {}): string {
  const out = [
    `### mobilenet-bench: ${r.exitCode ? 'regression' : 'no regression'}`,
    '',
    `${counts(r)}, judged against the last ${r.options.window} runs of branch ${markdownCode(r.options.branch ?? 'any')} on the same device (Holm across ${r.jobs.length} jobs, family-wise α = ${fmtLevel(r.options.significance)}; a change must exceed ±${fmtPct(r.options.minEffect)}).`,
    '',
  ];
  if (links.report) out.push(`[Full report](${links.report})`, '');
  out.push('| verdict | job | history (ms) | current (ms) | change [95 %] | trend |', '|---|---|---:|---:|---|---|');
  for (const j of ordered(r.jobs))
    out.push(`| ${j.verdict} | ${md(j.id)} | ${fmtMs(j.historyCentreMs)} | ${fmtMs(j.currentMedianMs)} | ${change(j)} | ${sparkline(j.trendMs)} |`);
  const explained = r.jobs.filter((j) => j.verdict !== 'no change');
  if (explained.length) out.push('', ...explained.map((j) => `- **${md(j.id)}**: ${md(j.reason)}`));
  if (r.notes.length) out.push('', ...r.notes.map((n) => `> ${md(n)}`));
  return `${out.join('\n')}\n`;
}

export function formatHistoryJunit(r: HistoryVerdictReport): string {
  const failures = r.jobs.filter((j) => j.verdict === 'slower' || j.verdict === 'failed').length;
  const cases = r.jobs.map((j) => {
    const body =
      j.verdict === 'slower' || j.verdict === 'failed'
        ? `<failure message="${xmlEscape(j.verdict)}">${xmlEscape(j.reason)}</failure>`
        : j.verdict === 'inconclusive'
          ? `<skipped message="${xmlEscape(j.reason)}"/>`
          : '';
    return `  <testcase classname="mobilenet-bench.history" name="${xmlEscape(j.id)}">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="mobilenet-bench history" tests="${r.jobs.length}" failures="${failures}">\n${cases.join('\n')}\n</testsuite>\n`;
}

export const formatHistoryJson = (r: HistoryVerdictReport) => `${JSON.stringify(r, null, 2)}\n`;
