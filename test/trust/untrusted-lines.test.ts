/**
 * What a target sends is untrusted (issue 23 items 1–3, unit level): line framing is linear
 * and capped, a result is checked against the schema and its job id, the store refuses an
 * invalid line without writing, a run records a garbage result as that job's failure and keeps
 * the others, and a runner that never starts fails its lane within its limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkResult, checkResultText, checkResultValue, LineFramer, MAX_LINE_BYTES } from '../../contract/ingest.ts';
import { appendResult, InvalidResultError, readResults, resultsPath } from '../../contract/store.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { baseResult } from '../../harness/probe/probe.ts';
import { runBenchmark } from '../../harness/run.ts';
import { LaneWorker } from '../../harness/lane-worker.ts';
import { lanesFor } from '../../harness/schedule.ts';
import { TimeLimitError, withTimeLimit } from '../../harness/time-limit.ts';
import type { JobResult } from '../../contract/results.ts';
import type { Runner } from '../../harness/runner.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/** The line from the issue: a board's `node` wrapper printed it. */
const BOGUS = '{"type":"result","result":{"id":"bogus","status":"ok"}}';

const tmp = () => tempDir('mnb-untrusted-');
const config = (targets: unknown[]) => resolveConfig({ targets, implementations: ['reference'], variants: { alpha: [0.25], resolution: [128] } });

test('line framing: lines split across chunks and UTF-8 split mid-character come out whole', () => {
  const lines: string[] = [];
  const f = new LineFramer((l) => lines.push(l));
  const text = Buffer.from('{"a":"é€"}\nsecond line\n\nlast');
  for (let i = 0; i < text.byteLength; i++) f.push(text.subarray(i, i + 1));
  assert.deepEqual(lines, ['{"a":"é€"}', 'second line', '']);
  assert.equal(f.end(), 'last');
  assert.equal(f.overflow, false);
});

test('line framing: a line over the cap is dropped up to its newline, reported once, and the next line still arrives', () => {
  const lines: string[] = [];
  const overflows: number[] = [];
  const f = new LineFramer(
    (l) => lines.push(l),
    1000,
    (n) => overflows.push(n),
  );
  f.push('ok\n');
  for (let i = 0; i < 50; i++) f.push('x'.repeat(100)); // 5000 bytes, no newline
  f.push('tail of the long line\nafter\n');
  assert.deepEqual(lines, ['ok', 'after']);
  assert.equal(overflows.length, 1, 'one report for the long line');
  assert.ok(overflows[0] > 1000 && overflows[0] <= 1100, `reported as soon as it passed the cap (${overflows[0]} bytes)`);
  assert.equal(f.overflow, true);
});

test('line framing is linear: a 48 MiB line in 4 KiB chunks is framed in seconds (rescanning the buffer per chunk would take hours)', () => {
  const lines: string[] = [];
  const f = new LineFramer((l) => lines.push(l), 64 * 2 ** 20);
  const chunk = Buffer.alloc(4096, 0x61);
  const t = performance.now();
  for (let i = 0; i < 12 * 1024; i++) f.push(chunk);
  f.push('\n');
  const ms = performance.now() - t;
  assert.equal(lines.length, 1);
  assert.equal(lines[0].length, 48 * 2 ** 20);
  assert.ok(ms < 30_000, `framed in ${Math.round(ms)} ms`);
});

test('a result is checked against the schema and the job id; the message is the first issue, short, no stack', () => {
  const job = planJobs(config([{ type: 'node', name: 'local' }])).jobs[0];
  const bogus = checkResult((JSON.parse(BOGUS) as { result: unknown }).result, job.id);
  assert.equal(bogus.ok, false);
  assert.match(!bogus.ok ? bogus.reason : '', /^its result does not match the results schema: schemaVersion: .*\(and \d+ more\)$/);
  assert.ok(!bogus.ok && bogus.reason.length < 400 && !/\n/.test(bogus.reason));

  const other = baseResult(job, 'ok');
  other.id = 'node/tfjs-wasm/1.0_224';
  const wrongId = checkResult(other, job.id);
  assert.match(!wrongId.ok ? wrongId.reason : '', /is for job "node\/tfjs-wasm\/1\.0_224", not for this job \(local\/reference\/0\.25_128\)/);

  assert.equal(checkResult(baseResult(job, 'failed', 'x'), job.id).ok, true);
  assert.match((checkResultText('{"id": ', job.id) as { reason: string }).reason, /not valid JSON/);
  assert.match((checkResultText(42, job.id) as { reason: string }).reason, /not JSON text but number/);
  const huge = { ...baseResult(job, 'failed'), error: 'x'.repeat(MAX_LINE_BYTES) };
  assert.match((checkResultValue(huge, job.id) as { reason: string }).reason, /its result is 16\.0 MiB, over the 16\.0 MiB limit of a result/);
  assert.match((checkResultText(JSON.stringify(huge), job.id) as { reason: string }).reason, /over the 16\.0 MiB limit/);
});

test('the store refuses an invalid line with InvalidResultError and writes nothing', () => {
  const dir = tmp();
  try {
    assert.throws(
      () => appendResult(dir, { id: 'bogus', status: 'ok' } as unknown as JobResult),
      (e: unknown) => {
        assert.ok(e instanceof InvalidResultError);
        assert.match((e as Error).message, /the result of job bogus does not match the results schema \(schemaVersion: .*\); it was not written/);
        return true;
      },
    );
    assert.equal(existsSync(resultsPath(dir)), false, 'no results file was created');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run whose runner returns garbage for one job records that job as failed and keeps every other result', async () => {
  const dir = tmp();
  try {
    const cfg = config([
      { type: 'node', name: 'garbage' },
      { type: 'node', name: 'good' },
    ]);
    const runnerFor = (target: { name: string }): Runner => ({
      async runJob(job) {
        if (target.name === 'garbage') return (JSON.parse(BOGUS) as { result: JobResult }).result;
        return { ...baseResult(job, 'failed', 'a well-formed failure'), durationMs: 1 };
      },
      async close() {},
    });
    const run = await runBenchmark({ config: cfg, runnerFor, outDir: join(dir, 'run'), onEvent: () => {} });
    const lines = readResults(run.dir);
    assert.equal(lines.length, 2, 'both jobs have a line');
    const garbage = lines.find((r) => r.target === 'garbage')!;
    assert.equal(garbage.status, 'failed');
    assert.match(garbage.error!, /^garbage: the job's result could not be stored: its result does not match the results schema: schemaVersion: /);
    assert.equal(garbage.id, 'garbage/reference/0.25_128', "recorded under the job's own id");
    assert.equal(lines.find((r) => r.target === 'good')!.error, 'a well-formed failure');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a runner that never starts fails its lane within its limit (the late runner is closed when it arrives)', async () => {
  const cfg = config([{ type: 'node', name: 'stuck', jobTimeoutMs: 300 }]);
  const [job] = planJobs(cfg).jobs;
  let closed = false;
  let arrive: (r: Runner) => void = () => {};
  const late = new Promise<Runner>((r) => {
    arrive = r;
  });
  const worker = new LaneWorker(lanesFor(cfg.targets)[0], () => late, { startMinMs: 300 });
  const t = Date.now();
  assert.equal(await worker.run(job), null, 'the lane is dead');
  assert.ok(Date.now() - t < 5000, `gave up after ${Date.now() - t} ms`);
  assert.match(worker.deadReason!, /^stuck: the target did not start within 0\.3 s \(its first job's time limit, jobTimeoutMs/);
  arrive({
    runJob: async () => baseResult(job),
    close: async () => {
      closed = true;
    },
  });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closed, true, 'the runner that started too late was closed');
});

test("withTimeLimit: the step's own result or error within the limit; after it, a TimeLimitError and onTimeout", async () => {
  assert.equal(await withTimeLimit(Promise.resolve(7), 1000, 'never'), 7);
  await assert.rejects(withTimeLimit(Promise.reject(new Error('own')), 1000, 'never'), /own/);
  let stopped = false;
  await assert.rejects(
    withTimeLimit(new Promise(() => {}), 20, 'the step took too long', {
      onTimeout: () => {
        stopped = true;
      },
    }),
    (e: unknown) => e instanceof TimeLimitError && (e as Error).message === 'the step took too long',
  );
  assert.equal(stopped, true);
});
