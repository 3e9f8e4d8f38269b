/** Renderings of a ComparisonReport: terminal table, Markdown (job summary / PR comment), JSON, JUnit XML. */
import { escapeMarkdownText, markdownCode } from '../../contract/markdown-text.ts';
import { fmtChange, fmtMiB, fmtMs, fmtP } from '../../contract/format.ts';
import type { ComparisonReport, JobComparison, Verdict } from './compare.ts';

/** Output formats of `compare --format`. */
export const FORMATS = ['table', 'markdown', 'json', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

const pct = fmtChange;
const MIB = 2 ** 20;

/** The cells shown for one job, shared by the table and Markdown. */
function cells(j: JobComparison): string[] {
  const l = j.latency;
  const m = j.memory;
  const a = j.accuracy;
  return [
    j.id,
    j.verdict + (j.regressed ? ' ✗' : ''),
    l ? `${fmtMs(l.baselineMedianMs)} → ${fmtMs(l.currentMedianMs)}` : '–',
    l ? pct(l.ratio - 1) : '–',
    l ? `${pct(l.ratioCi95[0] - 1)}…${pct(l.ratioCi95[1] - 1)}` : '–',
    l
      ? `±${l.threshold >= 10 ? '>999' : (l.threshold * 100).toFixed(0)} %${l.thresholdSource === 'noise' ? '' : l.thresholdSource === 'floor' ? ' f' : ' ='}`
      : '–',
    l ? fmtP(l.pAdjusted) : '–',
    m ? `${fmtMiB(m.currentBytes)} (${pct(m.growth)})` : '–',
    a ? (a.changed !== null ? `${a.changed}/${a.n} changed` : `${a.measure ?? ''} ${pct((a.current ?? 0) - (a.baseline ?? 0))}`) : '–',
  ];
}
const HEADER = ['job', 'verdict', 'median ms', 'change', '95% CI', 'threshold', 'p (Holm)', 'peak RSS MiB', 'top-1'];

function summaryLine(r: ComparisonReport): string {
  const parts = (Object.entries(r.counts) as [Verdict, number][]).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`);
  return `${r.jobs.length} jobs: ${parts.join(', ')}`;
}

/** Aligned text table for a terminal. */
export function formatTable(r: ComparisonReport): string {
  const rows = r.jobs.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [
    `baseline ${r.baseline.label} (${r.baseline.source})`,
    `current  ${r.current.label} (${r.current.source})`,
    '',
    line(HEADER),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `threshold: per job from the noise (f = the ${(r.options.minThreshold * 100).toFixed(0)}% floor, = fixed); a latency change counts when beyond it AND p (Holm) < ${r.options.significance}`,
    summaryLine(r),
  ];
  if (r.warnings.length) out.push('', 'Warnings:', ...r.warnings.map((w) => `  ${w}`));
  const reg = r.jobs.filter((j) => j.regressed);
  const inconclusive = r.jobs.filter((j) => j.verdict === 'inconclusive');
  out.push(
    '',
    reg.length
      ? `REGRESSED (${reg.length}):`
      : r.cannotCompare
        ? `CANNOT COMPARE: ${r.cannotCompare}`
        : inconclusive.length
          ? `No regression among the jobs judged; ${inconclusive.length} inconclusive (not judged).`
          : 'No regression.',
  );
  for (const j of reg) out.push(`  ${j.id}: ${j.verdict}: ${j.reasons[0] ?? ''}`, ...j.reasons.slice(1).map((x) => `      ${x}`));
  out.push(...profileLines(r, (s) => s, '  '));
  out.push(...rooflineLines(r, (s) => s, '  '));
  if (inconclusive.length) out.push('', `INCONCLUSIVE (${inconclusive.length}):`, ...inconclusive.map((j) => `  ${j.id}: ${j.reasons[0] ?? ''}`));
  return out.join('\n') + '\n';
}

/** Every data field in the Markdown goes through the contract's one helper (a newline in a reason would start a heading). */
const mdEscape = escapeMarkdownText;

/** Each job's fraction of its roofline in both runs (empty when no run measured ceilings). */
function rooflineLines(r: ComparisonReport, escapeText: (s: string) => string, bullet: string): string[] {
  const placed = r.jobs.filter((j) => j.roofline);
  if (!placed.length) return [];
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
  return [
    '',
    "Fraction of the roofline (achieved GMAC/s over the roof at the job's intensity, each run against its own measured ceilings):",
    '',
    ...placed.map((j) => `${bullet}${escapeText(j.id)}: ${pct(j.roofline!.baseline)} → ${pct(j.roofline!.current)} (${j.roofline!.ceiling})`),
  ];
}

/** "Per-layer changes" lines for jobs profiled in both runs (empty when none were). */
function profileLines(r: ComparisonReport, escapeText: (s: string) => string, bullet: string): string[] {
  const profiled = r.jobs.filter((j) => j.profile);
  if (!profiled.length) return [];
  return [
    '',
    `Per-layer changes (profiled in both runs; medians of a few profiled inferences, not tested for significance):`,
    '',
    ...profiled.map((j) => `${bullet}${escapeText(j.id)}: ${escapeText(j.profile!.summary)}`),
  ];
}

/** Markdown for a CI job summary or a pull-request comment. */
export function formatMarkdown(r: ComparisonReport): string {
  const reg = r.jobs.filter((j) => j.regressed);
  const inconclusive = r.jobs.filter((j) => j.verdict === 'inconclusive');
  const head = reg.length
    ? `### ❌ mobilenet-bench: ${reg.length} job${reg.length > 1 ? 's' : ''} regressed`
    : r.cannotCompare
      ? `### ⚠️ mobilenet-bench: cannot compare (every job inconclusive)`
      : inconclusive.length
        ? `### ✅ mobilenet-bench: no regression among the jobs judged (${inconclusive.length} inconclusive)`
        : '### ✅ mobilenet-bench: no regression';
  const out = [
    head,
    '',
    `Baseline **${mdEscape(r.baseline.label)}**${r.baseline.gitCommit ? ` (${mdEscape(r.baseline.gitCommit.slice(0, 10))})` : ''} → current **${mdEscape(r.current.label)}**${r.current.gitCommit ? ` (${mdEscape(r.current.gitCommit.slice(0, 10))})` : ''}. ${summaryLine(r)}.`,
    '',
  ];
  for (const w of r.warnings.filter((x) => /machine-wide|one process per job per side/.test(x))) out.push(`> ⚠️ ${mdEscape(w)}`, '');
  if (r.cannotCompare) out.push(`> ${mdEscape(r.cannotCompare)}`, '');
  const named = [...reg, ...inconclusive];
  if (named.length) {
    out.push('| job | verdict | why |', '|---|---|---|');
    for (const j of named) out.push(`| ${markdownCode(j.id)} | **${j.verdict}** | ${mdEscape(j.reasons.join('; '))} |`);
    out.push('');
  }
  const table = [
    '| ' + HEADER.join(' | ') + ' |',
    '|' + HEADER.map((_, i) => (i < 2 ? '---' : '---:')).join('|') + '|',
    ...r.jobs.map(
      (j) =>
        '| ' +
        cells(j)
          .map((c, i) => (i === 0 ? markdownCode(c) : mdEscape(c)))
          .join(' | ') +
        ' |',
    ),
  ];
  out.push(`<details${reg.length ? '' : ' open'}><summary>All ${r.jobs.length} jobs</summary>`, '', ...table, '', '</details>', '');
  const layers = profileLines(r, mdEscape, '- ');
  if (layers.length) out.push(...layers, '');
  const roofs = rooflineLines(r, mdEscape, '- ');
  if (roofs.length) out.push(...roofs, '');
  out.push(
    `A latency change counts only when it exceeds the job's threshold (${r.options.threshold === null ? `per job: max(${(r.options.minThreshold * 100).toFixed(0)}%, exp(max(${r.options.noiseFactor} × within-run noise, between-run noise)) − 1), noise as the 95% half-width of the medians' log difference` : `fixed ${(r.options.threshold * 100).toFixed(1)}%`}) **and** is significant (Mann-Whitney U on the raw samples, Holm-adjusted across jobs, p < ${r.options.significance}). Memory: peak RSS +${(r.options.memoryThreshold * 100).toFixed(0)}% and +${(r.options.memoryMinBytes / MIB).toFixed(0)} MiB (one value per job: threshold only). Accuracy: more than ${r.options.accuracyMaxChanged ?? 'max(1, 1% of n)'} top-1 predictions changed and top-1 fell.`,
  );
  if (r.warnings.length) out.push('', '<details><summary>Warnings</summary>', '', ...r.warnings.map((w) => `- ${mdEscape(w)}`), '', '</details>');
  return out.join('\n') + '\n';
}

/** The whole report as JSON. */
function formatJson(r: ComparisonReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** Escape text for XML attributes and content; drops characters XML 1.0 forbids. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** JUnit XML: one testcase per job (failure = regressed; skipped = missing but allowed, skipped in both, or inconclusive). */
export function formatJunit(r: ComparisonReport): string {
  const failures = r.jobs.filter((j) => j.regressed).length;
  const skippedJob = (j: JobComparison) =>
    !j.regressed && (j.verdict === 'missing' || j.verdict === 'inconclusive' || (j.baselineStatus === 'skipped' && j.currentStatus === 'skipped'));
  const skipped = r.jobs.filter(skippedJob).length;
  const name = `mobilenet-bench compare ${r.baseline.label} → ${r.current.label}`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(name)}" tests="${r.jobs.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${xmlEscape(name)}" tests="${r.jobs.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${xmlEscape(r.current.startedAt)}">`,
  ];
  for (const j of r.jobs) {
    const [target, ...rest] = j.id.split('/');
    const classname = `mobilenet-bench.${target}.${rest.slice(0, -1).join('.')}`;
    const open = `    <testcase classname="${xmlEscape(classname)}" name="${xmlEscape(j.id)}" time="0">`;
    const text = xmlEscape(j.reasons.join('\n'));
    if (j.regressed)
      out.push(open, `      <failure message="${xmlEscape(`${j.verdict}: ${j.reasons[0] ?? ''}`)}" type="${j.verdict}">${text}</failure>`, '    </testcase>');
    else if (skippedJob(j))
      out.push(
        open,
        `      <skipped message="${xmlEscape(j.verdict === 'inconclusive' ? (j.reasons[0] ?? 'inconclusive') : (j.reasons[0] ?? j.verdict))}"/>`,
        '    </testcase>',
      );
    else out.push(open, `      <system-out>${xmlEscape(`${j.verdict}${j.reasons.length ? ': ' : ''}${j.reasons.join('\n')}`)}</system-out>`, '    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}

/** Render in the chosen format. */
export function formatReport(r: ComparisonReport, format: Format): string {
  switch (format) {
    case 'table':
      return formatTable(r);
    case 'markdown':
      return formatMarkdown(r);
    case 'json':
      return formatJson(r);
    case 'junit':
      return formatJunit(r);
  }
}
