/**
 * Numbers and text in the history: an entry holds no number a results line could not (one rule
 * for both: a median of 5e-324, an inverted CI, 0 samples beside a median are refused); every
 * field that reaches the PR comment is escaped (a device with a newline never becomes a heading);
 * a 300-character run id is refused by name, never ENAMETOOLONG; the threshold is formatted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatHistoryMarkdown, formatHistoryTable } from '../../analysis/history/format.ts';
import { entryOfRunFolder, recordRun } from '../../analysis/history/record.ts';
import type { HistoryEntry } from '../../analysis/history/schema.ts';
import { readHistory } from '../../analysis/history/store.ts';
import { judgeFromHistory } from '../../analysis/history/verdict.ts';
import { escapeMarkdownText } from '../../contract/markdown-text.ts';
import { readRunInfo, writeRunInfo } from '../../contract/store.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const ID = 'node/reference/0.25_128';
const MAIN = { MOBILENET_BENCH_BRANCH: 'main' };

/** A history with one valid entry; returns its folder and the entry's JSON. */
function oneEntry(): { dir: string; file: string; entry: HistoryEntry } {
  const root = tempDir('mnb-numbers-');
  const run = writeRunFolder(join(root, 'run'), [jobLine(ID)], 'r1');
  const r = recordRun(run, join(root, 'history'), { env: MAIN });
  return { dir: join(root, 'history'), file: r.file, entry: JSON.parse(readFileSync(r.file, 'utf8')) };
}

test('history entries: a median of 5e-324, an inverted CI, a CI without the median, 0 samples beside a median are not counted, each named', () => {
  for (const [patch, says] of [
    [{ medianMs: 5e-324 }, /jobs\.0\.medianMs: must be 0 or ≥ 0\.000001 ms/],
    [{ ci95Ms: [12, 10] }, /jobs\.0\.ci95Ms: \[12, 10\] is inverted/],
    [{ ci95Ms: [20, 30] }, /jobs\.0\.ci95Ms: \[20, 30\] does not contain the median/],
    [{ samples: 0 }, /jobs\.0\.samples: a median needs at least 1 sample/],
  ] as const) {
    const { dir, file, entry } = oneEntry();
    writeFileSync(file, JSON.stringify({ ...entry, jobs: [{ ...entry.jobs[0], ...patch }] }));
    const h = readHistory(dir);
    assert.equal(h.entries.length, 0, JSON.stringify(patch));
    assert.match(h.problems[0].message, says);
  }
});

test('results lines keep the same rule: an inverted CI in results.jsonl is refused by report, naming file, line and field', () => {
  const root = tempDir('mnb-numbers-');
  const run = writeRunFolder(join(root, 'run'), [jobLine(ID)], 'r1');
  const l = jobLine('node/reference/0.5_160');
  appendFileSync(join(run, 'results.jsonl'), `${JSON.stringify({ ...l, latency: { ...l.latency, ci95Ms: [12, 10] } })}\n`);
  const r = runCli(['report', run, '--out', join(root, 'r.html')], { timeoutMs: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /results\.jsonl:2: latency\.ci95Ms: \[12, 10\] is inverted/);
  assert.doesNotMatch(r.stderr, STACK);
});

test('PR comment: a device, a job id and a branch with newlines and Markdown never become headings, quotes or table rows', () => {
  const { dir } = oneEntry();
  const [base] = readHistory(dir).entries;
  const hostile = '6.18\n# Pwned\n> quote | cell';
  const foreign: HistoryEntry = { ...base, id: 'foreign', device: hostile, jobs: base.jobs.map((j) => ({ ...j, device: hostile })) };
  const current: HistoryEntry = { ...base, id: 'current', jobs: [...base.jobs, { ...base.jobs[0], id: 'x\n## job | y' }] };
  const md = formatHistoryMarkdown(judgeFromHistory(current, [foreign], { branch: 'main\n# b`r' }));
  const lines = md.split('\n');
  assert.equal(lines.filter((l) => /^#/.test(l)).length, 1, 'only our own heading');
  assert.ok(!lines.some((l) => /^>? ?#|^> quote/.test(l) && !l.startsWith('### mobilenet-bench')), md);
  assert.match(md, /6\.18 \\# Pwned &gt; quote \\\| cell/);
  assert.match(md, /x \\#\\# job \\\| y/);
  // Every table row keeps its 6 cells.
  for (const row of lines.filter((l) => l.startsWith('| ') && !l.startsWith('| verdict'))) assert.equal(row.replace(/\\\|/g, '').split('|').length, 8, row);
});

test('escapeMarkdownText: line breaks of every kind, control characters, HTML and formatting', () => {
  assert.equal(escapeMarkdownText('a\r\nb\u2028c\rd\u0000e'), 'a b c d e');
  assert.equal(escapeMarkdownText('<img src=x> *b* _i_ `c` [l](u) ~s~ # h \\'), '&lt;img src=x&gt; \\*b\\* \\_i\\_ \\`c\\` \\[l\\](u) \\~s\\~ \\# h \\\\');
});

test('the threshold is formatted: 0.05 ÷ 3 prints as 0.017, never 0.016666666666666666', () => {
  const { dir } = oneEntry();
  const [base] = readHistory(dir).entries;
  const past = Array.from({ length: 6 }, (_, i) => ({
    ...base,
    id: `p${i}`,
    jobs: base.jobs.map((j) => ({ ...j, medianMs: j.medianMs! * (1 + i * 0.001), ci95Ms: [j.medianMs! * 0.9, j.medianMs! * 1.1] as [number, number] })),
  }));
  const slow = {
    ...base,
    id: 'now',
    jobs: base.jobs.map((j) => ({ ...j, medianMs: j.medianMs! * 1.5, ci95Ms: [j.medianMs! * 1.4, j.medianMs! * 1.6] as [number, number] })),
  };
  const r = judgeFromHistory(slow, past, { significance: 0.05 / 3 });
  assert.equal(r.jobs[0].verdict, 'slower');
  const md = formatHistoryMarkdown(r);
  const text = formatHistoryTable(r);
  assert.doesNotMatch(md + text, /0\.01666/);
  assert.match(md, /&lt; 0\.017/, 'rendered as < 0.017');
  assert.match(r.jobs[0].reason, /< 0\.017$/);
  assert.match(md, /α = 0\.017/);
  assert.match(text, /at 0\.017\)/);
});

test('a 300-character run id: history add refuses it by name, no ENAMETOOLONG stack', () => {
  const root = tempDir('mnb-long-id-');
  const run = writeRunFolder(join(root, 'run'), [jobLine(ID)], 'r1');
  // A hand-edited run.json (the harness never makes such an id): written raw, past the schema.
  const info = readRunInfo(run);
  writeFileSync(join(run, 'run.json'), JSON.stringify({ ...info, runId: 'x'.repeat(300) }));
  const r = runCli(['history', 'add', run, '--history', join(root, 'history')], { env: MAIN, timeoutMs: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /runId: must be at most 128 characters/);
  assert.doesNotMatch(r.stderr, /ENAMETOOLONG/);
  assert.doesNotMatch(r.stderr, STACK);
  // A long id within the bound still makes a file name that fits.
  writeRunInfo(run, { ...info, runId: 'y'.repeat(128) });
  assert.ok(entryOfRunFolder(run, { env: MAIN }).id.length <= 120);
});
