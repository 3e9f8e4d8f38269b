/**
 * A job process (node runner) and a page (WebDriver runner) that send a malformed or oversized
 * result: the job fails with a message naming the target and the problem, no stack, and the
 * next job of the same runner runs as usual.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { baseResult } from '../../harness/probe/probe.ts';
import { runJobInChild } from '../../runners/node.ts';
import { createWebDriverRunner } from '../../runners/webdriver.ts';
import { SINGLE_INSTANCE } from '../../harness/runner.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const work = tempDir('mnb-untrusted-results-');
after(() => rmSync(work, { recursive: true, force: true }));

const jobOf = (targets: unknown[]) =>
  planJobs(resolveConfig({ targets, implementations: ['reference'], variants: { alpha: [0.25], resolution: [128] }, jobTimeoutMs: 60_000 })).jobs[0];

/** A job process that answers the job with `result(job)` (JavaScript source of a function). */
function entry(name: string, result: string): string {
  const file = join(work, `${name}.mjs`);
  writeFileSync(
    file,
    `process.once('message', (job) => process.send({ type: 'result', result: (${result})(job) }, () => process.exit(0)));\nprocess.send({ type: 'ready' });\n`,
  );
  return file;
}

test('a job process that sends a malformed result fails its job with the first schema issue, not a crash', async () => {
  const job = jobOf([{ type: 'node', name: 'local' }]);
  const r = await runJobInChild(job, {}, { entry: entry('bogus', '() => ({ id: "bogus", status: "ok" })') });
  assert.equal(r.status, 'failed');
  assert.equal(r.id, job.id);
  assert.match(r.error!, /^local: the job's process sent what cannot be accepted: its result does not match the results schema: schemaVersion: /);
  assert.doesNotMatch(r.error!, /\n\s+at /, 'no stack');
});

test("a job process that sends another job's result, or one over 16 MiB, fails its job", async () => {
  const job = jobOf([{ type: 'node', name: 'local' }]);
  const base = JSON.stringify(baseResult(job, 'failed', 'x'));
  const wrong = await runJobInChild(job, {}, { entry: entry('wrong-id', `() => ({ ...${base}, id: 'other/reference/1.0_224' })`) });
  assert.match(wrong.error!, /its result is for job "other\/reference\/1\.0_224", not for this job \(local\/reference\/0\.25_128\)/);
  const huge = await runJobInChild(job, {}, { entry: entry('huge', `() => ({ ...${base}, error: 'x'.repeat(17 * 2 ** 20) })`) });
  assert.equal(huge.status, 'failed');
  assert.match(huge.error!, /^local: the job's process sent what cannot be accepted: its result is 17\.0 MiB, over the 16\.0 MiB limit of a result$/);
});

/** A minimal W3C WebDriver server whose page "returns" `pageText` when polled. */
async function fakeDriver(pageText: () => unknown): Promise<{ url: string; sessions: () => number; close(): Promise<void> }> {
  let opened = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const send = (value: unknown) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ value }));
      };
      const path = req.url ?? '';
      if (req.method === 'POST' && path === '/session') {
        opened++;
        return send({ sessionId: `s${opened}`, capabilities: { browserName: 'fake', browserVersion: '1' } });
      }
      if (path.endsWith('/execute/sync')) {
        const script = (JSON.parse(body) as { script: string }).script;
        return send(script.includes('typeof globalThis.__mobilenetBench') ? true : null);
      }
      if (path.endsWith('/execute/async')) return send(pageText());
      return send(null);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, sessions: () => opened, close: () => new Promise((done) => server.close(() => done())) };
}

test("a page that sends malformed JSON, a schema-breaking result or another job's fails its job; the next job opens a new session", async () => {
  const job = jobOf([{ type: 'webdriver', name: 'farm', url: 'http://127.0.0.1:1/', capabilities: { browserName: 'fake' } }]);
  const answers: unknown[] = [
    '{"type":"result", "resu',
    JSON.stringify({ id: 'bogus', status: 'ok' }),
    JSON.stringify({ ...baseResult(job, 'ok'), id: 'other' }),
  ];
  const driver = await fakeDriver(() => answers.shift());
  const runner = await createWebDriverRunner(
    {
      name: 'farm',
      serverUrl: driver.url,
      secrets: [],
      local: null,
      newSession: () => ({ capabilities: { browserName: 'fake' } }),
      sessionTimeoutMs: 10_000,
      sessionPerJob: false,
      pollSliceMs: 1000,
      emulated: false,
      thermal: 'none',
      adbShell: false,
      page: {},
    },
    SINGLE_INSTANCE,
  );
  try {
    const notJson = await runner.runJob(job);
    assert.match(
      notJson.error!,
      /^farm: the page sent what cannot be accepted: its result is not valid JSON \(.*\): \{"type":"result", "resu \(a new session is opened for the next job\)$/,
    );
    const bogus = await runner.runJob(job);
    assert.match(bogus.error!, /^farm: the page sent what cannot be accepted: its result does not match the results schema: schemaVersion: /);
    const other = await runner.runJob(job);
    assert.match(other.error!, /its result is for job "other", not for this job/);
    for (const r of [notJson, bogus, other]) {
      assert.equal(r.status, 'failed');
      assert.equal(r.id, job.id);
    }
    assert.equal(driver.sessions(), 3, 'each refused result ended its session; the next job opened a new one');
  } finally {
    await runner.close();
    await driver.close();
  }
});
