/**
 * A side that is not this checkout runs its own code end to end on Node: `--a ref:HEAD` is written out
 * of git into the side cache, and its workers load their TypeScript from there (no dist/ in it, so
 * the `#platform` import must take its `source` condition), with the job's relative paths meaning
 * what they mean to the caller (the workers start in the caller's working directory).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { skipWithoutSharedData, SHARED_DATA } from '../helpers/data.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const skip = skipWithoutSharedData();
const ROOT = join(import.meta.dirname, '..', '..');

test('ab --a ref:HEAD --b current runs the ref side from its own tree, with a relative weights mirror', { skip, timeout: 120_000 }, async () => {
  const out = join(tempDir('ab-ref-'), 'out');
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const args = ['ab', '--a', 'ref:HEAD', '--b', 'current', '--target', 'node', '--impl', 'ort-web:wasm@1', '--alpha', '0.25', '--resolution', '128'];
  const caps = ['--precision', 'uint8', '--quick', '--worker-pairs', '2', '--max-seconds', '4', '--seed', '5'];
  // A relative mirror, from the caller's working directory (the project root).
  const r = await runCliAsync([...args, ...caps, '--weights-mirror', relative(ROOT, SHARED_DATA), '-o', out], { cwd: ROOT, timeoutMs: 100_000 });
  assert.doesNotMatch(r.stderr, STACK);
  assert.equal(r.status, 0, r.stderr);
  const verdicts = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8'));
  const [job] = verdicts.jobs;
  assert.equal(job.skipped, undefined, `not skipped: ${job.skipped}`);
  assert.ok(job.pairsUsed >= 4, `${job.pairsUsed} pairs`);
  const sides = JSON.parse(readFileSync(join(out, 'sides.json'), 'utf8'));
  assert.equal(sides[0].spec, 'ref:HEAD');
  assert.equal(sides[0].commit, head);
  assert.match(sides[0].root, /\.cache\/ab-sides\/ref-/);
  // The real (uint8: the mirror's only 0.25_128 file) weights file, found through the relative mirror and opened by both sides' workers.
  for (const s of sides) assert.match(s.weights[0].sha256 ?? '', /^[0-9a-f]{64}$/, `side ${s.name}: ${JSON.stringify(s.weights)}`);
});
