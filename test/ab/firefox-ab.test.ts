/**
 * `ab` in Firefox (puppeteer-core over WebDriver BiDi), end to end in ONE comparison of two jobs:
 * side B's `config:` overlay changes only ort-web's thread count, so `reference` is the A/A control
 * (no change or inconclusive) and ort-web is the A/B job. Firefox has no CPU throttling to inject,
 * so the known difference is a real one: ort-web's WebAssembly thread pool at 8 threads on a
 * machine of at most 4 CPUs is oversubscribed (its threads spin and preempt each other), measured
 * ×4–7 slower than 1 thread on the 2-CPU VM even under load 16. On more CPUs that is not known in
 * advance, so the test skips there.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findBrowserExecutable } from '../../harness/browsers.ts';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const OVERSUBSCRIBED_THREADS = 8;
const skip = !findBrowserExecutable('firefox')
  ? "no Firefox found (FIREFOX_PATH or /usr/bin/firefox-esr): install Debian's firefox-esr"
  : availableParallelism() > 4
    ? `${availableParallelism()} CPUs: ${OVERSUBSCRIBED_THREADS} threads are only surely slower than 1 on at most 4 CPUs (the known difference this test needs)`
    : false;

const MATRIX = ['--target', 'firefox', '--impl', 'ort-web:wasm@1,reference', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
// Three worker pairs (the interval is clustered over them: two leave it one degree of freedom), 12
// pairs a batch. The cap in pairs keeps the control job short (it would rarely decide); the cap in
// seconds counts the pages' start (6 pages: about 25 s under load 12), so it leaves room for batches.
const CAPS = ['--worker-pairs', '3', '--max-pairs', '36', '--max-seconds', '45'];

test('Firefox: an A/A control job and ort-web at 8 threads against 1, in one comparison', { skip, timeout: 240_000 }, async () => {
  const dir = tempDir('ab-firefox-');
  const overlay = join(dir, 'threads.json');
  writeFileSync(overlay, JSON.stringify({ implementations: [`ort-web:wasm@${OVERSUBSCRIBED_THREADS}`, 'reference'] }));
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--b', `config:${overlay}`, ...MATRIX, ...CAPS, '--seed', '27', '-o', out], { timeoutMs: 200_000 });
  assert.doesNotMatch(r.stderr, STACK);
  const verdicts = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8'));
  const byId = new Map(verdicts.jobs.map((j: { id: string }) => [j.id, j]));
  const threads = byId.get('firefox/ort-web-wasm-t1/0.25_128') as { idB: string; verdict: string; ratio: number };
  const control = byId.get('firefox/reference/0.25_128') as { verdict: string; pairsUsed: number };
  assert.equal(threads.idB, `firefox/ort-web-wasm-t${OVERSUBSCRIBED_THREADS}/0.25_128`);
  assert.ok(threads.ratio > 2, `ratio ${threads.ratio}`);
  // Oversubscribed pools differ much from page to page, and the interval carries that spread over
  // only 3 worker pairs: under load 8–26 some runs stopped `slower`, others `inconclusive` at ×3–5.
  assert.ok(['slower', 'inconclusive'].includes(threads.verdict), JSON.stringify(threads));
  assert.equal(r.status, threads.verdict === 'slower' ? 1 : 0, `${r.stderr}\n${JSON.stringify(verdicts.jobs)}`);
  assert.ok(control.pairsUsed >= 12, `${control.pairsUsed} pairs`);
  assert.ok(['no change', 'inconclusive'].includes(control.verdict), JSON.stringify(control));
  for (const side of ['A', 'B']) {
    const results = readFileSync(join(out, `results-${side}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.equal(results.length, 2, `side ${side}: a result per job`);
    for (const res of results) {
      assert.equal(res.status, 'ok', `side ${side} ${res.id}: ${res.error}`);
      assert.ok(res.memory && res.accuracy, `side ${side} ${res.id} measured memory and accuracy`);
      assert.match(res.effective.details.userAgent, /Firefox\//, 'it ran in Firefox');
    }
  }
});
