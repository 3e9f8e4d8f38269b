/** A side that cannot be built stops `ab` before any job: exit 2, naming the side and the cause, no stack, nothing written. */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const MATRIX = ['--target', 'node', '--impl', 'reference', '--alpha', '0.25', '--resolution', '128', '--quick'];

async function refused(b: string, expected: RegExp, extra: string[] = []) {
  const out = join(tempDir('ab-bad-'), 'out');
  const r = await runCliAsync(['ab', '--b', b, ...MATRIX, ...extra, '-o', out], { timeoutMs: 120_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /side B/);
  assert.match(r.stderr, expected);
  assert.doesNotMatch(r.stderr, STACK);
  assert.equal(existsSync(out), false, 'no output before the sides are built');
}

test('a ref that does not exist', () => refused('ref:no-such-branch-0c1d', /no commit named 'no-such-branch-0c1d'/));

test('a package version the registry does not have', () =>
  refused('pkg:onnxruntime-web@0.0.0-does-not-exist', /pkg onnxruntime-web@0\.0\.0-does-not-exist\).*registry has no such package or version/));

test('an overlay that fails the config schema names the key', () => {
  const file = join(tempDir('ab-overlay-'), 'broken.json');
  writeFileSync(file, JSON.stringify({ sampling: { warmupSamples: -1 } }));
  return refused(`config:${file}`, /with its overlay the config is not valid.*sampling\.warmupSamples/s);
});

test('an overlay that is not JSON', () => {
  const file = join(tempDir('ab-overlay-'), 'broken.json');
  writeFileSync(file, '{ sampling: ');
  return refused(`config:${file}`, /not valid JSON/);
});

test('sides whose plans differ in jobs', async () => {
  const file = join(tempDir('ab-overlay-'), 'other-variant.json');
  writeFileSync(file, JSON.stringify({ variants: { alpha: [0.5] } }));
  const r = await runCliAsync(['ab', '--b', `config:${file}`, ...MATRIX], { timeoutMs: 120_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /plans differ in jobs: only side A \(current\) plans node\/reference\/0\.25_128; only side B \(config:.*\) plans node\/reference\/0\.5_128/s,
  );
  assert.doesNotMatch(r.stderr, STACK);
});

test('options that mean nothing in a comparison are refused', async () => {
  const r = await runCliAsync(['ab', '--aa', '--repeats', '3', ...MATRIX], { timeoutMs: 60_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ab does not take --repeats/);
});
