/** Grid-facing pieces without a Grid: the routing capability, which session errors are retried, the backoff, and the target's keys. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, REMOTE_SESSION_TIMEOUT_MS, type Target } from '../../harness/config/schema.ts';
import { hostOf, instanceCount, THIS_MACHINE } from '../../harness/schedule.ts';
import { isTransientSessionError, retryingOpener, ROUTING_CAPABILITY, withPool } from '../../runners/grid.ts';
import { WebDriverError, type WebDriverSession } from '../../runners/webdriver-client.ts';
import { webDriverEndpoint, type WebDriverTarget } from '../../runners/webdriver-target.ts';

const fakeSession = { id: 's1' } as WebDriverSession;

test('transient Grid and farm errors are retried with doubling pauses; permanent ones fail at once', async () => {
  assert.ok(isTransientSessionError(new WebDriverError('New session request timed out', 'session not created', 500, true)));
  assert.ok(
    isTransientSessionError(
      new Error('Could not start a new session. Error while creating session with the service http://127.0.0.1:1234. Connection refused'),
    ),
  );
  assert.ok(isTransientSessionError(new WebDriverError('HTTP 503 Service Unavailable', null, 503, false)));
  assert.ok(
    !isTransientSessionError(
      new WebDriverError('Could not start a new session. No nodes support the capabilities in the request', 'session not created', 500, true),
    ),
  );
  assert.ok(!isTransientSessionError(new Error('invalid argument: unrecognized capability')));

  const pauses: number[] = [];
  let calls = 0;
  const flaky = retryingOpener(
    async () => {
      calls++;
      if (calls < 3) throw new WebDriverError('Could not start a new session. Node lost', 'session not created', 500, true);
      return fakeSession;
    },
    { sleep: async (ms) => void pauses.push(ms) },
  );
  assert.equal(await flaky('http://127.0.0.1:1', {}, 1000), fakeSession);
  assert.deepEqual(pauses, [1000, 2000]);

  calls = 0;
  const hopeless = retryingOpener(
    async () => {
      calls++;
      throw new WebDriverError('New session request timed out', 'session not created', 500, true);
    },
    { attempts: 3, sleep: async () => {} },
  );
  await assert.rejects(hopeless('http://127.0.0.1:1', {}, 1000), /timed out \(after 3 attempts with backoff\)/);
  assert.equal(calls, 3);

  calls = 0;
  const refused = retryingOpener(
    async () => {
      calls++;
      throw new WebDriverError('No nodes support the capabilities in the request', 'session not created', 500, true);
    },
    { sleep: async () => {} },
  );
  await assert.rejects(refused('http://127.0.0.1:1', {}, 1000), /No nodes support/);
  assert.equal(calls, 1, 'not retried');
});

test('webdriver and appium targets: pool, instances and host keys; the routing capability in every request; a client timeout above the Grid queue', async () => {
  const cfg = resolveConfig({
    targets: [
      { type: 'webdriver', name: 'lab', url: 'http://127.0.0.1:4444', instances: 3, pool: 'desktop', capabilities: { browserName: 'chrome' } },
      { type: 'appium', preset: 'android', url: 'http://127.0.0.1:4444', pool: 'pixels', instances: 5 },
      { type: 'appium', preset: 'phone-emulated' },
    ],
  });
  const [lab, pixels, local] = cfg.targets as Target[];
  assert.equal(instanceCount(lab), 3);
  assert.equal(instanceCount(pixels), 5);
  assert.equal(hostOf(lab, { index: 0, count: 3 }), null, 'a Grid node is its own device unless `host` says otherwise');
  assert.equal(hostOf(local, { index: 0, count: 1 }), THIS_MACHINE);
  assert.equal((lab as WebDriverTarget).sessionTimeoutMs, REMOTE_SESSION_TIMEOUT_MS);
  assert.ok(REMOTE_SESSION_TIMEOUT_MS > 300_000, "above Grid's default 300 s queue timeout");
  assert.equal((pixels as { sessionTimeoutMs: number }).sessionTimeoutMs, REMOTE_SESSION_TIMEOUT_MS);
  assert.equal((local as { sessionTimeoutMs: number }).sessionTimeoutMs, 120_000);
  const endpoint = webDriverEndpoint(lab as WebDriverTarget);
  assert.deepEqual((await endpoint.newSession()).capabilities, { browserName: 'chrome', [ROUTING_CAPABILITY]: 'desktop' });
  assert.deepEqual(withPool({ a: 1 }, undefined), { a: 1 });
  assert.throws(
    () => resolveConfig({ targets: [{ type: 'webdriver', url: 'http://x', instance: 2 }] }),
    /instance: unknown key \(did you mean 'instances'\?\)/,
  );
});
