/**
 * `ab` on Node, end to end with real ORT sessions on a tiny variant: an A/A comparison raises no
 * verdict of change, and a memory-bound ×2 slowdown injected into side B (a `config:` overlay whose
 * target preloads test/helpers/ab-slowdown.ts) is found slower, exit 1. Both check what `ab` writes.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { skipWithoutSharedData, SHARED_DATA } from '../helpers/data.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const skip = skipWithoutSharedData();
const SLOWDOWN = join(import.meta.dirname, '..', 'helpers', 'ab-slowdown.ts');
const MATRIX = ['--target', 'node', '--impl', 'ort-node:cpu@1', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
const CAPS = ['--max-seconds', '45', '--weights-mirror', SHARED_DATA];

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** The files every comparison writes, checked: pairs balanced per worker pair, results per side, provenance. */
function checkOutputs(out: string) {
  const verdicts = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8'));
  assert.equal(verdicts.jobs.length, 1);
  const job = verdicts.jobs[0];
  assert.equal(job.id, 'node/ort-node-cpu-t1/0.25_128');
  const pairs = lines(join(out, 'pairs.jsonl'));
  assert.equal(pairs.length, job.pairsUsed);
  for (let w = 0; w < job.workerPairs; w++) {
    const own = pairs.filter((p) => p.workerPair === w);
    assert.ok(own.length >= 2, `worker pair ${w} ran pairs`);
    assert.equal(own.filter((p) => p.order === 'AB').length, own.length / 2, `worker pair ${w}: as many AB as BA`);
  }
  for (const p of pairs) assert.ok(p.aMs > 0 && p.bMs > 0 && p.aInferences === job.blockInferences);
  for (const side of ['A', 'B']) {
    const [r] = lines(join(out, `results-${side}.jsonl`));
    assert.equal(r.status, 'ok', `side ${side}: ${r.error}`);
    assert.ok(r.memory && r.accuracy, `side ${side} measured memory and accuracy`);
    // Measured in the last batch's worker pair (fresh each batch): one latency sample per block it ran.
    const last = Math.max(...pairs.map((p) => p.workerPair));
    assert.ok(r.latency.samplesMs.length >= pairs.filter((p) => p.workerPair === last).length, 'one latency sample per block');
  }
  const sides = JSON.parse(readFileSync(join(out, 'sides.json'), 'utf8'));
  assert.deepEqual(
    sides.map((s: { name: string }) => s.name),
    ['A', 'B'],
  );
  for (const s of sides) {
    assert.match(s.commit, /^[0-9a-f]{40}$/);
    assert.equal(typeof s.packages['onnxruntime-node'], 'string');
    // A file's SHA-256 where the mirror has the weights; synthetic weights are named by their seed.
    assert.ok(s.weights[0].sha256 === null ? /synthetic/.test(s.weights[0].source) : /^[0-9a-f]{64}$/.test(s.weights[0].sha256));
  }
  return job;
}

test('Node A/A: no change or inconclusive, exit 0', { skip }, async () => {
  const out = join(tempDir('ab-aa-'), 'out');
  const r = await runCliAsync(['ab', '--aa', ...MATRIX, ...CAPS, '--seed', '11', '-o', out], { timeoutMs: 180_000 });
  assert.doesNotMatch(r.stderr, STACK);
  assert.equal(r.status, 0, r.stderr);
  const job = checkOutputs(out);
  assert.ok(['no change', 'inconclusive'].includes(job.verdict), JSON.stringify(job));
});

test('Node A/B: a memory-bound ×2 slowdown in B is slower, exit 1', { skip }, async () => {
  const dir = tempDir('ab-slow-');
  const overlay = join(dir, 'slow.json');
  writeFileSync(overlay, JSON.stringify({ targets: [{ type: 'node', execArgv: ['--import', SLOWDOWN] }] }));
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--b', `config:${overlay}`, ...MATRIX, ...CAPS, '--seed', '12', '-o', out], {
    timeoutMs: 180_000,
    env: { AB_SLOWDOWN_FACTOR: '1' },
  });
  assert.doesNotMatch(r.stderr, STACK);
  const job = checkOutputs(out);
  assert.equal(r.status, 1, `${r.stderr}\n${JSON.stringify(job)}`);
  assert.equal(job.verdict, 'slower', JSON.stringify(job));
  assert.ok(job.ratio > 1.2, `ratio ${job.ratio}`);
});
