/**
 * `--resume` keeps its promise (issue 23): it plans from run.json alone, so a missing
 * MOBILENET_BENCH_MIRROR either changes nothing (the mirror was recorded) or is refused with what
 * differs; `retryFailed` re-runs failed jobs and the folder then reads as one result per id, the
 * superseded lines kept as history. Fast: the runner answers at once; weights files are stand-ins
 * (the planner only finds and hashes them).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyOverrides } from '../../harness/config/overrides.ts';
import { resolveConfig, type UserConfig } from '../../harness/config/schema.ts';
import type { Job } from '../../harness/plan.ts';
import { runBenchmark } from '../../harness/run.ts';
import type { JobResult } from '../../contract/results.ts';
import type { Runner } from '../../harness/runner.ts';
import { appendResult, readResults, readRunInfo, resultsPath, runInfoPath, writeRunInfo } from '../../contract/store.ts';
import { jobLine, runInfo, folderSnapshot } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/** A runner that answers each job at once; `fail(job)` makes that job's answer a failure. */
function answering(calls: Job[], fail: (job: Job) => boolean = () => false) {
  return (): Runner => ({
    runJob: async (job: Job): Promise<JobResult> => {
      calls.push(job);
      const line = jobLine(job.id, undefined, { alpha: job.alpha, resolution: job.resolution, precision: job.precision });
      return fail(job) ? { ...line, status: 'failed', error: 'cannot load the weights', latency: null } : line;
    },
    close: async () => {},
  });
}

/** Drop the last `n` lines of results.jsonl, as if the run had been killed before writing them. */
function dropLastLines(dir: string, n: number): void {
  const lines = readFileSync(resultsPath(dir), 'utf8').split('\n').filter(Boolean);
  writeFileSync(
    resultsPath(dir),
    lines
      .slice(0, -n)
      .map((l) => `${l}\n`)
      .join(''),
  );
}

/** A mirror holding both official float trainings of 0.25_224 (Keras/tfjs and TFLite): two rows per implementation. */
function floatMirror(root: string): string {
  const mirror = join(root, 'mirror');
  mkdirSync(join(mirror, 'tfjs', 'mobilenet_v1_0.25_224'), { recursive: true });
  mkdirSync(join(mirror, 'tflite'), { recursive: true });
  writeFileSync(join(mirror, 'tfjs', 'mobilenet_v1_0.25_224', 'model.json'), '{"stand-in": "keras"}');
  writeFileSync(join(mirror, 'tflite', 'mobilenet_v1_0.25_224.tflite'), 'stand-in tflite');
  return mirror;
}

const FLOAT: UserConfig = { variants: { alpha: [0.25], resolution: [224] }, implementations: ['reference', 'ort-node:cpu'], precision: ['float32'] };
const FLOAT_IDS = ['node/reference/0.25_224', 'node/ort-node-cpu/0.25_224', 'node/reference/0.25_224-tflite', 'node/ort-node-cpu/0.25_224-tflite'];

test('the mirror from the environment is recorded: resume without it plans the same jobs on the same files', async () => {
  const root = tempDir('mnb-resume-mirror-');
  const mirror = floatMirror(root);
  const dir = join(root, 'run');
  // What the CLI does with MOBILENET_BENCH_MIRROR set and a config that names no weights.
  const config = resolveConfig(applyOverrides(FLOAT, { environment: { mirror } }));
  await runBenchmark({ config, environment: { mirror }, runnerFor: answering([]), outDir: dir });
  const info = readRunInfo(dir);
  assert.deepEqual([...info.plannedJobIds].sort(), [...FLOAT_IDS].sort());
  assert.equal((info.config as { weights: { mirror: string } }).weights.mirror, mirror, 'run.json config names the mirror');
  assert.deepEqual(info.environment, { MOBILENET_BENCH_MIRROR: mirror });

  dropLastLines(dir, 2);
  const calls: Job[] = [];
  const { results } = await runBenchmark({ runnerFor: answering(calls), resumeDir: dir, environment: {} });
  assert.equal(calls.length, 2, 'only the two jobs without a line ran');
  for (const j of calls)
    assert.ok(j.weights.kind === 'file' && j.weights.path.startsWith(mirror), `${j.id} loads the recorded mirror's file, not synthetic weights`);
  assert.deepEqual(results.map((r) => r.id).sort(), [...FLOAT_IDS].sort());
  assert.equal(readResults(dir).length, 4);
});

test('resume when the recorded mirror is gone: refused naming the vanished jobs and the changed weights; nothing on disk changes', async () => {
  const root = tempDir('mnb-resume-gone-');
  const mirror = floatMirror(root);
  const dir = join(root, 'run');
  await runBenchmark({
    config: resolveConfig(applyOverrides(FLOAT, { environment: { mirror } })),
    environment: { mirror },
    runnerFor: answering([]),
    outDir: dir,
  });
  dropLastLines(dir, 1);
  renameSync(mirror, `${mirror}.moved`);
  const before = folderSnapshot(dir);
  const calls: Job[] = [];
  await assert.rejects(runBenchmark({ runnerFor: answering(calls), resumeDir: dir, environment: {} }), (e: Error) => {
    assert.equal(e.name, 'ResumeError');
    assert.match(e.message, /^cannot resume .*run: the plan made now differs from the one its run\.json recorded/);
    assert.match(e.message, /planned jobs that would vanish: node\/reference\/0\.25_224-tflite, node\/ort-node-cpu\/0\.25_224-tflite/);
    assert.match(
      e.message,
      /weights of 0\.25_224:float32: run\.json recorded tfjs-layers .*mirror\/tfjs\/mobilenet_v1_0\.25_224\/model\.json \(sha256 [0-9a-f]{12}…\), the plan now loads synthetic \(seed 0\)/,
    );
    assert.match(
      e.message,
      new RegExp(`Nothing in .* was changed\\. Restore what the run used \\(run\\.json records the mirror ${mirror.replace(/[.]/g, '\\.')}\\)`),
    );
    return true;
  });
  assert.equal(calls.length, 0, 'no job ran');
  assert.deepEqual(folderSnapshot(dir), before, 'results.jsonl and run.json untouched, no lock left');
  // Put back, the same resume goes on.
  renameSync(`${mirror}.moved`, mirror);
  await runBenchmark({ runnerFor: answering(calls), resumeDir: dir, environment: {} });
  assert.equal(calls.length, 1);
});

test('a run.json from before the environment was recorded: the environment applies as then, and the check still guards', async () => {
  const root = tempDir('mnb-resume-legacy-');
  const mirror = floatMirror(root);
  const dir = join(root, 'run');
  await runBenchmark({
    config: resolveConfig(applyOverrides(FLOAT, { environment: { mirror } })),
    environment: { mirror },
    runnerFor: answering([]),
    outDir: dir,
  });
  // Rewrite run.json as the old harness wrote it: the mirror only in the environment, not in the config.
  const old = readRunInfo(dir);
  const { environment: _e, ...rest } = old;
  const config = old.config as { weights: Record<string, unknown> };
  const { mirror: _m, ...weights } = config.weights;
  writeRunInfo(dir, { ...rest, config: { ...config, weights } });
  dropLastLines(dir, 1);
  const before = folderSnapshot(dir);
  await assert.rejects(
    runBenchmark({ runnerFor: answering([]), resumeDir: dir, environment: {} }),
    /vanish: [^\n]*0\.25_224-tflite[\s\S]*this run\.json predates recorded mirrors: if the run took its weights from MOBILENET_BENCH_MIRROR, set it to that folder again/,
  );
  assert.deepEqual(folderSnapshot(dir), before);
  const calls: Job[] = [];
  await runBenchmark({ runnerFor: answering(calls), resumeDir: dir, environment: { mirror } });
  assert.equal(calls.length, 1);
  assert.ok(calls[0].weights.kind === 'file');
});

test('retryFailed: a corrupt weights file, since fixed, is refused on a plain resume and re-run with retryFailed; one result per id after', async () => {
  const root = tempDir('mnb-retry-');
  const mirror = join(root, 'mirror');
  mkdirSync(join(mirror, 'tflite'), { recursive: true });
  const broken = join(mirror, 'tflite', 'mobilenet_v1_0.25_128_quant.tflite');
  writeFileSync(broken, 'corrupt');
  writeFileSync(join(mirror, 'tflite', 'mobilenet_v1_0.25_160_quant.tflite'), 'fine');
  const config = resolveConfig({
    variants: { alpha: [0.25], resolution: [128, 160] },
    implementations: ['reference'],
    precision: ['uint8'],
    weights: { source: 'official', mirror },
  });
  const dir = join(root, 'run');
  const corrupt = (j: Job) => j.weights.kind === 'file' && readFileSync(j.weights.path, 'utf8') === 'corrupt';
  const first = await runBenchmark({ config, runnerFor: answering([], corrupt), outDir: dir });
  assert.deepEqual(
    first.results.map((r) => `${r.id} ${r.status}`),
    ['node/reference/0.25_128-uint8 failed', 'node/reference/0.25_160-uint8 ok'],
  );
  const oldSha = readRunInfo(dir).weights!.find((w) => w.variant === '0.25_128')!.sha256;

  writeFileSync(broken, 'fixed');
  const before = folderSnapshot(dir);
  await assert.rejects(runBenchmark({ runnerFor: answering([]), resumeDir: dir }), (e: Error) => {
    assert.equal(e.name, 'ResumeError');
    assert.match(
      e.message,
      /weights of 0\.25_128:uint8: run\.json recorded tflite .*_quant\.tflite \(sha256 [0-9a-f]{12}…\), the plan now loads tflite .*_quant\.tflite \(sha256 [0-9a-f]{12}…\)/,
    );
    assert.match(e.message, /add --retry-failed to re-run them on the new files/);
    return true;
  });
  assert.deepEqual(folderSnapshot(dir), before, 'refused: nothing changed');

  const calls: Job[] = [];
  const { results } = await runBenchmark({ runnerFor: answering(calls, corrupt), resumeDir: dir, retryFailed: true });
  assert.deepEqual(
    calls.map((j) => j.id),
    ['node/reference/0.25_128-uint8'],
    'only the failed job ran again',
  );
  assert.deepEqual(
    results.map((r) => `${r.id} ${r.status}`),
    ['node/reference/0.25_128-uint8 ok', 'node/reference/0.25_160-uint8 ok'],
  );
  const lines = readFileSync(resultsPath(dir), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JobResult);
  assert.deepEqual(
    lines.map((l) => `${l.id} ${l.status} ${l.attempt ?? 1}`),
    ['node/reference/0.25_128-uint8 failed 1', 'node/reference/0.25_160-uint8 ok 1', 'node/reference/0.25_128-uint8 ok 2'],
    'the failed attempt stays as history',
  );
  const read = readResults(dir);
  assert.deepEqual(
    read.map((r) => `${r.id} ${r.status}`),
    ['node/reference/0.25_128-uint8 ok', 'node/reference/0.25_160-uint8 ok'],
    'readers see one result per id: the latest attempt',
  );
  const info = readRunInfo(dir);
  const entry = info.weights!.find((w) => w.variant === '0.25_128')!;
  assert.notEqual(entry.sha256, oldSha, 'run.json records the file the retried jobs loaded');
  assert.equal(entry.sha256, createHash('sha256').update('fixed').digest('hex'));
  assert.deepEqual(
    info.retries!.map((r) => r.jobIds),
    [['node/reference/0.25_128-uint8']],
  );
  // Nothing failed any more: a second retry runs nothing, and the folder still reads the same.
  const again: Job[] = [];
  await runBenchmark({ runnerFor: answering(again), resumeDir: dir, retryFailed: true });
  assert.equal(again.length, 0);
  assert.equal(readResults(dir).length, 2);
});

test('readResults: a retry line supersedes a failed one; any other repeated id is still two writers', () => {
  const root = tempDir('mnb-oneperid-');
  const ids = ['node/reference/0.25_128', 'node/reference/0.25_160'];
  const folder = (name: string, lines: JobResult[]) => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeRunInfo(dir, runInfo(name, ids));
    for (const l of lines) appendResult(dir, l);
    return dir;
  };
  const failed = { ...jobLine(ids[0]), status: 'failed' as const, error: 'x', latency: null };
  const retried = folder('retried', [failed, jobLine(ids[1]), { ...jobLine(ids[0], [20, 21, 22]), attempt: 2 }]);
  const read = readResults(retried);
  assert.deepEqual(
    read.map((r) => [r.id, r.status, r.latency?.medianMs]),
    [
      [ids[0], 'ok', 21],
      [ids[1], 'ok', 11],
    ],
  );
  const twice = folder('twice', [jobLine(ids[0]), jobLine(ids[0])]);
  assert.throws(() => readResults(twice), /job node\/reference\/0\.25_128 is on lines 1 and 2: two writers ran on this folder/);
  const overOk = folder('over-ok', [jobLine(ids[0]), { ...jobLine(ids[0]), attempt: 2 }]);
  assert.throws(() => readResults(overOk), /is on lines 1 and 2: two writers/, 'an ok result is never superseded');
  const skipped = folder('skipped-attempt', [failed, { ...jobLine(ids[0]), attempt: 3 }]);
  assert.throws(() => readResults(skipped), /is on lines 1 and 2: two writers/, 'attempts go up by one');
  assert.ok(runInfoPath(retried));
});
