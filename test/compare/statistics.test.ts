/**
 * The comparison statistics against published or independently computed values.
 * Mann-Whitney U: the example of the scipy.stats.mannwhitneyu documentation (males/females,
 * U = 17, exact p = 0.1111…, asymptotic p = 0.111346…), and values computed with
 * scipy 1.17.1 (`mannwhitneyu(x, y, method=...)`, use_continuity=True) for a tied and a larger case.
 * Holm: the step-down rule worked by hand (statsmodels multipletests(method='holm') gives the same).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitneyU, exactUCdf, rankWithTies, normalSf } from '../../contract/stats/mann-whitney.ts';
import { holmAdjust } from '../../contract/stats/holm.ts';
import { bootstrapRatioCI, hodgesLehmannRatio, hodgesLehmannShift, medianRatio, relativeHalfWidth } from '../../contract/stats/effect.ts';
import { betweenRunNoise } from '../../analysis/compare/compare.ts';
import { t975 } from '../../contract/stats/student-t.ts';

const close = (a: number, b: number, rel = 1e-6, what = '') => assert.ok(Math.abs(a - b) <= rel * Math.abs(b) + 1e-15, `${what} ${a} ≉ ${b}`);

test('Mann-Whitney U: the scipy documentation example, exact and asymptotic', () => {
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];
  const exact = mannWhitneyU(males, females);
  assert.equal(exact.method, 'exact');
  assert.equal(exact.u1, 17);
  assert.equal(exact.u2, 3);
  close(exact.p, 0.1111111111111111, 1e-12, 'exact p');
  const normal = mannWhitneyU(males, females, { exact: false });
  assert.equal(normal.method, 'normal');
  close(normal.p, 0.11134688653314041, 1e-6, 'asymptotic p');
  // The test is symmetric in its two-sided p.
  close(mannWhitneyU(females, males).p, exact.p, 1e-12);
});

test('Mann-Whitney U: ties use average ranks and the tie-corrected variance (scipy asymptotic)', () => {
  const x = [1, 2, 2, 3, 3, 3, 4, 5];
  const y = [3, 4, 4, 5, 6, 6, 7];
  const r = mannWhitneyU(x, y);
  assert.equal(r.method, 'normal', 'ties force the normal approximation');
  assert.equal(r.u1, 7);
  close(r.p, 0.015984685125196244, 1e-6, 'tied p');
  const { ranks, tieTerm } = rankWithTies([3, 1, 3, 2]);
  assert.deepEqual([...ranks], [3.5, 1, 3.5, 2]);
  assert.equal(tieTerm, 6);
});

test('Mann-Whitney U: larger samples, exact (n1 + n2 = 50) and asymptotic with a tie (scipy)', () => {
  const a = [
    10.126, 9.868, 10.64, 10.105, 9.464, 10.362, 11.304, 10.947, 9.296, 8.735, 9.377, 10.041, 7.675, 9.781, 8.754, 9.268, 9.456, 9.684, 10.412, 11.043, 9.871,
    11.366, 9.335, 10.352, 10.903,
  ];
  const b = [
    11.094, 10.257, 10.078, 10.542, 11.22, 9.99, 10.791, 10.841, 11.541, 11.215, 11.355, 10.346, 10.87, 11.784, 12.493, 9.741, 12.514, 12.346, 11.781, 11.264,
    10.686, 12.458, 12.96, 12.802, 12.315,
  ];
  const exact = mannWhitneyU(a, b);
  assert.equal(exact.method, 'exact');
  assert.equal(exact.u1, 91);
  close(exact.p, 5.4579577572056554e-6, 1e-6, 'exact p');
  close(mannWhitneyU(a, b, { exact: false }).p, 1.8026487244907033e-5, 1e-5, 'asymptotic p');
  const a2 = [
    10.357, 8.792, 9.996, 10.656, 8.712, 10.395, 10.43, 10.696, 8.816, 9.338, 9.564, 8.83, 11.739, 9.504, 10.329, 9.741, 11.583, 11.32, 10.633, 7.796, 10.052,
    10.684, 11.004, 9.382, 11.822, 8.68, 9.338, 10.935, 10.049, 12.002, 10.189, 9.367, 9.622, 8.909, 8.722, 10.63, 10.581, 11.295, 9.245, 11.689,
  ];
  const b2 = [
    10.313, 12.174, 10.167, 9.865, 10.85, 11.631, 10.761, 10.014, 9.259, 9.198, 11.103, 11.59, 10.436, 9.526, 11.473, 9.32, 9.887, 11.221, 8.35, 10.986, 10.018,
    10.709, 10.524, 10.802, 11.294, 9.842, 12.021, 11.326, 11.444, 11.765, 11.388, 11.444, 10.676, 9.173, 10.465, 9.83, 9.177, 10.858, 10.031, 9.57, 9.557,
    10.868, 10.959, 11.922, 10.586,
  ];
  const r = mannWhitneyU(a2, b2);
  assert.equal(r.method, 'normal');
  assert.equal(r.u1, 668);
  close(r.p, 0.04152356158534992, 1e-5, 'p with ties, n = 85');
});

test('exact U distribution: m = n = 2 has counts 1,1,2,1,1 over U = 0..4', () => {
  const cdf = exactUCdf(2, 2);
  assert.deepEqual(
    [...cdf].map((v) => Math.round(v * 6)),
    [1, 2, 4, 5, 6],
  );
  // Symmetric and ends at 1 for a bigger case.
  const big = exactUCdf(12, 17);
  close(big[big.length - 1], 1, 1e-12);
  close(big[100], 1 - big[12 * 17 - 101], 1e-9, 'symmetry');
  close(normalSf(1.959963984540054), 0.025, 1e-6, 'normal tail');
});

test('Holm–Bonferroni adjusts step-down and stays monotone', () => {
  // sorted: .005·4 = .02, .01·3 = .03, .03·2 = .06, .04·1 = .04 → max so far .06
  assert.deepEqual(
    holmAdjust([0.01, 0.04, 0.03, 0.005]).map((p) => +p.toFixed(10)),
    [0.03, 0.06, 0.06, 0.02],
  );
  assert.deepEqual(
    holmAdjust([0.5, Number.NaN, 0.9]).map((p) => (Number.isNaN(p) ? 'NaN' : +p.toFixed(10))),
    [1, 'NaN', 1],
  );
  assert.deepEqual(holmAdjust([]), []);
});

test('effect sizes: Hodges–Lehmann, ratio of medians and its seeded bootstrap CI', () => {
  assert.equal(hodgesLehmannShift([1, 2, 3], [4, 5, 6]), 3);
  close(hodgesLehmannRatio([10, 20, 40], [13, 26, 52]), 1.3, 1e-12);
  assert.equal(medianRatio([1, 2, 3], [2, 4, 6]), 2);
  const b = Array.from({ length: 40 }, (_, i) => 10 + (i % 7) * 0.1);
  const c = b.map((v) => v * 1.3);
  const ci = bootstrapRatioCI(b, c);
  assert.ok(ci[0] <= 1.3 && 1.3 <= ci[1] && ci[1] - ci[0] < 0.1, `CI ${ci}`);
  assert.deepEqual(bootstrapRatioCI(b, c), ci, 'same seed, same interval');
  assert.equal(relativeHalfWidth([9, 11], 10), 0.1);
});

test("between-run noise: Student t over the runs' log medians", () => {
  // The one t quantile (contract/stats/student-t.ts) against the published table, below and above 30 df.
  for (const [df, t] of [
    [1, 12.706],
    [2, 4.303],
    [10, 2.228],
    [30, 2.042],
    [40, 2.021],
    [60, 2.0],
    [120, 1.98],
  ] as const)
    close(t975(df), t, 6e-4);
  assert.equal(betweenRunNoise([10], [10]), null, 'two runs in all leave no degree of freedom');
  // Baseline medians e^0, e^0.1, e^-0.1 (s² = 0.02/2 = 0.01 over df 2), current one run at anything.
  const r = betweenRunNoise([1, Math.exp(0.1), Math.exp(-0.1)], [5])!;
  close(r.halfWidth, Math.expm1(t975(2) * 0.1 * Math.sqrt(1 / 3 + 1)), 1e-9);
  assert.equal(r.runsBaseline, 3);
});
