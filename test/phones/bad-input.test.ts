/**
 * What goes wrong with remote browsers, for real, against an Appium server this test starts:
 * an unreachable url, a capability the server rejects (with a farm-style credential that must
 * not leak), and a session deleted from outside in the middle of a job. Each fails only its
 * job with a clear reason, the run goes on, and every result already written stays.
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveConfig, type UserConfig } from '../../harness/config/schema.ts';
import { runBenchmark, type RunEvent } from '../../harness/run.ts';
import { readResults } from '../../contract/store.ts';
import { startAppiumServer } from '../../runners/appium-server.ts';
import { freePort, type LocalServer } from '../../runners/local-server.ts';
import { runnerFor } from '../../runners/index.ts';
import { writeReport } from '../../reports/build.ts';
import { removeRunDirs, skipWithoutPhoneStandIn, tempRunDir, TINY_SAMPLING } from './helpers.ts';

const skip = skipWithoutPhoneStandIn();
let appium: LocalServer | null = null;

before(async () => {
  // session_discovery lets the test find the runner's session to delete it from outside.
  if (!skip) appium = await startAppiumServer({ insecure: ['*:session_discovery'] });
});
after(async () => {
  await appium?.close();
  removeRunDirs();
});

function config(
  target: Record<string, unknown>,
  implementations: string[],
  sampling: Record<string, number> = TINY_SAMPLING,
): ReturnType<typeof resolveConfig> {
  return resolveConfig({
    targets: [{ type: 'appium', preset: 'phone-emulated', name: 'phone', implementations, ...target }] as UserConfig['targets'],
    variants: { alpha: [0.25], resolution: [128] },
    sampling,
    accuracy: { samples: 2 },
  });
}

const runDir = tempRunDir;

test('an unreachable url fails each job at once, naming the server; the run goes on', { skip, timeout: 60_000 }, async () => {
  const port = await freePort(); // nothing listens there now
  const dir = runDir('unreachable');
  const t0 = Date.now();
  const { results } = await runBenchmark({ config: config({ url: `http://127.0.0.1:${port}/` }, ['reference', 'ort-web:wasm@1']), runnerFor, outDir: dir });
  assert.ok(Date.now() - t0 < 30_000, 'no long hang');
  assert.deepEqual(
    results.map((r) => r.status),
    ['failed', 'failed'],
  );
  for (const r of results) {
    assert.match(r.error!, new RegExp(`could not open a WebDriver session on http://127\\.0\\.0\\.1:${port}/: ECONNREFUSED .*Fix: nothing answered there`));
    assert.equal(r.device!.serverUrl, `http://127.0.0.1:${port}/`);
  }
  assert.equal(readResults(dir).length, 2);
});

test('a capability the server rejects fails the job with its words; credentials from the environment never reach results, run.json, the report or the progress output', {
  skip,
  timeout: 90_000,
}, async () => {
  const secret = `k-${randomBytes(12).toString('hex')}`;
  process.env.MNB_TEST_FARM_KEY = secret;
  try {
    const dir = runDir('rejected');
    const url = appium!.url.replace('http://', 'http://bench:${env:MNB_TEST_FARM_KEY}@');
    const events: string[] = [];
    const { results } = await runBenchmark({
      config: config(
        {
          url,
          capabilities: {
            // chromedriver refuses an unknown phone and repeats its name: here, the secret.
            'goog:chromeOptions': { mobileEmulation: { deviceName: '${env:MNB_TEST_FARM_KEY}' } },
            'bstack:options': { userName: 'bench', accessKey: '${env:MNB_TEST_FARM_KEY}' },
            'sauce:options': { accessKey: 'literal-key-written-in-the-config' },
          },
        },
        ['reference'],
      ),
      runnerFor,
      outDir: dir,
      onEvent: (e: RunEvent) => events.push(JSON.stringify(e)),
    });
    assert.equal(results[0].status, 'failed');
    assert.match(results[0].error!, /could not open a WebDriver session on http:\/\/\*\*\*@127\.0\.0\.1:\d+\/: .*'\*\*\*' must be a valid device/);
    assert.match(results[0].error!, /Fix: /);
    assert.match(results[0].device!.serverUrl!, /^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/$/);
    writeReport(dir);
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'utf8');
      assert.ok(!text.includes(secret), `${f} holds the secret`);
      assert.ok(!text.includes('literal-key-written-in-the-config'), `${f} holds a literal key`);
    }
    assert.ok(!events.join('\n').includes(secret), 'progress events hold the secret');
    // The placeholder itself is kept, so a resumed run can expand it again.
    assert.match(readFileSync(join(dir, 'run.json'), 'utf8'), /\$\{env:MNB_TEST_FARM_KEY\}/);
  } finally {
    delete process.env.MNB_TEST_FARM_KEY;
  }
});

test('a session deleted from outside mid-job fails that job as lost; the next job gets a new session; nothing written is lost', {
  skip,
  timeout: 180_000,
}, async () => {
  const dir = runDir('lost');
  const server = appium!.url;
  const sampling = { ...TINY_SAMPLING, minTimeMs: 5000, maxTimeMs: 6000, maxSamples: 1000 };
  const sessionsOnServer = async () => ((await (await fetch(`${server}appium/sessions`)).json()) as { value: Array<{ id: string }> }).value.map((s) => s.id);
  let firstSession: string | null = null;
  let killer: Promise<string | null> = Promise.resolve(null);
  const { results } = await runBenchmark({
    config: config({ url: server, pollSliceMs: 1000 }, ['reference', 'ort-web:wasm@1', 'tfjs:wasm'], sampling),
    runnerFor,
    outDir: dir,
    onEvent: (e) => {
      if (e.type === 'job-end' && e.index === 1) firstSession = e.result.device?.sessionId ?? null;
      if (e.type === 'job-start' && e.index === 2) {
        killer = (async () => {
          for (let i = 0; i < 300; i++) {
            const victim = (await sessionsOnServer()).find((id) => id !== firstSession);
            if (victim) {
              await sleep(2500); // the page is loading or sampling by now (sampling alone lasts ≥ 5 s)
              // Appium runs a session's commands one at a time: the delete lands when the current poll (≤ 1 s slice) returns.
              await fetch(`${server}session/${victim}`, { method: 'DELETE' });
              return victim;
            }
            await sleep(100);
          }
          return null;
        })();
      }
    },
  });
  const victim = await killer;
  assert.ok(victim, "the second job's session was found and deleted");
  assert.deepEqual(
    results.map((r) => r.status),
    ['ok', 'failed', 'ok'],
    results.map((r) => r.error).join('; '),
  );
  assert.match(results[1].error!, /the WebDriver session was lost: .*\(a new session is opened for the next job\)/);
  assert.equal(results[1].device!.sessionId, victim);
  assert.notEqual(results[2].device!.sessionId, victim);
  const written = readResults(dir);
  assert.deepEqual(
    written.map((r) => r.status),
    ['ok', 'failed', 'ok'],
  );
  assert.ok(written[0].latency!.samplesMs.length >= 4, "the first job's samples are intact");
});
