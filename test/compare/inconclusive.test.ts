/** compare never passes what it could not judge: too few samples is `inconclusive`, and all-inconclusive exits 2. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareCommand } from '../../cli/compare.ts';
import { smallestPossibleP } from '../../analysis/compare/compare.ts';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const IDS = ['node/reference/0.25_128', 'node/reference/0.5_128'];

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await compareCommand(
    args,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

test('smallest p of the Mann-Whitney test: 1 with one sample a side, 2/C(n1+n2, n1) otherwise', () => {
  assert.equal(smallestPossibleP(1, 1), 1);
  assert.equal(smallestPossibleP(3, 3), 0.1);
  assert.ok(Math.abs(smallestPossibleP(4, 4) - 2 / 70) < 1e-12);
});

test('a 10× slowdown of 1-sample jobs is inconclusive in every format and exits 2, never "No regression"', async () => {
  const work = tempDir('mnb-inconcl-');
  const base = writeRunFolder(
    join(work, 'base'),
    IDS.map((id) => jobLine(id, [10])),
    'base',
  );
  const cur = writeRunFolder(
    join(work, 'cur'),
    IDS.map((id) => jobLine(id, [100])),
    'cur',
  );
  const before = readFileSync(join(cur, 'results.jsonl'), 'utf8');

  const table = await cli([base, cur]);
  assert.equal(table.code, 2);
  assert.doesNotMatch(table.out, /No regression/);
  assert.match(table.out, /CANNOT COMPARE: all 2 jobs compared are inconclusive/);
  assert.match(table.out, /node\/reference\/0\.25_128: inconclusive: 1 baseline and 1 current latency sample cannot show a change/);
  assert.match(table.err, /cannot compare: all 2 jobs/);

  const json = JSON.parse((await cli([base, cur, '--format', 'json'])).out);
  assert.deepEqual(
    json.jobs.map((j: { verdict: string }) => j.verdict),
    ['inconclusive', 'inconclusive'],
  );
  assert.equal(json.exitCode, 2);
  assert.match(json.jobs[0].reasons[0], /smallest p-value they allow is 1\.000/);

  const md = await cli([base, cur, '--format', 'markdown']);
  assert.equal(md.code, 2);
  assert.match(md.out, /cannot compare \(every job inconclusive\)/);
  assert.doesNotMatch(md.out, /no regression/);
  assert.match(md.out, /\| `node\/reference\/0\.5_128` \| \*\*inconclusive\*\* \|/);

  const junit = await cli([base, cur, '--format', 'junit']);
  assert.equal((junit.out.match(/<skipped message="inconclusive: /g) ?? []).length, 2);
  assert.equal(readFileSync(join(cur, 'results.jsonl'), 'utf8'), before, 'compare writes nothing into the run folder');
});

test('some jobs inconclusive, others judged: the judged ones decide the exit code, the others are listed', async () => {
  const work = tempDir('mnb-inconcl2-');
  const many = (m: number) => Array.from({ length: 12 }, (_, i) => m * (10 + (i % 4) * 0.1));
  const base = writeRunFolder(join(work, 'base'), [jobLine(IDS[0], [10]), jobLine(IDS[1], many(1))]);
  const same = writeRunFolder(join(work, 'same'), [jobLine(IDS[0], [100]), jobLine(IDS[1], many(1))]);
  const slow = writeRunFolder(join(work, 'slow'), [jobLine(IDS[0], [100]), jobLine(IDS[1], many(2))]);
  const ok = await cli([base, same]);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /No regression among the jobs judged; 1 inconclusive \(not judged\)/);
  assert.match(ok.out, /INCONCLUSIVE \(1\):\n {2}node\/reference\/0\.25_128: inconclusive/);
  const bad = await cli([base, slow]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /REGRESSED \(1\):\n {2}node\/reference\/0\.5_128: slower/);
});
