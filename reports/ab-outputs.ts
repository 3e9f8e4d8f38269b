/**
 * A paired A/B comparison's verdicts (verdicts.json) as CI writes them: the pull-request comment in
 * Markdown and the Bencher (BMF) and github-action-benchmark exports, in the shapes of
 * reports/exports.ts. From the contract alone; every text field is escaped for Markdown. Pure.
 */
import type { AbJobVerdict, AbVerdicts, SideProvenance } from '../contract/ab-verdicts.ts';
import { fmtChange, fmtDuration, fmtMs } from '../contract/format.ts';
import { escapeMarkdownCell } from './escape.ts';
import type { Bmf, BmfMetric, CustomBenchmarkEntry } from './exports.ts';

/** The file names of the A/B comment and exports (the ci names: comment.md, bmf.json, benchmark-smaller-is-better.json). */
export const AB_REPORT_FILES = { comment: 'comment.md', bmf: 'bmf.json', smallerIsBetter: 'benchmark-smaller-is-better.json' } as const;

/** Escape any text for Markdown, inline or in a table cell (the one helper, contract/markdown-text.ts). */
export const md = escapeMarkdownCell;

const ORDER: Record<AbJobVerdict['verdict'], number> = { slower: 0, faster: 1, inconclusive: 2, 'no change': 3, skipped: 4 };
const ordered = (v: AbVerdicts) =>
  v.jobs
    .map((j, i) => [j, i] as const)
    .sort((a, b) => ORDER[a[0].verdict] - ORDER[b[0].verdict] || a[1] - b[1])
    .map(([j]) => j);

const change = (j: AbJobVerdict) =>
  j.ratio === null ? '–' : `${fmtChange(j.ratio - 1)}${j.interval ? ` [${fmtChange(j.interval[0] - 1)}, ${fmtChange(j.interval[1] - 1)}]` : ''}`;

const counts = (v: AbVerdicts) =>
  Object.entries(v.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ') || 'no jobs';

/** One side as a Markdown line: spec, commit, dirty, packages (swapped ones marked), weights hashes (all escaped). */
function sideLine(s: SideProvenance): string {
  const commit = s.commit ? ` at \`${md(s.commit.slice(0, 12))}\`${s.dirty ? ' (uncommitted changes)' : ''}` : '';
  const pkgs = Object.entries(s.packages)
    .filter(([, ver]) => ver !== null)
    .map(([n, ver]) => `${md(n)}@${md(ver!)}${s.swapped?.[n] ? ' (swapped in)' : ''}`);
  const hashes = s.weights.filter((w) => w.sha256).map((w) => `${md(`${w.variant}:${w.precision}`)} ${md(w.sha256!.slice(0, 12))}`);
  return `- **${s.name}**: ${md(s.spec)}${commit}${pkgs.length ? `; ${pkgs.join(', ')}` : ''}${hashes.length ? `; weights ${hashes.join(', ')}` : ''}`;
}

/** The pull-request comment: headline, sides, one row per job (changed first), reasons, notes, the method in one line. */
export function abCommentMarkdown(v: AbVerdicts, links: { report?: string } = {}): string {
  const slower = v.counts.slower;
  const head =
    v.exitCode === 2
      ? '### ⚠️ mobilenet-bench A/B: cannot judge'
      : slower
        ? `### ❌ mobilenet-bench A/B: ${slower} job${slower === 1 ? '' : 's'} slower`
        : '### ✅ mobilenet-bench A/B: no job slower';
  const out = [head, '', `${counts(v)}.`, ''];
  if (v.sides) out.push(sideLine(v.sides.a), sideLine(v.sides.b), '');
  if (links.report) out.push(`[Full report](${encodeURI(links.report).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})`, '');
  if (v.jobs.length) {
    out.push('| verdict | job | B vs A [95 %] | A ms | B ms | pairs | worker pairs | time |', '|---|---|---|---:|---:|---:|---:|---:|');
    for (const j of ordered(v))
      out.push(
        `| ${j.verdict === 'slower' ? '**slower**' : j.verdict} | ${md(j.id)} | ${change(j)} | ${fmtMs(j.aMsPerInference)} | ${fmtMs(j.bMsPerInference)} | ${j.pairsUsed}${j.pairsDropped ? ` (${j.pairsDropped} dropped)` : ''} | ${j.workerPairs} | ${fmtDuration(j.seconds * 1000)} |`,
      );
    const explained = v.jobs.filter((j) => j.verdict !== 'no change');
    if (explained.length) out.push('', ...explained.map((j) => `- **${md(j.id)}**: ${md(j.reason)}`));
  }
  if (v.notes.length) out.push('', ...v.notes.map((n) => `> ${md(n)}`));
  out.push(
    '',
    `_A and B alternated in short blocks inside each job, in balanced random AB/BA order, across fresh worker pairs. Each interval is on the mean log-ratio, clustered over worker pairs, sequential (α = ${v.options.alpha} per job spent ${v.options.spending === 'pocock' ? 'Pocock' : "O'Brien-Fleming"}-style over at most ${v.options.maxPairs} pairs or ${v.options.maxSeconds} s), Holm across ${v.jobs.length} jobs; a change counts beyond ±${(v.options.minEffect * 100).toFixed(1)} %._`,
  );
  return `${out.join('\n')}\n`;
}

const judged = (v: AbVerdicts) => v.jobs.filter((j) => j.verdict !== 'skipped' && j.ratio !== null);

/** BMF: per job, `ab-ratio` (B over A, with its interval as bounds) and B's `latency` (ns per inference, median of its blocks). */
export function abBmf(v: AbVerdicts): Bmf {
  const out: Bmf = {};
  for (const j of judged(v)) {
    const m: Record<string, BmfMetric> = { 'ab-ratio': { value: j.ratio!, ...(j.interval ? { lower_value: j.interval[0], upper_value: j.interval[1] } : {}) } };
    if (j.bMsPerInference !== null) m.latency = { value: j.bMsPerInference * 1e6 };
    out[j.id] = m;
  }
  return out;
}

/** github-action-benchmark customSmallerIsBetter: per job the B/A ratio (range ± half its interval) and B's ms per inference. */
export function abCustomSmallerIsBetter(v: AbVerdicts): CustomBenchmarkEntry[] {
  const sideB = v.sides ? ` · B ${v.sides.b.spec}${v.sides.b.commit ? ` at ${v.sides.b.commit.slice(0, 12)}` : ''}` : '';
  const out: CustomBenchmarkEntry[] = [];
  for (const j of judged(v)) {
    const extra = `${j.verdict} · ${j.pairsUsed} pairs on ${j.workerPairs} worker pairs${sideB}`;
    out.push({
      name: `${j.id} B/A ratio`,
      unit: 'x',
      value: j.ratio!,
      ...(j.interval ? { range: `± ${((j.interval[1] - j.interval[0]) / 2).toPrecision(3)}` } : {}),
      extra,
    });
    if (j.bMsPerInference !== null) out.push({ name: `${j.id} latency`, unit: 'ms', value: j.bMsPerInference, extra });
  }
  return out;
}

/** The comment and both exports as file name → text. */
export function abReportFiles(v: AbVerdicts, links: { report?: string } = {}): Record<string, string> {
  return {
    [AB_REPORT_FILES.comment]: abCommentMarkdown(v, links),
    [AB_REPORT_FILES.bmf]: `${JSON.stringify(abBmf(v), null, 2)}\n`,
    [AB_REPORT_FILES.smallerIsBetter]: `${JSON.stringify(abCustomSmallerIsBetter(v), null, 2)}\n`,
  };
}
