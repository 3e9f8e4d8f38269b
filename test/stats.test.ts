import test from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapMedianCI, checkDrift, mad, mean, median, mulberry32, quantile, summarizeLatency } from '../contract/stats/describe.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≠ ${b}`);

test('quantiles match numpy (linear interpolation)', () => {
  const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  close(median(xs), 5.5);
  close(quantile(xs, 0.9), 9.1); // numpy.percentile(range(1, 11), 90)
  close(quantile(xs, 0.99), 9.91);
  close(quantile(xs, 0), 1);
  close(quantile(xs, 1), 10);
  close(median([3, 1, 2]), 2);
});

test('mean and MAD against hand-computed values', () => {
  close(mean([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 5.5);
  close(mad([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 2.5);
  close(mad([1, 1, 2, 2, 4, 6, 9]), 1); // the textbook example: median 2, deviations 1 1 0 0 2 4 7
});

test('bootstrap CI of the median is seeded, brackets the median and has the textbook width', () => {
  const random = mulberry32(42);
  const normal = Array.from({ length: 400 }, () => {
    const u = random() || 1e-12;
    return 10 + Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
  const [lo, hi] = bootstrapMedianCI(normal);
  assert.deepEqual(bootstrapMedianCI(normal), [lo, hi]);
  assert.ok(lo < median(normal) && median(normal) < hi);
  // Asymptotic width for a normal median: 2 · 1.96 · 1.2533 σ / √n ≈ 0.246.
  assert.ok(hi - lo > 0.15 && hi - lo < 0.35, `width ${hi - lo}`);
});

test('summary of a constant series has zero spread', () => {
  const s = summarizeLatency([2, 2, 2, 2, 2]);
  assert.equal(s.medianMs, 2);
  assert.equal(s.madMs, 0);
  assert.deepEqual(s.ci95Ms, [2, 2]);
});

test('drift: flags a series that slows down by 30 %, not a flat noisy one', () => {
  const random = mulberry32(7);
  const flat = Array.from({ length: 100 }, () => 5 + random() * 0.2);
  const slowing = flat.map((x, i) => x * (1 + (0.3 * i) / 99));
  assert.equal(checkDrift(flat)!.flagged, false);
  const d = checkDrift(slowing)!;
  assert.equal(d.flagged, true);
  assert.ok(d.ratio > 1.2);
  assert.equal(checkDrift(flat.slice(0, 19)), null);
});
