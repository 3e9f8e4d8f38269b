/**
 * The A/B files analysis/ab writes, as text (the CLI writes them to `--out DIR`): verdicts.json and
 * pairs.jsonl, validated against their contract schemas on the way out (a reader validates them on
 * the way in: contract/ab-verdicts.ts), the terminal table, the sides' provenance and JUnit. Pure.
 */
import {
  type AbPairRecord,
  AbPairRecordSchema,
  type AbVerdicts,
  AbVerdictsSchema,
  type SideProvenance,
  SideProvenanceSchema,
} from '../../contract/ab-verdicts.ts';
import { fmtChange, fmtDuration, fmtP } from '../../contract/format.ts';
import { xmlEscape } from '../compare/format.ts';
import { type AbPair, logRatio } from '../../contract/ab-pair.ts';

// The pair record of the contract is the engine's AbPair plus its log-ratio: checked here at compile time.
const _recordIsPair: AbPair = {} as Omit<AbPairRecord, 'logRatio'>;
const _pairIsRecord: Omit<AbPairRecord, 'logRatio'> = {} as AbPair;
void _recordIsPair;
void _pairIsRecord;

/** The file names in `--out DIR` that analysis/ab writes (reports/ab-outputs.ts names the rest). */
export const AB_FILES = { verdicts: 'verdicts.json', pairs: 'pairs.jsonl', sides: 'sides.json', junit: 'junit.xml' } as const;

/** Each pair as a pairs.jsonl record: the pair and its log-ratio. */
export function pairRecord(p: AbPair): AbPairRecord {
  const lr = logRatio(p);
  return { ...AbPairRecordSchema.parse({ ...p, logRatio: lr }), logRatio: lr };
}

/** pairs.jsonl: one validated record per line, in the order given. Throws (zod) on a pair the schema refuses. */
export function formatPairsJsonl(pairs: readonly AbPair[]): string {
  return pairs.map((p) => `${JSON.stringify(pairRecord(p))}\n`).join('');
}

/** verdicts.json, validated against AbVerdictsSchema first. */
export function formatVerdictsJson(v: AbVerdicts): string {
  return `${JSON.stringify(AbVerdictsSchema.parse(v), null, 2)}\n`;
}

/** sides.json: both sides' provenance, validated, as the engine writes it before any job ([A, B]). */
export function formatSidesJson(sides: { a: SideProvenance; b: SideProvenance }): string {
  return `${JSON.stringify([SideProvenanceSchema.parse(sides.a), SideProvenanceSchema.parse(sides.b)], null, 2)}\n`;
}

/** One side's provenance as terminal lines: spec, commit (+dirty), harness version, packages (swapped ones marked), weights hashes. */
export function formatProvenance(s: SideProvenance): string[] {
  const commit = s.commit ? `${s.commit.slice(0, 12)}${s.dirty ? ' (uncommitted changes)' : s.dirty === false ? ' (clean)' : ''}` : 'not a git checkout';
  const pkgs = Object.entries(s.packages).map(([n, v]) => `${n}@${v ?? 'not installed'}${s.swapped?.[n] ? ' (swapped in)' : ''}`);
  return [
    `side ${s.name}: ${s.spec} (${s.kind}) · ${commit}${s.harnessVersion ? ` · mobilenet-bench ${s.harnessVersion}` : ''} · ${s.root}`,
    ...(pkgs.length ? [`  packages: ${pkgs.join(', ')}`] : []),
    ...s.weights.map(
      (w) => `  weights ${w.variant}:${w.precision}: ${w.source}${w.file ? ` ${w.file}` : ''}${w.sha256 ? ` sha256 ${w.sha256.slice(0, 16)}…` : ''}`,
    ),
  ];
}

/** B over A as a signed change with its interval: "+10.2 % [+8.1 %, +12.3 %]". */
export function fmtAbChange(ratio: number | null, interval: [number, number] | null): string {
  if (ratio === null) return '–';
  return `${fmtChange(ratio - 1)}${interval ? ` [${fmtChange(interval[0] - 1)}, ${fmtChange(interval[1] - 1)}]` : ''}`;
}

const ORDER: Record<string, number> = { slower: 0, faster: 1, inconclusive: 2, 'no change': 3, skipped: 4 };

/** Jobs ordered for reading: slower, faster, inconclusive, no change, skipped; each group in the given order. */
export function orderedJobs(v: AbVerdicts): AbVerdicts['jobs'] {
  return v.jobs
    .map((j, i) => [j, i] as const)
    .sort((a, b) => ORDER[a[0].verdict] - ORDER[b[0].verdict] || a[1] - b[1])
    .map(([j]) => j);
}

/** One line counting the verdicts: "1 slower, 3 no change". */
export function countsLine(v: AbVerdicts): string {
  return (
    Object.entries(v.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ') || 'no jobs'
  );
}

/** The terminal table: verdict, job, B vs A [95 %], pairs (dropped), worker pairs, seconds, Holm p; then the reasons and notes. */
export function formatAbTable(v: AbVerdicts): string {
  const head = ['verdict', 'job', 'B vs A [95 %]', 'pairs', 'workers', 'time', 'p (Holm)'];
  const rows = orderedJobs(v).map((j) => [
    j.verdict,
    j.id,
    fmtAbChange(j.ratio, j.interval),
    `${j.pairsUsed}${j.pairsDropped ? ` (${j.pairsDropped} dropped)` : ''}`,
    String(j.workerPairs),
    fmtDuration(j.seconds * 1000),
    fmtP(j.pHolm),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const sides = v.sides ? [...formatProvenance(v.sides.a), ...formatProvenance(v.sides.b), ''] : [];
  return [
    ...sides,
    line(head),
    ...rows.map(line),
    '',
    `${countsLine(v)} (paired A/B, min effect ±${(v.options.minEffect * 100).toFixed(1)} %, α = ${v.options.alpha} per job over its looks, Holm across ${v.jobs.length} jobs)`,
    ...v.jobs.filter((j) => j.verdict !== 'no change').map((j) => `  ${j.id}: ${j.reason}`),
    ...v.notes.map((n) => `note: ${n}`),
    '',
  ].join('\n');
}

/** JUnit XML: one testcase per job; slower is a failure, inconclusive and skipped are skipped. */
export function formatAbJunit(v: AbVerdicts): string {
  const failures = v.jobs.filter((j) => j.verdict === 'slower').length;
  const skipped = v.jobs.filter((j) => j.verdict === 'inconclusive' || j.verdict === 'skipped').length;
  const name = `mobilenet-bench ab ${v.sides ? `${v.sides.a.spec} → ${v.sides.b.spec}` : 'A → B'}`;
  const cases = v.jobs.map((j) => {
    const open = `    <testcase classname="mobilenet-bench.ab" name="${xmlEscape(j.id)}" time="${j.seconds.toFixed(3)}">`;
    const text = `${j.verdict}: ${fmtAbChange(j.ratio, j.interval)}: ${j.reason}`;
    if (j.verdict === 'slower') return [open, `      <failure message="${xmlEscape(text)}" type="slower">${xmlEscape(text)}</failure>`, '    </testcase>'];
    if (j.verdict === 'inconclusive' || j.verdict === 'skipped') return [open, `      <skipped message="${xmlEscape(text)}"/>`, '    </testcase>'];
    return [open, `      <system-out>${xmlEscape(text)}</system-out>`, '    </testcase>'];
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(name)}" tests="${v.jobs.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${xmlEscape(name)}" tests="${v.jobs.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${xmlEscape(v.createdAt)}">`,
    ...cases.flat(),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
