/**
 * The paired A/B decision on synthetic pairs with known effects: ×1.10 is slower, ×0.9 faster,
 * A/A never changes; the clustered interval is wider than the naive one when worker pairs differ by
 * a constant offset; the sequential rule's A/A false-alarm rate at its caps stays ≤ 5 % (Monte Carlo,
 * seeded) while the same rule on the naive interval exceeds it; Holm and the exit codes.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { clusteredMean, independentMean, intervalAt } from '../../analysis/ab/clustered-mean.ts';
import { alphaSpent } from '../../analysis/ab/spending.ts';
import { abDecider, decideJob } from '../../analysis/ab/decide.ts';
import { judgeComparison } from '../../analysis/ab/judge.ts';
import { abOptions } from '../../analysis/ab/options.ts';
import type { AbPair } from '../../contract/ab-pair.ts';
import { t975 } from '../../contract/stats/student-t.ts';
import { EXIT } from '../../contract/exit-codes.ts';
import { mulberry32 } from '../../contract/stats/random.ts';
import { QUIET, runSequential, syntheticMachine, VM } from '../helpers/ab-pairs.ts';

test('×1.10 is slower, ×0.9 faster, on a quiet and on a VM-shaped machine', () => {
  let covered = 0;
  for (const shape of [QUIET, VM])
    for (let seed = 1; seed <= 20; seed++) {
      const slow = runSequential('j', { ...shape, effect: 1.1 }, seed).decision;
      assert.equal(slow.verdict, 'slower', `seed ${seed}: ${slow.reason}`);
      assert.ok(slow.ci![0] > 1, `seed ${seed}: interval ${slow.ci} excludes 1`);
      if (slow.ci![0] < 1.1 && slow.ci![1] > 1.1) covered++;
      assert.ok(Math.abs(slow.ratio! - 1.1) < (shape === QUIET ? 0.02 : 0.06), `seed ${seed}: ratio ${slow.ratio}`);
      const fast = runSequential('j', { ...shape, effect: 0.9 }, seed).decision;
      assert.equal(fast.verdict, 'faster', `seed ${seed}: ${fast.reason}`);
      assert.ok(fast.ci![1] < 1, `interval ${fast.ci}`);
    }
  // Each interval is a 95 % (or wider) interval: at most a few of 40 may miss the true ratio.
  assert.ok(covered >= 36, `${covered} of 40 intervals hold 1.10`);
});

test('A/A is no change on a quiet machine, and never slower or faster in 20 VM-shaped runs', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const quiet = runSequential('j', QUIET, seed).decision;
    assert.equal(quiet.verdict, 'no change', quiet.reason);
    assert.ok(quiet.ci![0] > 1 / 1.03 && quiet.ci![1] < 1.03, `${quiet.ci}`);
    const vm = runSequential('j', VM, seed).decision;
    assert.ok(vm.verdict === 'no change' || vm.verdict === 'inconclusive', `seed ${seed}: ${vm.reason}`);
  }
});

test('a change within the min effect is never slower: ×1.01 on a quiet machine is no change or inconclusive', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const d = runSequential('j', { ...QUIET, effect: 1.01 }, seed).decision;
    assert.ok(d.verdict === 'no change' || d.verdict === 'inconclusive', d.reason);
  }
});

test('the clustered interval is wider than the naive one when worker pairs differ by a constant offset', () => {
  const r = mulberry32(7);
  const noise = () => (r() - 0.5) * 0.02;
  const offsets = [0.03, -0.02, 0.01, -0.03, 0.02];
  const values: number[] = [];
  const shifted: number[] = [];
  const cluster: number[] = [];
  offsets.forEach((off, g) => {
    for (let i = 0; i < 30; i++) {
      const e = noise();
      values.push(e);
      shifted.push(e + off);
      cluster.push(g);
    }
  });
  const width = (ci: [number, number]) => ci[1] - ci[0];
  const plain = clusteredMean(values, cluster);
  const withOffsets = clusteredMean(shifted, cluster);
  assert.equal(withOffsets.df, 4, 'df = worker pairs − 1');
  assert.ok(width(intervalAt(withOffsets, 0.05)) > 3 * width(intervalAt(independentMean(shifted), 0.05)), 'clustered ≫ naive with offsets');
  assert.ok(width(intervalAt(withOffsets, 0.05)) > 3 * width(intervalAt(plain, 0.05)), 'offsets widen the clustered interval');
  // Without offsets the two agree in scale (the clustered one pays only its smaller df).
  assert.ok(width(intervalAt(plain, 0.05)) < 4 * width(intervalAt(independentMean(values), 0.05)), 'no offsets: the same scale');
  // The interval is mean ± t975(df)·se with the project's one t.
  const [lo, hi] = intervalAt(withOffsets, 0.05);
  assert.ok(Math.abs((hi - lo) / 2 - t975(4) * withOffsets.se) < 1e-12, 'mean ± t975(df)·se');
});

test('alpha spending: 0 at the start, α at the cap, increasing; O’Brien–Fleming spends less early than Pocock', () => {
  for (const s of ['obrien-fleming', 'pocock'] as const) {
    assert.equal(alphaSpent(0, 0.05, s), 0);
    assert.equal(alphaSpent(1, 0.05, s), 0.05);
    let prev = 0;
    for (let t = 0.05; t < 1; t += 0.05) {
      const a = alphaSpent(t, 0.05, s);
      assert.ok(a > prev && a < 0.05, `${s} ${t}: ${a}`);
      prev = a;
    }
  }
  assert.ok(alphaSpent(0.25, 0.05, 'obrien-fleming') < 1e-3);
  assert.ok(Math.abs(alphaSpent(0.5, 0.05, 'obrien-fleming') - 0.00557) < 2e-4, 'Lan–DeMets OBF at t = 0.5');
  assert.ok(alphaSpent(0.25, 0.05, 'pocock') > 0.01);
});

/** The sequential rule's A/A false alarms on VM-shaped noise with large per-worker offsets. */
function falseAlarms(runs: number, naive: boolean): number {
  const shape = { ...VM, workerSd: 0.03 };
  let alarms = 0;
  for (let seed = 1; seed <= runs; seed++) {
    if (!naive) {
      const d = runSequential('j', shape, 1000 + seed).decision;
      if (d.verdict === 'slower' || d.verdict === 'faster') alarms++;
      continue;
    }
    // The same looks and spending, but the interval treats every pair as independent.
    const o = abOptions();
    const m = syntheticMachine(shape, 1000 + seed);
    const pairs: AbPair[] = [];
    let spent = 0;
    for (let w = 0; pairs.length < o.maxPairs; w++) {
      pairs.push(...m.workerPair('j', w, pairs.length, o.batchPairs).pairs);
      if (w + 1 < o.minWorkerPairs) continue;
      const now = alphaSpent(pairs.length / o.maxPairs, o.alpha, o.spending);
      const est = independentMean(pairs.map((p) => Math.log(p.bMs / p.aMs)));
      const [lo, hi] = intervalAt(est, now - spent);
      spent = now;
      if (lo > 0 || hi < 0) {
        if (Math.abs(est.mean) > Math.log(1.03)) alarms++;
        break;
      }
    }
  }
  return alarms / runs;
}

test('Monte Carlo: the sequential rule keeps A/A false alarms ≤ 5 % at its caps; the naive interval would not', { timeout: 20_000 }, (t) => {
  const t0 = Date.now();
  const clustered = falseAlarms(600, false);
  const naive = falseAlarms(300, true);
  const ms = Date.now() - t0;
  t.diagnostic(`false alarms: clustered ${(clustered * 100).toFixed(1)} %, naive ${(naive * 100).toFixed(1)} % (${ms} ms)`);
  assert.ok(clustered <= 0.05, `clustered ${clustered}`);
  assert.ok(naive > 0.05, `naive ${naive}: the check would catch an interval that ignores worker pairs`);
  assert.ok(ms < 5000, `${ms} ms`);
});

const pair = (job: string, workerPair: number, index: number, ratio: number): AbPair => ({
  job,
  workerPair,
  index,
  order: index % 2 ? 'AB' : 'BA',
  aMs: 100,
  aInferences: 20,
  bMs: 100 * ratio,
  bInferences: 20,
  atMs: 200 * (index + 1),
});

test('decideJob: no look before minWorkerPairs, spends nothing then; the cap ends a job inconclusive', () => {
  const few = [0, 1, 2].flatMap((w) => Array.from({ length: 20 }, (_, i) => pair('j', w, w * 20 + i, 1.5 + (i % 3) * 0.01)));
  const d = decideJob(few, 0, {}, 1000, null);
  assert.equal(d.done, false);
  assert.equal(d.looks, 0);
  assert.equal(d.ratio, null);
  assert.match(d.reason, /3 of the 4 worker pairs/);
  // Past the seconds cap, two worker pairs suffice for a final look.
  const capped = decideJob(few, 0, {}, 61_000, d);
  assert.equal(capped.final, true);
  assert.equal(capped.done, true);
  assert.equal(capped.verdict, 'slower');
  assert.equal(capped.alphaSpent, 0.05);
  // A wide, undecided interval at the cap is inconclusive.
  const r = mulberry32(3);
  const noisy = [0, 1, 2, 3].flatMap((w) => Array.from({ length: 5 }, (_, i) => pair('j', w, w * 5 + i, Math.exp((r() - 0.5) * 0.4))));
  const end = decideJob(noisy, 2, { maxPairs: 22 }, 0, null);
  assert.equal(end.final, true);
  assert.equal(end.verdict, 'inconclusive');
  assert.equal(end.pairsDropped, 2);
  assert.match(end.reason, /at the cap \(22 of 22 pairs/);
});

test('judgeComparison: Holm demotes a marginal slower among many jobs, counts dropped pairs, exit codes 0 / 1 / 2', () => {
  const jobA = runSequential('node/a', { ...QUIET, effect: 1.1, failRate: 0.05 }, 1);
  const jobB = runSequential('node/b', QUIET, 2);
  const v = judgeComparison([
    { id: 'node/a', pairs: jobA.pairs, dropped: jobA.dropped, last: jobA.decision },
    { id: 'node/b', pairs: jobB.pairs, dropped: jobB.dropped, last: jobB.decision },
    { id: 'node/c', pairs: [], dropped: 0, skipped: 'side B: ort-web 1.29 has no webgpu' },
  ]);
  assert.equal(v.exitCode, EXIT.failed);
  assert.deepEqual(
    v.jobs.map((j) => j.verdict),
    ['slower', 'no change', 'skipped'],
  );
  assert.ok(jobA.dropped > 0, 'some pairs dropped');
  assert.equal(v.jobs[0].pairsDropped, jobA.dropped);
  assert.ok(
    v.notes.some((n) => n.startsWith('node/a:') && n.includes('dropped')),
    v.notes.join('; '),
  );
  assert.ok(v.jobs[0].pHolm! >= v.jobs[0].p!, 'Holm never lowers a p-value');

  // One marginal job: decided slower alone; among 20 jobs Holm multiplies its p-value by 20.
  const marginal = { ...jobA.decision, p: 0.01, verdict: 'slower' as const };
  const alone = judgeComparison([{ id: 'm', pairs: jobA.pairs.map((p) => ({ ...p, job: 'm' })), dropped: 0, last: marginal }]);
  assert.equal(alone.jobs[0].verdict, 'slower');
  const many = judgeComparison([
    { id: 'm', pairs: jobA.pairs.map((p) => ({ ...p, job: 'm' })), dropped: 0, last: marginal },
    ...Array.from({ length: 19 }, (_, i) => ({
      id: `n${i}`,
      pairs: jobB.pairs.map((p) => ({ ...p, job: `n${i}` })),
      dropped: 0,
      last: { ...jobB.decision, p: 0.9 },
    })),
  ]);
  assert.equal(many.jobs[0].verdict, 'inconclusive');
  assert.match(many.jobs[0].reason, /Holm across 20 jobs/);
  assert.equal(many.exitCode, EXIT.ok);

  assert.equal(judgeComparison([]).exitCode, EXIT.usage);
  assert.equal(judgeComparison([{ id: 'x', pairs: [], dropped: 0 }]).exitCode, EXIT.usage);
  const bad = judgeComparison([{ id: 'x', pairs: [{ ...pair('x', 0, 0, 1), aMs: -1 }], dropped: 0 }]);
  assert.equal(bad.exitCode, EXIT.usage);
  assert.match(bad.notes[0], /unusable input: job x, pair 0: aMs is -1/);
  assert.equal(judgeComparison([{ id: 'x', pairs: [pair('y', 0, 0, 1)], dropped: 0 }]).exitCode, EXIT.usage);
});

test('judgeComparison without the controller’s last decision judges the pairs once, as a final look', () => {
  const run = runSequential('j', { ...QUIET, effect: 1.1 }, 5);
  const v = judgeComparison([{ id: 'j', pairs: run.pairs, dropped: 0 }]);
  assert.equal(v.jobs[0].verdict, 'slower');
  assert.equal(v.jobs[0].looks, 1);
});

test('abDecider keeps each job’s α spent apart, whatever the batch size, and matches decideJob with previous', () => {
  const decide = abDecider({ familySize: 2 });
  const m1 = syntheticMachine({ ...QUIET, effect: 1.1 }, 21);
  const m2 = syntheticMachine(QUIET, 22);
  const p1: AbPair[] = [];
  const p2: AbPair[] = [];
  let manual: ReturnType<typeof decideJob> | null = null;
  for (let look = 0; look < 6; look++) {
    // Interleave two jobs' looks, 16 pairs a batch over 4 fixed worker pairs (the engine's default design).
    for (let w = 0; w < 4; w++) p1.push(...m1.workerPair('one', w, p1.length, 4).pairs);
    for (let w = 0; w < 4; w++) p2.push(...m2.workerPair('two', w, p2.length, 4).pairs);
    const a = decide(p1, 0, 1000 * look);
    decide(p2, 0, 1000 * look);
    manual = decideJob(p1, 0, { familySize: 2 }, 1000 * look, manual);
    assert.deepEqual(a.verdict, manual, `look ${look}`);
    assert.equal(a.done, manual.done);
  }
  assert.ok(manual!.alphaSpent < 0.025, `${manual!.alphaSpent}`);
});

test('a look whose share of α is still 0 is no look: nothing spent, no infinite interval', () => {
  const run = runSequential('j', { ...QUIET, effect: 1.1 }, 9);
  const d = decideJob(run.pairs, 0, { maxPairs: 1_000_000, batchPairs: run.pairs.length }, 0, null);
  assert.equal(d.looks, 0);
  assert.equal(d.ci, null);
  assert.equal(d.done, false);
  assert.match(d.reason, /share of α is still 0/);
});

test('the information fraction follows whichever cap is nearer: seconds on a slow machine, pairs on a fast one', () => {
  const run = runSequential('j', { ...QUIET, effect: 1.1 }, 9);
  const n = run.pairs.length;
  const caps = { maxPairs: n * 10, maxSeconds: 60, batchPairs: n };
  const early = decideJob(run.pairs, 0, caps, 6_000, null);
  const late = decideJob(run.pairs, 0, caps, 45_000, null);
  assert.equal(early.fraction, 0.1, 'pairs and seconds both at a tenth');
  assert.equal(late.fraction, 0.75, 'three quarters of the seconds');
  assert.ok(late.alphaSpent > early.alphaSpent * 10, `α spent ${late.alphaSpent} at 45 s, ${early.alphaSpent} at 6 s`);
  assert.equal(decideJob(run.pairs, 0, { ...caps, maxPairs: n }, 6_000, null).fraction, 1, 'the pairs cap reached');
});
