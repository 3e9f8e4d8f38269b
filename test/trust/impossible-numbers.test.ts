/**
 * The schema rejects the impossible: a negative median, a median of 1e300 ms, a top-1 above 1,
 * negative memory. Reading such a results file (report, compare, baseline save) exits 2 naming
 * the file, the line and the field, and writes nothing; values at the documented bounds pass.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { baselineCommand } from '../../cli/baseline.ts';
import { compareCommand } from '../../cli/compare.ts';
import { JobResultSchema, LIMITS, RunInfoSchema, type JobResult } from '../../contract/results.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { jobLine, runInfo, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const IDS = ['node/reference/0.25_128', 'node/reference/0.5_160'];

/** A run folder whose second line carries `patch` (written raw, as a hand edit or a forged line would be). */
function folderWith(root: string, name: string, patch: (l: JobResult) => unknown): string {
  const dir = writeRunFolder(join(root, name), [jobLine(IDS[0])], name);
  appendFileSync(join(dir, 'results.jsonl'), JSON.stringify(patch(jobLine(IDS[1]))) + '\n');
  return dir;
}

const withMedian = (v: number) => (l: JobResult) => ({ ...l, latency: { ...l.latency!, medianMs: v } });

test('a negative median and a median of 1e300: compare and report exit 2 naming file, line and field; nothing written', async () => {
  const root = tempDir('mnb-impossible-');
  const good = writeRunFolder(
    join(root, 'good'),
    IDS.map((id) => jobLine(id)),
    'good',
  );
  for (const [name, value, says] of [
    ['negative', -20, /must be ≥ 0: a latency cannot be negative/],
    ['huge', 1e300, /must be ≤ 3600000 ms \(1 h\) for a latency/],
  ] as const) {
    const bad = folderWith(root, name, withMedian(value));
    const where = new RegExp(`${join(bad, 'results.jsonl').replace(/[./]/g, '\\$&')}:2: latency\\.medianMs: `);
    let out = '';
    let err = '';
    const code = await compareCommand(
      [good, bad, '--json', join(root, `${name}.json`)],
      (s) => (out += s),
      (s) => (err += s),
    );
    assert.equal(code, 2, err);
    assert.match(err, where);
    assert.match(err, says);
    assert.equal(out, '', 'no verdict printed ("faster -200 %" was)');
    assert.equal(existsSync(join(root, `${name}.json`)), false);
    // Either side.
    assert.equal(
      await compareCommand(
        [bad, good],
        () => {},
        () => {},
      ),
      2,
    );

    const r = runCli(['report', bad]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, where);
    assert.match(r.stderr, says);
    assert.doesNotMatch(r.stderr, STACK);
    assert.deepEqual(readdirSync(bad).sort(), ['results.jsonl', 'run.json'], 'no report written');

    let berr = '';
    assert.equal(
      await baselineCommand(
        ['save', bad, '--dir', join(root, 'baselines')],
        () => {},
        (s) => (berr += s),
      ),
      2,
    );
    assert.match(berr, where);
    assert.equal(existsSync(join(root, 'baselines')), false);
  }
});

test('every measured field has a bound: at the bound it passes, past it (or below 0) it is refused', () => {
  const base = jobLine(IDS[0], [10, 11, 12], {
    coldStart: { loadMs: 1, initMs: 1, firstInferenceMs: 1 },
    memory: {
      peakRssBytes: 1,
      peakRssSource: 'x',
      jsHeapUsedBytes: 1,
      jsHeapTotalBytes: 1,
      externalBytes: 1,
      arrayBuffersBytes: 1,
      wasmMemoryBytes: 1,
      tfjs: { numBytes: 1, numTensors: 1, numDataBuffers: 1 },
    },
    accuracy: { n: 10, top1: 0.5, top5: 0.9, agreementTop1: 1, maxAbsLogitDelta: 0.001, agreementN: 10, predictions: [1, 2], crop: 0.875 },
  });
  // A CI as wide as the bound, so a median moved to its bound stays inside its own interval (a rule of its own, tested in history-numbers-text.test.ts).
  base.latency!.ci95Ms = [0, LIMITS.latencyMs];
  const set = (path: string, v: unknown): unknown => {
    const copy = structuredClone(base) as Record<string, unknown>;
    const keys = path.split('.');
    let o = copy as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[keys.at(-1)!] = v;
    return copy;
  };
  const cases: [string, number, number][] = [
    // field, largest accepted, smallest refused above it
    ['latency.medianMs', LIMITS.latencyMs, LIMITS.latencyMs + 1],
    ['latency.p99Ms', LIMITS.latencyMs, 1e300],
    ['coldStart.firstInferenceMs', LIMITS.latencyMs, LIMITS.latencyMs * 2],
    ['coldStart.loadMs', LIMITS.durationMs, LIMITS.durationMs + 1],
    ['durationMs', LIMITS.durationMs, LIMITS.durationMs + 1],
    ['memory.peakRssBytes', 2 ** 40, 2 ** 40 + 1],
    ['memory.tfjs.numTensors', 1e9, 1e9 + 1],
    ['accuracy.top1', 1, 1.001],
    ['accuracy.agreementTop1', 1, 2],
    ['accuracy.crop', 1, 1.5],
    ['accuracy.n', 1e9, 1e10],
    ['latency.warmupSamples', 1e9, 1e9 + 1],
    ['analytic.macs', 1e12, 1e13],
  ];
  for (const [field, atBound, beyond] of cases) {
    assert.equal(JobResultSchema.safeParse(set(field, atBound)).success, true, `${field} = ${atBound} passes`);
    const past = JobResultSchema.safeParse(set(field, beyond));
    assert.equal(past.success, false, `${field} = ${beyond} is refused`);
    assert.equal(past.error!.issues[0].path.join('.'), field);
    const negative = JobResultSchema.safeParse(set(field, -1));
    assert.equal(negative.success, false, `${field} = -1 is refused`);
    assert.match(negative.error!.issues[0].message, /must be ≥ 0/);
  }
  assert.equal(JobResultSchema.safeParse(set('latency.samplesMs', [1, -0.5])).success, false, 'a negative sample');
  assert.equal(
    JobResultSchema.safeParse(set('accuracy.maxAbsLogitDelta', 1e30)).success,
    true,
    'a huge but finite |Δlogit| is a (bad) measurement, not an impossible one',
  );
  assert.equal(JobResultSchema.safeParse(set('accuracy.maxAbsLogitDelta', -1e-9)).success, false);
  assert.equal(JobResultSchema.safeParse(set('resolution', 0)).success, false);
  const info = runInfo('r', IDS);
  assert.equal(RunInfoSchema.safeParse({ ...info, host: { ...info.host, totalMemoryBytes: -1 } }).success, false);
  assert.equal(RunInfoSchema.safeParse({ ...info, host: { ...info.host, totalMemoryBytes: 2 ** 41 } }).success, true, 'a host may have more than 1 TiB');
});
