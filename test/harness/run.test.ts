import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveConfig } from '../../harness/config/schema.ts';
import { readResults, readRunInfo, resultsPath } from '../../contract/store.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { createNodeRunner } from '../../runners/node.ts';
import { alive } from '../helpers/processes.ts';
import { tempDir, tempRunDir } from '../helpers/temp-dirs.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'mobilenet-bench.js');
const FAST_SAMPLING = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 20, maxTimeMs: 2000 };

/**
 * A process that is none of the harness's business but whose command line contains `node-job.ts`
 * (as a job of a user's own benchmark beside the tests would): tests must leave it alone.
 */
function decoy() {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', join(tmpdir(), 'unrelated-bench', 'harness', 'probe', 'node-job.ts')], {
    stdio: 'ignore',
  });
}

test('a run writes schema-valid results.jsonl and run.json', async () => {
  const dir = tempRunDir('mnb-run-');
  const config = resolveConfig({
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['reference', 'ort-node:cpu'],
    sampling: FAST_SAMPLING,
    accuracy: { samples: 2 },
  });
  const { results } = await runBenchmark({ config, runnerFor, outDir: dir });
  assert.deepEqual(
    results.map((r) => r.status),
    ['ok', 'ok'],
  );
  const lines = readResults(dir);
  assert.equal(lines.length, 2);
  for (const r of lines) {
    assert.ok(r.latency!.samplesMs.length >= 5);
    assert.ok(r.latency!.ci95Ms[0] <= r.latency!.medianMs && r.latency!.medianMs <= r.latency!.ci95Ms[1]);
    assert.ok(r.coldStart!.loadMs! > 0 && r.coldStart!.initMs! >= 0 && r.coldStart!.firstInferenceMs! > 0);
    assert.ok(r.memory!.peakRssBytes! > 20e6, 'peak RSS of the child');
    assert.equal(r.accuracy!.agreementTop1, 1);
  }
  const ort = lines.find((r) => r.impl === 'ort-node')!;
  assert.ok(ort.accuracy!.maxAbsLogitDelta! < 1e-3, `max |Δ| ${ort.accuracy!.maxAbsLogitDelta}`);
  const info = readRunInfo(dir);
  assert.equal(info.plannedJobIds.length, 2);
  assert.ok(info.endedAt && info.host.cores > 0 && info.packages['onnxruntime-node']);
});

test('a job whose process is killed (as by the OOM killer) fails with the reason; the run goes on', async (t) => {
  const dir = tempRunDir('mnb-crash-');
  const config = resolveConfig({
    variants: { alpha: [1, 0.25], resolution: [224] },
    implementations: ['reference'],
    sampling: { ...FAST_SAMPLING, minTimeMs: 30000, maxTimeMs: 60000 },
    accuracy: { samples: 1 },
  });
  const seen: string[] = [];
  // The job processes, as the runner reports them: killed by PID, never by name.
  const jobPids: number[] = [];
  const bystander = decoy();
  t.after(() => bystander.kill('SIGKILL'));
  const run = runBenchmark({
    config,
    outDir: dir,
    runnerFor: (target, instance) => (target.type === 'node' ? createNodeRunner({ onChildSpawn: (pid) => jobPids.push(pid) }) : runnerFor(target, instance)),
    onEvent: (e) => {
      if (e.type === 'job-start') seen.push(e.job.id);
    },
  });
  // Kill the first job's process once it is sampling.
  let killed = 0;
  for (let i = 0; i < 100 && killed === 0; i++) {
    await sleep(200);
    if (seen.length === 1 && jobPids.length === 1 && i > 10) {
      process.kill(jobPids[0], 'SIGKILL');
      killed++;
    }
  }
  assert.ok(killed > 0, 'found the job process');
  // Stop the second job early too: it is only there to show the run goes on.
  const { results } = (await run.then(undefined, (e) => {
    throw e;
  })) as Awaited<typeof run>;
  const first = results.find((r) => r.id === 'node/reference/1.0_224')!;
  assert.equal(first.status, 'failed');
  assert.match(first.error!, /process died \(signal SIGKILL\) before reporting/);
  const second = results.find((r) => r.id === 'node/reference/0.25_224')!;
  assert.equal(second.status, 'ok');
  assert.equal(readResults(dir).length, 2);
  assert.ok(alive(bystander.pid!), 'an unrelated process whose command line contains node-job.ts survives');
});

test('a job past its time limit is killed and recorded as failed', async () => {
  const dir = tempRunDir('mnb-timeout-');
  const config = resolveConfig({
    variants: { alpha: [1], resolution: [224] },
    implementations: ['reference'],
    sampling: { ...FAST_SAMPLING, minTimeMs: 60000, maxTimeMs: 60000 },
    jobTimeoutMs: 4000,
  });
  const { results } = await runBenchmark({ config, runnerFor, outDir: dir });
  assert.equal(results[0].status, 'failed');
  assert.match(results[0].error!, /exceeded its time limit of 4 s and was killed/);
});

test('SIGKILL in the middle of a run, then --resume: nothing finished is lost or repeated', async () => {
  const work = tempDir('mnb-resume-');
  const dir = join(work, 'run');
  writeFileSync(
    join(work, 'bench.config.json'),
    JSON.stringify({
      variants: { alpha: [0.25, 0.5], resolution: [128, 160] },
      implementations: ['reference', 'ort-node:cpu'],
      sampling: { ...FAST_SAMPLING, minTimeMs: 300 },
      accuracy: { samples: 1 },
    }),
  );
  const cli = spawn(process.execPath, [CLI, 'run', '--out', dir], { cwd: work, detached: true, stdio: 'ignore' });
  // Wait until at least two jobs are written, then kill the CLI and its job process together.
  for (let i = 0; i < 300; i++) {
    await sleep(100);
    if (existsSync(resultsPath(dir)) && readFileSync(resultsPath(dir), 'utf8').split('\n').length > 2) break;
  }
  process.kill(-cli.pid!, 'SIGKILL');
  await new Promise((r) => cli.once('exit', r));
  const before = readFileSync(resultsPath(dir), 'utf8');
  const beforeIds = readResults(dir).map((r) => r.id);
  assert.ok(beforeIds.length >= 2 && beforeIds.length < 8, `${beforeIds.length} jobs done before the kill`);

  execFileSync(process.execPath, [CLI, 'run', '--resume', dir], { cwd: work, stdio: 'ignore' });
  const after = readResults(dir);
  assert.ok(readFileSync(resultsPath(dir), 'utf8').startsWith(before), 'lines written before the kill are untouched');
  assert.equal(after.length, 8);
  assert.equal(new Set(after.map((r) => r.id)).size, 8, 'no job repeated');
  assert.deepEqual(new Set(after.map((r) => r.id)), new Set(readRunInfo(dir).plannedJobIds));
  assert.ok(after.every((r) => r.status === 'ok'));
  assert.equal(readRunInfo(dir).resumes.length, 1);
});

test('a results file cut mid-line by a crash is repaired on resume', async () => {
  const { appendResult } = await import('../../contract/store.ts');
  const dir = tempDir('mnb-cut-');
  const line = {
    schemaVersion: 1 as const,
    id: 'node/reference/0.25_128',
    target: 'node',
    impl: 'reference',
    backend: 'js',
    threads: null,
    alpha: 0.25,
    resolution: 128,
    precision: 'float32' as const,
    weightsSource: 'synthetic(seed 0)',
    status: 'skipped' as const,
    error: 'x',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    effective: null,
    coldStart: null,
    latency: null,
    memory: null,
    analytic: { macs: 1, params: 1, gmacPerSecond: null },
    accuracy: null,
  };
  appendResult(dir, line);
  writeFileSync(resultsPath(dir), readFileSync(resultsPath(dir), 'utf8') + '{"schemaVersion":1,"id":"half');
  assert.equal(readResults(dir).length, 1);
  readResults(dir, { repair: true });
  appendResult(dir, { ...line, id: 'node/reference/0.5_128' });
  assert.deepEqual(
    readResults(dir).map((r) => r.id),
    ['node/reference/0.25_128', 'node/reference/0.5_128'],
  );
});
