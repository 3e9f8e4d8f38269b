/**
 * `ab` on Node, end to end with real ORT sessions on a tiny variant, in one comparison of two jobs: a
 * memory-bound ×2 slowdown injected into side B's ONNX Runtime (a `config:` overlay whose target
 * preloads test/helpers/ab-slowdown.ts) is found slower, exit 1, while the reference job of the same
 * comparison, which the slowdown does not touch, is the A/A control and raises no verdict of change.
 * It checks what `ab` writes for both jobs.
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
const MATRIX = ['--target', 'node', '--impl', 'reference,ort-node:cpu@1', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
// The cap bounds the control job (A/A runs to it unless it is decided `no change`); a ×2 slowdown is decided well within it.
const CAPS = ['--max-seconds', '20', '--weights-mirror', SHARED_DATA];

const JOB_IDS = ['node/reference/0.25_128', 'node/ort-node-cpu-t1/0.25_128'];

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** The files every comparison writes, checked per job: pairs balanced per worker pair, results per side, provenance. */
function checkOutputs(out: string) {
  const verdicts = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8'));
  assert.deepEqual(
    verdicts.jobs.map((j: { id: string }) => j.id),
    JOB_IDS,
  );
  const pairs = lines(join(out, 'pairs.jsonl'));
  assert.equal(pairs.length, verdicts.jobs[0].pairsUsed + verdicts.jobs[1].pairsUsed);
  const results = { A: lines(join(out, 'results-A.jsonl')), B: lines(join(out, 'results-B.jsonl')) };
  for (const job of verdicts.jobs) {
    const own = pairs.filter((p) => p.job === job.id);
    assert.equal(own.length, job.pairsUsed);
    for (let w = 0; w < job.workerPairs; w++) {
      const mine = own.filter((p) => p.workerPair === w);
      assert.ok(mine.length >= 2, `${job.id}: worker pair ${w} ran pairs`);
      assert.equal(mine.filter((p) => p.order === 'AB').length, mine.length / 2, `${job.id}: worker pair ${w}: as many AB as BA`);
    }
    for (const p of own) assert.ok(p.aMs > 0 && p.bMs > 0 && p.aInferences === job.blockInferences);
    for (const side of ['A', 'B'] as const) {
      const r = results[side].find((x) => x.id === job.id);
      assert.equal(r?.status, 'ok', `${job.id} side ${side}: ${r?.error}`);
      assert.ok(r.memory && r.accuracy, `${job.id} side ${side} measured memory and accuracy`);
      // Measured in the last batch's worker pair (fresh each batch): one latency sample per block it ran.
      const last = Math.max(...own.map((p) => p.workerPair));
      assert.ok(r.latency.samplesMs.length >= own.filter((p) => p.workerPair === last).length, 'one latency sample per block');
    }
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
    for (const w of s.weights) assert.ok(w.sha256 === null ? /synthetic/.test(w.source) : /^[0-9a-f]{64}$/.test(w.sha256));
  }
  return verdicts.jobs;
}

test('Node A/B: a memory-bound ×2 slowdown in B is slower, exit 1; the reference job of the same comparison (not slowed) is the A/A control', {
  skip,
}, async () => {
  const dir = tempDir('ab-slow-');
  const overlay = join(dir, 'slow.json');
  writeFileSync(overlay, JSON.stringify({ targets: [{ type: 'node', execArgv: ['--import', SLOWDOWN] }] }));
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--b', `config:${overlay}`, ...MATRIX, ...CAPS, '--seed', '12', '-o', out], {
    timeoutMs: 180_000,
    env: { AB_SLOWDOWN_FACTOR: '1' },
  });
  assert.doesNotMatch(r.stderr, STACK);
  const [control, slowed] = checkOutputs(out);
  assert.equal(r.status, 1, `${r.stderr}\n${JSON.stringify(slowed)}`);
  assert.equal(slowed.verdict, 'slower', JSON.stringify(slowed));
  assert.ok(slowed.ratio > 1.2, `ratio ${slowed.ratio}`);
  // The slowdown preload only touches ONNX Runtime: the reference job is A against A.
  assert.ok(['no change', 'inconclusive'].includes(control.verdict), JSON.stringify(control));
});
