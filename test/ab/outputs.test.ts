/**
 * The A/B files as written to --out: each validated by its schema on the way back in, the Markdown
 * comment and section escaped (no field can break a table row, open a heading or inject HTML),
 * JUnit and the exports consistent with the verdicts.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAbOutputs } from '../../api/ab-files.ts';
import { formatAbTable, formatVerdictsJson } from '../../analysis/ab/files.ts';
import { logRatio } from '../../contract/ab-pair.ts';
import { AbFileError, parseAbPairs, parseAbVerdicts, SideProvenanceSchema } from '../../contract/ab-verdicts.ts';
import { abCommentMarkdown, abCustomSmallerIsBetter, md } from '../../reports/ab-outputs.ts';
import { abSectionMarkdown } from '../../reports/ab-section.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { abFixture, HOSTILE_ID } from './fixture.ts';

test('writeAbOutputs writes every file; verdicts.json, pairs.jsonl and sides.json read back through their schemas', () => {
  const { verdicts, pairs } = abFixture();
  assert.deepEqual(
    verdicts.jobs.map((j) => j.verdict),
    ['slower', 'no change', 'skipped'],
  );
  const dir = tempDir('mnb-ab-out-');
  const written = writeAbOutputs(dir, verdicts, pairs);
  assert.equal(written.at(-1), join(dir, 'verdicts.json'), 'verdicts.json last');
  assert.deepEqual(readdirSync(dir).sort(), [
    'ab-report.html',
    'benchmark-smaller-is-better.json',
    'bmf.json',
    'comment.md',
    'junit.xml',
    'pairs.jsonl',
    'sides.json',
    'verdicts.json',
  ]);
  const back = parseAbVerdicts(readFileSync(join(dir, 'verdicts.json'), 'utf8'));
  assert.deepEqual(back, verdicts);
  assert.equal(back.exitCode, 1);
  assert.equal(back.jobs[0].pairsDropped, pairs.length - back.jobs[0].pairsUsed - back.jobs[1].pairsUsed + back.jobs[0].pairsDropped);
  const records = parseAbPairs(readFileSync(join(dir, 'pairs.jsonl'), 'utf8'));
  assert.equal(records.length, pairs.length);
  records.forEach((r, i) => assert.ok(Math.abs(r.logRatio - logRatio(pairs[i])) < 1e-15, `pair ${i}`));
  const sides = JSON.parse(readFileSync(join(dir, 'sides.json'), 'utf8'));
  assert.equal(SideProvenanceSchema.parse(sides[1]).dirty, true);
  assert.deepEqual(SideProvenanceSchema.parse(sides[0]), verdicts.sides!.a);
  // A line as the engine streams it (no logRatio) reads with its log-ratio computed, equal to logRatio().
  const { logRatio: _dropped, ...bare } = records[0];
  assert.equal(parseAbPairs(`${JSON.stringify(bare)}\n`)[0].logRatio, logRatio(pairs[0]));

  const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
  assert.match(junit, /tests="3" failures="1" errors="0" skipped="1"/);
  assert.ok(!junit.includes('<img'), 'job ids escaped in XML');
  const bmf = JSON.parse(readFileSync(join(dir, 'bmf.json'), 'utf8'));
  assert.deepEqual(Object.keys(bmf), [HOSTILE_ID, 'chromium/ort-wasm/0.25_128']);
  assert.equal(bmf[HOSTILE_ID]['ab-ratio'].value, verdicts.jobs[0].ratio);
  assert.equal(bmf[HOSTILE_ID]['ab-ratio'].lower_value, verdicts.jobs[0].interval![0]);
  const gab = abCustomSmallerIsBetter(verdicts);
  assert.deepEqual(
    gab.map((e) => e.unit),
    ['x', 'ms', 'x', 'ms'],
  );
  assert.match(formatAbTable(verdicts), /1 slower, 1 no change, 1 skipped/);
});

test('the writers refuse what the schema refuses, and a reader names the field', () => {
  const { verdicts } = abFixture();
  assert.throws(() => formatVerdictsJson({ ...verdicts, jobs: [{ ...verdicts.jobs[0], ratio: -1 }] }));
  assert.throws(
    () => parseAbVerdicts(JSON.stringify({ ...verdicts, exitCode: 7 })),
    (e: Error) => e instanceof AbFileError && /exitCode/.test(e.message),
  );
  assert.throws(
    () => parseAbPairs('{"job":"x"}\n'),
    (e: Error) => e instanceof AbFileError && /line 1/.test(e.message),
  );
  assert.throws(() => parseAbVerdicts('{'), /not JSON/);
});

/** Table rows of a Markdown text, split on unescaped pipes. */
const cellsOf = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1);

test('Markdown: every field is escaped; no row breaks, no heading or HTML is injected', () => {
  const { verdicts } = abFixture();
  for (const text of [abCommentMarkdown(verdicts, { report: 'ab report (1).html' }), abSectionMarkdown({ verdicts, pairs: [] })]) {
    const rows = text.split('\n').filter((l) => l.startsWith('|'));
    const width = cellsOf(rows[0]).length;
    for (const r of rows) assert.equal(cellsOf(r).length, width, `row keeps its columns: ${r}`);
    assert.ok(!/<img|<script/i.test(text), 'no raw HTML');
    assert.ok(!text.split('\n').some((l) => l.startsWith('# head')), 'the newline in the id does not open a heading');
    assert.ok(text.includes('node/ort\\|node \\# head \\*b\\* \\_i\\_ \\`c\\` \\[l\\](http://x) &lt;img'), 'the id appears escaped');
  }
  assert.equal(md('a\u0007b\r\nc|d'), 'a b c\\|d');
  assert.match(abCommentMarkdown(verdicts), /^### ❌ mobilenet-bench A\/B: 1 job slower/);
  assert.match(abCommentMarkdown(verdicts), /pkg:onnxruntime-node@1\.30\.0 \\\| \\\*x\\\*/);
});
