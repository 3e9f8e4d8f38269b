/**
 * Like with like: a sustained run is never judged against ordinary history (compare refuses that
 * pair too), nor pooled into one trend series with it. And `--device-id` names a device whose
 * fingerprint moves (a kernel patch changes `os`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { entryOfRunFolder, recordRun } from '../../analysis/history/record.ts';
import { readHistory } from '../../analysis/history/store.ts';
import { trendSeries } from '../../analysis/history/trend.ts';
import { judgeFromHistory } from '../../analysis/history/verdict.ts';
import { readRunInfo, writeRunInfo } from '../../contract/store.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const ID = 'node/reference/0.25_128';
const MAIN = { MOBILENET_BENCH_BRANCH: 'main' };

/** An ordinary job line with this median (5 samples around it). */
const ordinary = (m: number) => jobLine(ID, [m * 0.99, m, m, m * 1.01, m]);
/** A sustained job line with this median. */
const sustained = (m: number) => {
  const l = ordinary(m).latency!;
  return jobLine(ID, l.samplesMs, {
    latency: {
      ...l,
      sustained: { windowMs: 1000, windows: [{ startMs: 0, endMs: 1000, samples: 5, medianMs: m }], coldMedianMs: m, lastMedianMs: m, ratio: 1 },
    },
  });
};

/** Six ordinary runs of ~10 ms on main. */
function ordinaryHistory(root: string): string {
  const dir = join(root, 'history');
  [10, 10.1, 9.9, 10.05, 9.95, 10].forEach((m, i) => {
    const run = writeRunFolder(join(root, `o${i}`), [ordinary(m)], `o${i}`);
    recordRun(run, dir, { env: MAIN });
  });
  return dir;
}

test('a sustained run (+30 %) against ordinary history is not judged slower: inconclusive, with the reason, exit 0', () => {
  const root = tempDir('mnb-like-');
  const dir = ordinaryHistory(root);
  const run = writeRunFolder(join(root, 'hot'), [sustained(13)], 'hot');
  const current = entryOfRunFolder(run, { env: MAIN });
  assert.equal(current.jobs[0].sampling, 'sustained');
  const r = judgeFromHistory(current, readHistory(dir).entries);
  assert.equal(r.jobs[0].verdict, 'inconclusive', r.jobs[0].reason);
  assert.equal(r.exitCode, 0);
  assert.match(r.jobs[0].reason, /0 earlier runs.*6 more not used, measured otherwise \(sampling "ordinary" then, "sustained" now\)/);
  // The CLI says the same and exits 0.
  const cli = runCli(['compare', '--history', dir, run], { env: MAIN, timeoutMs: 30_000 });
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /inconclusive/);
});

test('an ordinary run against the same history is still judged (+30 % is slower)', () => {
  const root = tempDir('mnb-like-');
  const dir = ordinaryHistory(root);
  const run = writeRunFolder(join(root, 'slow'), [ordinary(13)], 'slow');
  const r = judgeFromHistory(entryOfRunFolder(run, { env: MAIN }), readHistory(dir).entries);
  assert.equal(r.jobs[0].verdict, 'slower');
});

test('trend: sustained and ordinary runs of one job are two series, never one line', () => {
  const root = tempDir('mnb-like-');
  const dir = ordinaryHistory(root);
  recordRun(writeRunFolder(join(root, 'hot'), [sustained(13)], 'hot'), dir, { env: MAIN });
  const series = trendSeries(readHistory(dir).entries);
  assert.deepEqual(series.map((s) => [s.sampling, s.points.length]).sort(), [
    ['ordinary', 6],
    ['sustained', 1],
  ]);
});

test('--device-id: a kernel patch keeps the device; without it the fingerprint moves', () => {
  const root = tempDir('mnb-device-');
  const a = writeRunFolder(join(root, 'a'), [ordinary(10)], 'a');
  const b = writeRunFolder(join(root, 'b'), [ordinary(10)], 'b');
  const info = readRunInfo(b);
  writeRunInfo(b, { ...info, host: { ...info.host, os: 'Linux 6.18.45' } });
  assert.notEqual(entryOfRunFolder(a, { env: MAIN }).device, entryOfRunFolder(b, { env: MAIN }).device, 'os is in the fingerprint');
  const named = { env: MAIN, deviceId: 'ci-runner-3' };
  const ea = entryOfRunFolder(a, named);
  const eb = entryOfRunFolder(b, named);
  assert.equal(ea.device, 'ci-runner-3');
  assert.equal(eb.jobs[0].device, 'ci-runner-3');
  // The environment variable does the same for `run --history`.
  assert.equal(entryOfRunFolder(a, { env: { ...MAIN, MOBILENET_BENCH_DEVICE_ID: 'ci-runner-3' } }).device, 'ci-runner-3');
  // Through the CLI; a bad name is refused by name, never a stack.
  const dir = join(root, 'history');
  const add = runCli(['history', 'add', a, '--history', dir, '--device-id', 'ci-runner-3'], { env: MAIN, timeoutMs: 30_000 });
  assert.equal(add.status, 0, add.stderr);
  assert.equal(readHistory(dir).entries[0].device, 'ci-runner-3');
  const bad = runCli(['history', 'add', a, '--history', dir, '--device-id', 'a b\n# x'], { env: MAIN, timeoutMs: 30_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /device id "a b\\n# x" \(--device-id\): use 1 to 64 letters/);
  assert.doesNotMatch(bad.stderr, STACK);
});
