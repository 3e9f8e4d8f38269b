/**
 * `ab` in Chromium, end to end: two pages of one browser, each side's job loaded by the probe page's
 * block session. An A/A comparison raises no verdict of change; side B's page throttled ×3 over CDP
 * (a `config:` overlay with `cpuThrottlingRate: 3`) is found slower, exit 1.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findBrowserExecutable } from '../../harness/browsers.ts';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const skip = findBrowserExecutable('chromium') ? false : "no Chromium found (CHROME_PATH or /usr/bin/chromium): install Debian's chromium (.ci/run does)";
const MATRIX = ['--target', 'chromium', '--impl', 'ort-web:wasm', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
// A small cap (96 pairs, a fresh worker pair per batch): late looks come soon enough for a ×3 throttle to be decided within the test's time.
const CAPS = ['--max-pairs', '96', '--max-seconds', '60'];
// A/A runs to its cap unless decided `no change`: 20 s gives it a few batches, and keeps CI time.
const AA_CAPS = ['--max-pairs', '96', '--max-seconds', '20'];

function verdictOf(out: string) {
  const v = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8'));
  assert.equal(v.jobs.length, 1);
  const job = v.jobs[0];
  assert.equal(job.id, 'chromium/ort-web-wasm/0.25_128');
  for (const side of ['A', 'B']) {
    const r = JSON.parse(readFileSync(join(out, `results-${side}.jsonl`), 'utf8').split('\n')[0]);
    assert.equal(r.status, 'ok', `side ${side}: ${r.error}`);
    assert.ok(r.memory && r.accuracy, `side ${side} measured memory and accuracy`);
  }
  return job;
}

test('Chromium A/A: no change or inconclusive, exit 0', { skip, timeout: 240_000 }, async () => {
  const out = join(tempDir('ab-chromium-aa-'), 'out');
  const r = await runCliAsync(['ab', '--aa', ...MATRIX, ...AA_CAPS, '--seed', '21', '-o', out], { timeoutMs: 200_000 });
  assert.doesNotMatch(r.stderr, STACK);
  assert.equal(r.status, 0, r.stderr);
  const job = verdictOf(out);
  assert.ok(job.pairsUsed >= 12, `${job.pairsUsed} pairs`);
  assert.ok(['no change', 'inconclusive'].includes(job.verdict), JSON.stringify(job));
});

test('Chromium A/B: side B throttled x3 is slower, exit 1', { skip, timeout: 240_000 }, async () => {
  const dir = tempDir('ab-chromium-slow-');
  const overlay = join(dir, 'throttled.json');
  writeFileSync(overlay, JSON.stringify({ targets: [{ type: 'chromium', cpuThrottlingRate: 3 }] }));
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--b', `config:${overlay}`, ...MATRIX, ...CAPS, '--seed', '22', '-o', out], { timeoutMs: 200_000 });
  assert.doesNotMatch(r.stderr, STACK);
  const job = verdictOf(out);
  assert.equal(r.status, 1, `${r.stderr}\n${JSON.stringify(job)}`);
  assert.equal(job.verdict, 'slower');
  assert.ok(job.ratio > 1.5, `ratio ${job.ratio}`);
});
