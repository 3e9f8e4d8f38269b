/** The A/B engine's pure pieces: job matching, balanced orders, block sizes, overlays, and its pair records in analysis/ab's decider. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockSizeFor } from '../../harness/ab/block-size.ts';
import { MAX_PAIRS_PER_WORKER_BATCH, pairsForStartCost } from '../../harness/ab/controller.ts';
import { balancedOrders } from '../../harness/ab/orders.ts';
import { pairingKey, pairJobs, PlanMismatchError } from '../../harness/ab/pair-jobs.ts';
import { mergeOverlay } from '../../harness/config/overlay.ts';
import type { Job, Plan } from '../../harness/plan.ts';
import { abDecider } from '../../analysis/ab/decide.ts';
import type { AbPair } from '../../contract/ab-pair.ts';

test('pairingKey leaves the thread count out of the implementation only', () => {
  assert.equal(pairingKey('node/ort-node-cpu-t2/0.25_128'), 'node/ort-node-cpu/0.25_128');
  assert.equal(pairingKey('node/ort-node-cpu/0.25_128-uint8'), 'node/ort-node-cpu/0.25_128-uint8');
  assert.equal(pairingKey('node-t2/reference/0.5_160'), 'node-t2/reference/0.5_160');
});

const plan = (ids: string[], skipped: Array<[string, string]> = []): Plan => ({
  jobs: ids.map((id) => ({ id }) as Job),
  skipped: skipped.map(([id, reason]) => ({ id, reason }) as Plan['skipped'][number]),
  orderSeed: 0,
});

test('pairJobs matches jobs across thread counts, in A order, and skips a job one side cannot run for both', () => {
  const { jobs, skipped } = pairJobs(
    plan(['node/ort-node-cpu-t1/0.25_128', 'node/reference/0.25_128']),
    plan(['node/reference/0.25_128'], [['node/ort-node-cpu-t2/0.25_128', 'no such runtime here']]),
    { A: 'current', B: 'ref:x' },
  );
  assert.deepEqual(
    jobs.map((j) => j.key),
    ['node/reference/0.25_128'],
  );
  assert.deepEqual(skipped, [{ id: 'node/ort-node-cpu-t1/0.25_128', reason: 'side B: no such runtime here' }]);
});

test('pairJobs refuses plans that differ, naming the jobs and the sides', () => {
  assert.throws(
    () => pairJobs(plan(['node/reference/0.25_128']), plan(['node/reference/0.5_160']), { A: 'current', B: 'config:o.json' }),
    (e: Error) =>
      e instanceof PlanMismatchError && /only side A \(current\) plans node\/reference\/0\.25_128/.test(e.message) && /config:o\.json/.test(e.message),
  );
});

test('balancedOrders: equal AB and BA in every batch, seeded, not always the same order', () => {
  const next = balancedOrders(42);
  const batches = Array.from({ length: 20 }, () => next(8));
  for (const b of batches) assert.equal(b.filter((o) => o === 'AB').length, 4);
  assert.ok(new Set(batches.map((b) => b.join())).size > 5);
  assert.deepEqual(balancedOrders(42)(8), batches[0]);
  assert.throws(() => next(3), /even/);
});

test('blockSizeFor aims at about 100 ms, at least one inference', () => {
  assert.equal(blockSizeFor(2), 50);
  assert.equal(blockSizeFor(400), 1);
  assert.equal(blockSizeFor(0), 1);
});

test('pairsForStartCost: starting a worker pair takes at most its share of a batch; even, at least the least, at most the cap', () => {
  // 2 s to start, 250 ms a pair, a quarter at most: 2 / (2 + 24 × 0.25) = 0.25.
  assert.equal(pairsForStartCost(2000, 250, 0.25, 4), 24);
  assert.equal(pairsForStartCost(3000, 250, 0.5, 4), 12);
  assert.equal(pairsForStartCost(2900, 250, 0.5, 4), 12, 'rounded up to even');
  assert.equal(pairsForStartCost(100, 250, 0.25, 4), 4, 'a cheap start: the least');
  assert.equal(pairsForStartCost(60_000, 250, 0.25, 4), MAX_PAIRS_PER_WORKER_BATCH);
  assert.equal(pairsForStartCost(0, 250, 0.25, 6), 6, 'nothing measured: the least');
});

test('mergeOverlay merges objects and replaces arrays', () => {
  const merged = mergeOverlay(
    { sampling: { warmupSamples: 5, minSamples: 10 }, implementations: ['reference'] },
    {
      sampling: { warmupSamples: 9 },
      implementations: ['ort-node:cpu@2'],
    },
  );
  assert.deepEqual(merged, { sampling: { warmupSamples: 9, minSamples: 10 }, implementations: ['ort-node:cpu@2'] });
});

const pairs = (ratios: number[][]): AbPair[] =>
  ratios.flatMap((rs, w) =>
    rs.map(
      (r, i) =>
        ({ job: 'j', workerPair: w, index: i, order: i % 2 ? 'BA' : 'AB', aMs: 100, aInferences: 10, bMs: 100 * r, bInferences: 10, atMs: i }) as AbPair,
    ),
  );

test("the engine's pair records go straight into analysis/ab's decider: a clear slowdown is decided slower, an early look waits", () => {
  // 32 of at most 40 pairs: late enough in the O'Brien-Fleming spending for a 20 % step to be decided.
  const decide = abDecider({ minEffect: 0.03, maxPairs: 40, batchPairs: 16 });
  const slow = decide(pairs(Array.from({ length: 4 }, (_, w) => Array.from({ length: 8 }, (_, i) => 1.2 + ((i + w) % 3) * 0.01))), 0, 10_000);
  assert.equal(slow.verdict.verdict, 'slower');
  assert.ok(slow.done);
  assert.ok(slow.verdict.ratio! > 1.15 && slow.verdict.ratio! < 1.25, String(slow.verdict.ratio));
  assert.equal(decide(pairs([[1.2, 1.2]]), 0, 100).done, false, 'one worker pair is too few to look');
});
