/**
 * Verdicts from a history, on synthetic summaries (pure functions, no runs): a ×1.10 step is
 * called slower and the other jobs no change; too little history is inconclusive and says how
 * many runs are missing; with 128 jobs and no change, Holm keeps the share of runs with any
 * false alarm at or under 5 %; other devices and branches are left out and said so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeRun } from '../../analysis/history/summarize.ts';
import { judgeFromHistory } from '../../analysis/history/verdict.ts';
import { studentTSf } from '../../contract/stats/student-t.ts';
import { formatHistoryMarkdown, sparkline } from '../../analysis/history/format.ts';
import type { HistoryEntry } from '../../analysis/history/schema.ts';
import { jobLine, runInfo } from '../helpers/run-folder.ts';
import { syntheticHistory } from './fixture.ts';

const source = { commit: 'abc', branch: 'main', dirty: false, time: '2026-02-01T00:00:00.000Z', ci: null, url: null, pullRequest: null };

function baseEntry(jobs: number): HistoryEntry {
  const ids = Array.from({ length: jobs }, (_, i) => `node/impl${i}/0.25_128`);
  const results = ids.map((id, i) => jobLine(id, [10 + i, 10.2 + i, 9.9 + i, 10.1 + i, 10 + i]));
  return summarizeRun({ source: 'mem', label: 'base', run: runInfo('base', ids), results }, source);
}

/** The current run: the base entry's jobs scaled by `scale(id)` and the given seeded noise draw. */
function currentOf(base: HistoryEntry, noise: number, seed: number, scale: (id: string) => number = () => 1): HistoryEntry {
  const [e] = syntheticHistory(base, 1, { noise, seed: seed + 1_000_000 });
  return { ...e, id: `current-${seed}`, jobs: e.jobs.map((j) => ({ ...j, medianMs: j.medianMs! * scale(j.id) })) };
}

test("Student's t survival function matches the tables", () => {
  assert.ok(Math.abs(studentTSf(2.086, 20) - 0.025) < 2e-4);
  assert.ok(Math.abs(studentTSf(12.706, 1) - 0.025) < 2e-4);
  assert.ok(Math.abs(studentTSf(0, 5) - 0.5) < 1e-12);
  assert.ok(Math.abs(studentTSf(-2.571, 5) - 0.975) < 2e-4);
});

test('a ×1.10 slowdown of one job is slower, with its effect and interval; the others no change', () => {
  const base = baseEntry(8);
  const history = syntheticHistory(base, 20, { noise: 0.015, seed: 7 });
  const slowed = base.jobs[3].id;
  const report = judgeFromHistory(
    currentOf(base, 0.015, 7, (id) => (id === slowed ? 1.1 : 1)),
    history,
  );
  const slow = report.jobs.find((j) => j.id === slowed)!;
  assert.equal(slow.verdict, 'slower', slow.reason);
  assert.ok(slow.ratio! > 1.05 && slow.ratio! < 1.16, `ratio ${slow.ratio}`);
  assert.ok(slow.interval![0] < slow.ratio! && slow.ratio! < slow.interval![1]);
  assert.equal(slow.runs, 20);
  assert.equal(slow.trendMs.length, 21, 'the history and the current run for the sparkline');
  assert.deepEqual(
    report.jobs.filter((j) => j.id !== slowed).map((j) => j.verdict),
    Array(7).fill('no change'),
  );
  assert.equal(report.exitCode, 1);
  const md = formatHistoryMarkdown(report, { report: 'https://example.test/report.html' });
  assert.match(md.split('\n').find((l) => l.startsWith('| slower'))!, /impl3/);
  assert.ok(md.indexOf('| slower') < md.indexOf('| no change'), 'changed jobs first');
  assert.match(md, /\[Full report\]\(https:\/\/example\.test\/report\.html\)/);
});

test('a ×0.90 speed-up is faster and exits 0', () => {
  const base = baseEntry(4);
  const report = judgeFromHistory(
    currentOf(base, 0.01, 3, (id) => (id === base.jobs[0].id ? 0.9 : 1)),
    syntheticHistory(base, 12, { noise: 0.01, seed: 3 }),
  );
  assert.equal(report.jobs[0].verdict, 'faster', report.jobs[0].reason);
  assert.equal(report.exitCode, 0);
});

test('too little history is inconclusive and says how many runs are missing; a failed current job fails', () => {
  const base = baseEntry(2);
  const current = currentOf(base, 0.01, 1);
  current.jobs[1] = { ...current.jobs[1], status: 'failed', medianMs: null };
  const report = judgeFromHistory(current, syntheticHistory(base, 3, { seed: 2 }));
  assert.equal(report.jobs[0].verdict, 'inconclusive');
  assert.match(report.jobs[0].reason, /3 earlier runs .* 5 needed: 2 missing/);
  assert.equal(report.jobs[1].verdict, 'failed');
  assert.equal(report.exitCode, 1);
});

test('runs of another branch or device are not used, and a note says so', () => {
  const base = baseEntry(2);
  const feature = syntheticHistory(base, 10, { seed: 4, branch: 'feature' });
  const otherDevice = syntheticHistory(base, 10, { seed: 5 }).map((e) => ({
    ...e,
    id: `${e.id}-other`,
    device: 'ffffffffffff',
    jobs: e.jobs.map((j) => ({ ...j, device: 'ffffffffffff' })),
  }));
  const report = judgeFromHistory(currentOf(base, 0.01, 1), [...feature, ...otherDevice]);
  assert.deepEqual(
    report.jobs.map((j) => j.verdict),
    ['inconclusive', 'inconclusive'],
  );
  assert.match(report.jobs[0].reason, /0 earlier runs .* branch main on this device/);
  assert.ok(
    report.notes.some((n) => /10 runs of these jobs on another device/.test(n)),
    report.notes.join('\n'),
  );
  assert.ok(
    report.notes.some((n) => /runs of other branches not used/.test(n)),
    report.notes.join('\n'),
  );
  // --branch '*' takes every branch of this device.
  assert.deepEqual(
    judgeFromHistory(currentOf(base, 0.01, 1), feature, { branch: null }).jobs.map((j) => j.verdict),
    ['no change', 'no change'],
  );
});

test('128 jobs, no change, 40 runs: the share of runs with any false alarm stays ≤ 5 % (Holm)', () => {
  const base = baseEntry(128);
  let runsWithAlarm = 0;
  const trials = 40;
  for (let s = 0; s < trials; s++) {
    const report = judgeFromHistory(currentOf(base, 0.02, s), syntheticHistory(base, 20, { noise: 0.02, seed: 100 + s }));
    if (report.jobs.some((j) => j.verdict === 'slower' || j.verdict === 'faster')) runsWithAlarm++;
  }
  assert.ok(runsWithAlarm / trials <= 0.05, `${runsWithAlarm} of ${trials} runs had a false alarm`);
});

test('one run of the history on a busy machine (+30 %) is set aside, not taken as noise', () => {
  const base = baseEntry(2);
  const history = syntheticHistory(base, 20, { noise: 0.015, seed: 9, step: (i) => (i === 4 ? 1.3 : 1) });
  const report = judgeFromHistory(
    currentOf(base, 0.015, 9, (id) => (id === base.jobs[0].id ? 1.1 : 1)),
    history,
  );
  assert.equal(report.jobs[0].outliers, 1);
  assert.equal(report.jobs[0].verdict, 'slower', report.jobs[0].reason);
  assert.match(report.jobs[0].reason, /1 outlying run set aside/);
});

test('sparkline spans the range', () => {
  assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 5]), '▄▄');
});
