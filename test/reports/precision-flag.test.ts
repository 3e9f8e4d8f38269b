/** A job that spent its budget or hit a cap before its target precision is flagged in the report and in compare; one that reached it is not. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { renderReport } from '../../reports/build.ts';
import { compareRuns } from '../../analysis/compare/compare.ts';
import { loadComparable } from '../../analysis/compare/load.ts';
import { mulberry32 } from '../../contract/stats/describe.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const samples = (seed: number, n = 40) => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => 10 + r());
};
function line(id: string, seed: number, stop: { stopReason: 'precision' | 'budget' | 'maxTime'; precision: number }) {
  const l = jobLine(id, samples(seed));
  return { ...l, latency: { ...l.latency!, ...stop, targetPrecision: 0.01 } };
}

test('a capped job and one that spent its budget are marked in the report and named in compare; a precise one is not', () => {
  const root = tempDir('mb-precision-flag-');
  const jobs = (seed: number) => [
    line('node/reference/0.25_128', seed, { stopReason: 'maxTime', precision: 0.034 }),
    line('node/reference/0.5_160', seed + 1, { stopReason: 'precision', precision: 0.008 }),
    line('node/reference/1.0_224', seed + 2, { stopReason: 'budget', precision: 0.05 }),
  ];
  const base = writeRunFolder(join(root, 'base'), jobs(1), 'base');
  const cur = writeRunFolder(join(root, 'cur'), jobs(11), 'cur');

  const page = renderReport(cur, 'html');
  assert.match(page, /2 jobs stopped \(budget or cap\) before their target precision/);
  assert.match(page, /node\/reference\/1\.0_224<\/code> \(spent its budget at ±5\.0 %, before its target ±1\.0 %\)/);
  assert.match(page, /node\/reference\/0\.25_128<\/code> \(hit maxTime at ±3\.4 %, before its target ±1\.0 %\)/);
  assert.match(page, /±0\.8 %/, 'the precision reached is shown per job');
  assert.doesNotMatch(page, /0\.5_160<\/code> \(hit/);

  const report = compareRuns(loadComparable(base), loadComparable(cur));
  const capped = report.jobs.find((j) => j.id === 'node/reference/0.25_128')!;
  assert.ok(capped.reasons.includes('precision (current): hit maxTime at ±3.4 %, before its target ±1.0 %'), capped.reasons.join(' | '));
  assert.ok(capped.reasons.some((r) => r.startsWith('precision (baseline)')));
  const budget = report.jobs.find((j) => j.id === 'node/reference/1.0_224')!;
  assert.ok(budget.reasons.includes('precision (current): spent its budget at ±5.0 %, before its target ±1.0 %'), budget.reasons.join(' | '));
  const precise = report.jobs.find((j) => j.id === 'node/reference/0.5_160')!;
  assert.ok(!precise.reasons.some((r) => r.startsWith('precision')), precise.reasons.join(' | '));
});
