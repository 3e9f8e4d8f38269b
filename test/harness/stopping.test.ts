/** Precision-based stopping: the conservative CI, the looks, and sampleLatency's stop reasons (fake clock, no runtime). */
import test from 'node:test';
import assert from 'node:assert/strict';
import { batchMedianHalfWidth, capBeforeTarget, nextLook, orderStatisticHalfWidth, relativePrecision } from '../../contract/stats/stopping.ts';
import { sampleLatency } from '../../harness/probe/probe.ts';
import { SamplingSchema } from '../../harness/config/schema.ts';
import { mulberry32 } from '../../contract/stats/describe.ts';

/** Samples around `centre` with relative uniform noise; `rho` > 0 makes consecutive samples correlated (AR(1)). */
function series(n: number, centre: number, noise: number, rho = 0, seed = 7): number[] {
  const r = mulberry32(seed);
  const out: number[] = [];
  let e = 0;
  for (let i = 0; i < n; i++) {
    e = rho * e + (r() * 2 - 1) * noise;
    out.push(centre * (1 + e));
  }
  return out;
}

test('the relative precision narrows with more samples, and cannot tell below 10', () => {
  assert.equal(relativePrecision(series(9, 10, 0.05)), Number.POSITIVE_INFINITY);
  const p100 = relativePrecision(series(100, 10, 0.05));
  const p1600 = relativePrecision(series(1600, 10, 0.05));
  assert.ok(p100 > 0 && p100 < 0.05, `±${p100}`);
  assert.ok(p1600 < p100 / 2.5, `±${p1600} after 16× the samples, ±${p100} before`);
});

test('correlated samples widen the batch-medians interval past the i.i.d. one', () => {
  const xs = series(900, 10, 0.02, 0.98);
  assert.ok(batchMedianHalfWidth(xs) > 2 * orderStatisticHalfWidth(xs), `batch ${batchMedianHalfWidth(xs)} vs order ${orderStatisticHalfWidth(xs)}`);
});

test('looks are geometric: about ten of them up to 1000 samples', () => {
  let n = 10;
  let looks = 1;
  while (n < 1000) {
    n = nextLook(n);
    looks++;
  }
  assert.ok(looks <= 13, `${looks} looks`);
});

/** A fake clock: each inference advances it by the next sample. */
function fakeTarget(samples: number[]) {
  let t = 0;
  let i = 0;
  return {
    now: () => t,
    run: async () => {
      t += samples[i++ % samples.length];
    },
  };
}

const sampling = (over: Record<string, unknown>) => SamplingSchema.parse({ warmupSamples: 1, warmupTimeMs: 0, maxSamples: 2000, maxTimeMs: 1e7, ...over });

test('a quiet job stops on precision, early, within its target', async () => {
  const f = fakeTarget(series(5000, 5, 0.02));
  const out = await sampleLatency(f.run, sampling({ targetPrecision: 0.01 }), f.now);
  assert.equal(out.stopReason, 'precision');
  assert.equal(out.stoppedBy, 'minimums');
  assert.ok(out.precision !== null && out.precision <= 0.01, `±${out.precision}`);
  assert.ok(out.samplesMs.length >= 50 && out.samplesMs.length < 2000, `${out.samplesMs.length} samples`);
});

test('a noisy job hits the sample cap and says so, with the precision it reached', async () => {
  const f = fakeTarget(series(5000, 5, 0.9));
  const out = await sampleLatency(f.run, sampling({ targetPrecision: 0.001, maxSamples: 200, budgetSamples: 200, budgetTimeMs: 1e7 }), f.now);
  assert.equal(out.stopReason, 'maxSamples');
  assert.equal(out.samplesMs.length, 200);
  assert.ok(out.precision !== null && out.precision > 0.001);
});

test('a time cap comes first for a slow job', async () => {
  const f = fakeTarget(series(5000, 100, 0.5));
  const out = await sampleLatency(f.run, sampling({ targetPrecision: 0.001, maxTimeMs: 3000, budgetSamples: 2000, budgetTimeMs: 3000 }), f.now);
  assert.equal(out.stopReason, 'maxTime');
  assert.equal(out.stoppedBy, 'maxTime');
  assert.ok(out.samplesMs.length <= 32, `${out.samplesMs.length} samples in 3 s of 100 ms ones`);
});

test('targetPrecision 0 is fixed sampling: stop at the floors of today (30 samples and 2 s)', async () => {
  const s = sampling({ targetPrecision: 0 });
  assert.equal(s.minSamples, 30);
  assert.equal(s.minTimeMs, 2000);
  const f = fakeTarget(series(5000, 100, 0.01));
  const out = await sampleLatency(f.run, s, f.now);
  assert.equal(out.stopReason, 'min');
  assert.equal(out.samplesMs.length, 30);
  assert.ok(out.precision !== null);
});

test('by default a job that cannot reach ±1 % spends its budget, the fixed floors (30 samples and 2 s), and is flagged', async () => {
  const f = fakeTarget(series(5000, 5, 0.9));
  const s = SamplingSchema.parse({ warmupSamples: 1, warmupTimeMs: 0 });
  const out = await sampleLatency(f.run, s, f.now);
  assert.equal(out.stopReason, 'budget');
  assert.equal(out.stoppedBy, 'minimums');
  assert.ok(out.samplesMs.reduce((a, b) => a + b, 0) >= 2000 && out.samplesMs.length >= 30);
  // It stops at the first sample that meets both: not one more than fixed sampling takes.
  const g = fakeTarget(series(5000, 5, 0.9));
  const fixed = await sampleLatency(g.run, SamplingSchema.parse({ warmupSamples: 1, warmupTimeMs: 0, targetPrecision: 0 }), g.now);
  assert.equal(out.samplesMs.length, fixed.samplesMs.length);
  assert.ok(out.precision !== null && out.precision > 0.01);
  assert.match(capBeforeTarget({ ...out, targetPrecision: 0.01 }) ?? '', /^spent its budget at ±\d+\.\d+ %, before its target ±1\.0 %$/);
});

test('with the default budget, precision stopping never takes more samples than fixed sampling, and fewer where the median is known early', async () => {
  const cases = [
    { ms: 0.5, noise: 0.02 },
    { ms: 5, noise: 0.05 },
    { ms: 5, noise: 0.9 },
    { ms: 100, noise: 0.01 },
    { ms: 400, noise: 0.3 },
  ];
  let fewer = 0;
  for (const c of cases) {
    const a = fakeTarget(series(50_000, c.ms, c.noise));
    const b = fakeTarget(series(50_000, c.ms, c.noise));
    const precise = await sampleLatency(a.run, SamplingSchema.parse({ warmupSamples: 1, warmupTimeMs: 0 }), a.now);
    const fixed = await sampleLatency(b.run, SamplingSchema.parse({ warmupSamples: 1, warmupTimeMs: 0, targetPrecision: 0 }), b.now);
    assert.ok(precise.samplesMs.length <= fixed.samplesMs.length, `${JSON.stringify(c)}: ${precise.samplesMs.length} > ${fixed.samplesMs.length}`);
    if (precise.samplesMs.length < fixed.samplesMs.length) fewer++;
  }
  assert.ok(fewer >= 2, `only ${fewer} of ${cases.length} cases stopped early`);
});

test('the schema: ±1 % by default with small floors and the fixed floors as budget, explicit floors kept, a bad target refused with its bound', () => {
  const d = SamplingSchema.parse({});
  assert.equal(d.targetPrecision, 0.01);
  assert.deepEqual([d.minSamples, d.minTimeMs, d.budgetSamples, d.budgetTimeMs], [10, 250, 30, 2000]);
  const f = SamplingSchema.parse({ targetPrecision: 0 });
  assert.deepEqual([f.minSamples, f.minTimeMs], [30, 2000]);
  // The budget lies between the floors and the caps: raised floors raise it, lower caps lower it,
  // and one below the floors means "stop at the floors" (quick's 0 ms after a config's own minTimeMs).
  const raised = SamplingSchema.parse({ minSamples: 50, minTimeMs: 3000 });
  assert.deepEqual([raised.budgetSamples, raised.budgetTimeMs], [50, 3000]);
  const capped = SamplingSchema.parse({ maxSamples: 20, maxTimeMs: 1000 });
  assert.deepEqual([capped.budgetSamples, capped.budgetTimeMs], [20, 1000]);
  const quickThenFloors = SamplingSchema.parse({ budgetSamples: 30, budgetTimeMs: 0, minSamples: 10, minTimeMs: 4000, maxTimeMs: 5000 });
  assert.deepEqual([quickThenFloors.budgetSamples, quickThenFloors.budgetTimeMs], [30, 4000]);
  const beyondCaps = SamplingSchema.parse({ budgetSamples: 5000, budgetTimeMs: 60_000 });
  assert.deepEqual([beyondCaps.budgetSamples, beyondCaps.budgetTimeMs], [1000, 20_000]);
  const pinned = SamplingSchema.parse({ minSamples: 5, minTimeMs: 100, maxSamples: 20, maxTimeMs: 500 });
  assert.deepEqual([pinned.minSamples, pinned.minTimeMs], [5, 100]);
  assert.throws(() => SamplingSchema.parse({ targetPrecision: -0.1 }), /0 turns precision stopping off/);
  assert.throws(() => SamplingSchema.parse({ minSamples: 50, maxSamples: 20 }), /minSamples \(50\) is above maxSamples \(20\)/);
});

test("repeats: a cap in any process is the pooled reason, and the precision is the pool's", async () => {
  const { mergeRepeats } = await import('../../harness/repeats.ts');
  const { baseResult } = await import('../../harness/probe/probe.ts');
  const { planJobs } = await import('../../harness/plan.ts');
  const { resolveConfig } = await import('../../harness/config/schema.ts');
  const { summarizeLatency } = await import('../../contract/stats/describe.ts');
  const job = planJobs(resolveConfig({ variants: { alpha: [0.25], resolution: [128] }, implementations: ['reference'] })).jobs[0];
  const one = (xs: number[], stopReason: 'precision' | 'maxTime') => ({
    ...baseResult(job, 'ok'),
    latency: {
      samplesMs: xs,
      ...summarizeLatency(xs),
      warmupSamples: 1,
      stoppedBy: stopReason === 'maxTime' ? ('maxTime' as const) : ('minimums' as const),
      stopReason,
      precision: relativePrecision(xs),
      targetPrecision: 0.01,
      drift: null,
    },
  });
  const a = series(60, 10, 0.01, 0, 1);
  const b = series(60, 10, 0.01, 0, 2);
  const merged = mergeRepeats([one(a, 'precision'), one(b, 'maxTime')], 0.1).latency!;
  assert.equal(merged.stopReason, 'maxTime');
  assert.equal(merged.targetPrecision, 0.01);
  assert.equal(merged.precision, relativePrecision([...a, ...b]));
});
