/**
 * Many devices through a real Selenium Grid 4 (started once for the file): a hub on loopback,
 * two Chromium nodes of one slot each (two "devices" of one pool) and an Appium relay node for
 * the phone-emulated stereotype. A pooled desktop target and a phone target run at once, every
 * job ok, instances overlapping but never with themselves; then a node killed mid-run fails
 * only the job it was running, and the run finishes on the other instance.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveConfig, type UserConfig } from '../../harness/config/schema.ts';
import type { JobResult } from '../../contract/results.ts';
import { readResults, readRunInfo } from '../../contract/store.ts';
import { runBenchmark, type RunEvent } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { QUICK_ACCURACY_SAMPLES, QUICK_SAMPLING } from '../../cli/options.ts';
import { gridBenchConfig, gridUnavailable, hubStatus, isOurs, startGrid, stopProcesses, type GridStandin } from '../standins/grid.ts';
import { tempDir, tempRunDir } from '../helpers/temp-dirs.ts';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { versionedWorktree } from '../helpers/worktree.ts';
import { assertMeasuredSlower, sideResults, verdictsOf } from '../ab/webdriver-ab.ts';

const skip = gridUnavailable() ?? false;
// What `run --quick` uses: the acceptance run.
const QUICK = QUICK_SAMPLING;

let grid: GridStandin | undefined;
test.before(async () => {
  if (skip) return;
  grid = await startGrid({ dir: tempDir('mnb-grid-'), desktopNodes: 2, desktopSlots: 1, phone: true, queueTimeoutS: 120 });
});
test.after(async () => {
  if (!grid) return;
  await grid.stop();
  assert.deepEqual(
    grid.processes.filter(isOurs).map((p) => p.name),
    [],
    'the Grid left no process',
  );
});

/** [start, end] of a job in ms since the epoch. */
const span = (r: JobResult): [number, number] => [Date.parse(r.startedAt), Date.parse(r.startedAt) + r.durationMs];
const overlap = (a: JobResult, b: JobResult) => span(a)[0] < span(b)[1] && span(b)[0] < span(a)[1];

function config(extra: UserConfig & Record<string, unknown>, { phone = true } = {}) {
  const base = gridBenchConfig(grid!) as { targets: Array<Record<string, unknown>> };
  const targets = base.targets.filter((t) => phone || t.name !== 'grid-phone');
  return resolveConfig({
    ...base,
    targets,
    variants: { alpha: [0.25], resolution: [128, 160] },
    implementations: ['reference', 'tfjs:wasm'],
    sampling: QUICK,
    accuracy: { samples: QUICK_ACCURACY_SAMPLES },
    ...extra,
  } as UserConfig);
}

/** How long at least one job was running: the length of the union of the jobs' spans. */
function busyMs(results: JobResult[]): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of results.map(span).sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

test("`run --quick` on the Grid stand-in's config (a pooled desktop target and a phone): all ok, two sessions, instances overlap but never with themselves, the jobs' busy time below their sum", {
  skip,
  timeout: 240_000,
}, async () => {
  const dir = tempRunDir('mnb-grid-run-');
  const { results } = await runBenchmark({ config: config({}), runnerFor, outDir: dir });
  assert.deepEqual(
    results.filter((r) => r.status !== 'ok').map((r) => `${r.id}: ${r.error}`),
    [],
  );
  const desktop = results.filter((r) => r.target === 'grid-desktop');
  const phone = results.filter((r) => r.target === 'grid-phone');
  assert.equal(desktop.length, 4);
  assert.equal(phone.length, 4);
  // Routing: desktop sessions came from the Chromium nodes, phone sessions from Appium (its capabilities echo appium:*).
  assert.ok(
    phone.every((r) => r.device!.model === 'Pixel 7' && r.device!.emulated),
    'phone-emulated sessions',
  );
  assert.ok(desktop.every((r) => r.device!.browserName === 'chrome' && !r.device!.emulated));
  const sessions = new Set(desktop.map((r) => r.device!.sessionId));
  assert.ok(sessions.size >= 2, `${sessions.size} desktop sessions`);
  assert.deepEqual(new Set(desktop.map((r) => r.instance!.index)), new Set([0, 1]), 'both instances ran jobs');
  for (const a of desktop)
    for (const b of desktop)
      if (a !== b && a.instance!.index === b.instance!.index) assert.ok(!overlap(a, b), `${a.id} and ${b.id} ran on one instance at once`);
  assert.ok(
    desktop.some((a) => desktop.some((b) => a.instance!.index !== b.instance!.index && overlap(a, b))),
    'jobs of different instances overlapped',
  );
  // Jobs ran at once, so the run took less than one after another would. Measured over the jobs'
  // own spans: the run's wall time also holds session start-up through the hub, which under load
  // can outgrow the jobs themselves and says nothing about concurrency.
  const sum = results.reduce((s, r) => s + r.durationMs, 0);
  const busy = busyMs(results);
  assert.ok(busy < sum, `time some job was running ${Math.round(busy)} ms < sum of job durations ${Math.round(sum)} ms`);
  // One host (this machine) shared on purpose: every result says so.
  assert.ok(results.every((r) => r.warnings?.some((w) => w.startsWith('shareHost'))));
  const info = readRunInfo(dir);
  assert.deepEqual(
    info.instances!.map((i) => [i.target, i.index, i.jobs]),
    [
      ['grid-desktop', 0, desktop.filter((r) => r.instance!.index === 0).length],
      ['grid-desktop', 1, desktop.filter((r) => r.instance!.index === 1).length],
      ['grid-phone', 0, 4],
    ],
  );
  assert.ok(info.instances!.every((i) => i.busyMs > 0 && (i.sessions?.length ?? 0) >= 1));
});

/** `ab` on the Grid: a config with the pooled desktop target only, written for the CLI. */
function gridAbConfig(dir: string): { file: string; desktop: Record<string, unknown> } {
  const base = gridBenchConfig(grid!, { desktopInstances: 1 }) as { targets: Array<Record<string, unknown>> };
  const desktop = base.targets.find((t) => t.name === 'grid-desktop')!;
  const file = join(dir, 'grid.json');
  writeFileSync(file, JSON.stringify({ ...base, targets: [desktop] }));
  return { file, desktop };
}
const AB_MATRIX = ['--impl', 'ort-web:wasm@1', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
// One batch of one worker pair, for CI's time (assertMeasuredSlower).
const AB_CAPS = ['--worker-pairs', '1', '--max-pairs', '4', '--max-seconds', '5'];
const AB_JOB = 'grid-desktop/ort-web-wasm-t1/0.25_128';

test('Grid A/B: side B throttled x4 through the hub (A unthrottled) measures slower, each side a session on a Grid node', {
  skip,
  timeout: 180_000,
}, async () => {
  const dir = tempDir('mnb-grid-ab-');
  const { file, desktop } = gridAbConfig(dir);
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ targets: [{ ...desktop, cpuThrottlingRate: 4 }] }));
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--config', file, '--b', `config:${join(dir, 'b.json')}`, ...AB_MATRIX, ...AB_CAPS, '--seed', '51', '-o', out], {
    timeoutMs: 150_000,
  });
  assert.doesNotMatch(r.stderr, STACK);
  assertMeasuredSlower(verdictsOf(out, [AB_JOB]).get(AB_JOB)!, 1.4, r);
  for (const side of ['A', 'B'] as const) {
    const [res] = sideResults(out, side);
    assert.match(res.effective.details.browserVersion, /^chrome\//, `side ${side} ran in a Grid node's Chromium`);
  }
});

test("Grid A/B with a dir: side: each side's sessions load the page built from its own tree", { skip, timeout: 180_000 }, async (t) => {
  const dir = tempDir('mnb-grid-ab-dir-');
  const { file } = gridAbConfig(dir);
  const side = versionedWorktree(join(dir, 'side'), t);
  if (!side) return;
  const out = join(dir, 'out');
  // The reference job: its effective version is the harness's, compiled into each side's page.
  const matrix = ['--impl', 'reference', ...AB_MATRIX.slice(2)];
  const r = await runCliAsync(['ab', '--config', file, '--b', `dir:${side.root}`, ...matrix, ...AB_CAPS, '--seed', '52', '-o', out], {
    timeoutMs: 150_000,
  });
  assert.doesNotMatch(r.stderr, STACK);
  assert.notEqual(r.status, 2, r.stderr);
  verdictsOf(out, ['grid-desktop/reference/0.25_128']);
  const [a] = sideResults(out, 'A');
  const [b] = sideResults(out, 'B');
  // The version is compiled into the page by its build: B's page came from B's tree.
  assert.equal(a.effective.version, side.ourVersion);
  assert.equal(b.effective.version, side.version);
  assert.equal(realpathSync(b.effective.details.pageRoot), realpathSync(side.root));
  assert.notEqual(a.effective.details.pageBuild, b.effective.details.pageBuild);
});

test('a Grid node killed mid-run fails only the job it was running; the run finishes on the other instance', { skip, timeout: 240_000 }, async () => {
  const dir = tempRunDir('mnb-grid-kill-');
  const running = new Set<string>();
  const onEvent = (e: RunEvent) => {
    if (e.type === 'job-start') running.add(e.worker);
    if (e.type === 'job-end') running.delete(e.worker);
  };
  // Longer jobs so that the kill lands inside one.
  const run = runBenchmark({ config: config({ sampling: { ...QUICK, minTimeMs: 4000, maxTimeMs: 5000 } }, { phone: false }), runnerFor, outDir: dir, onEvent });
  const victim = grid!.desktopNodes[1];
  let finished = false;
  void run.then(
    () => (finished = true),
    () => (finished = true),
  );
  const desktopUris = new Set(grid!.desktopNodes.map((n) => n.url));
  let killedSession: string | null = null;
  while (!killedSession && !finished) {
    await sleep(200);
    const status = await hubStatus(grid!.hubUrl);
    const busy = (status?.value.nodes ?? [])
      .filter((n) => desktopUris.has(n.uri.replace(/\/$/, '')))
      .map((n) => ({
        uri: n.uri.replace(/\/$/, ''),
        session: (n.slots as Array<{ session?: { sessionId: string } | null }>).find((s) => s.session)?.session?.sessionId ?? null,
      }));
    // Both devices busy with a job (not just holding a session): kill the second node with its browser.
    if (running.size === 2 && busy.length === 2 && busy.every((b) => b.session && /^[0-9a-f-]{16,}$/.test(b.session))) {
      await sleep(2000);
      killedSession = busy.find((b) => b.uri === victim.url)!.session;
      await stopProcesses([victim.process]);
    }
  }
  assert.ok(killedSession, 'found both instances busy and killed a node');
  const { results } = await run;
  assert.equal(results.length, 4);
  const failed = results.filter((r) => r.status !== 'ok');
  assert.deepEqual(
    failed.map((r) => r.device?.sessionId),
    [killedSession],
    'only the job on the killed node failed',
  );
  assert.match(failed[0].error!, /session|connection|ECONNRESET|refused|terminated|not reachable|crashed/i);
  assert.match(failed[0].error!, /a new session is opened for the next job/);
  assert.equal(readResults(dir).length, 4, 'every job written once');
  // The other instance carried on (and any later job of the lost one got a new session).
  const later = results.filter((r) => r.status === 'ok');
  assert.equal(later.length, 3);
  assert.ok(later.every((r) => r.device!.sessionId !== killedSession));
});
