/**
 * The phone-emulated stand-in for real: the harness starts its own Appium 3 server from
 * node_modules on a free loopback port, and Appium's Chromium driver drives Debian's chromium
 * with mobileEmulation and CDP CPU throttling. Sessions are created and deleted per job; the
 * results carry the device; the server and its browsers are gone after the run.
 */
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { readResults } from '../../contract/store.ts';
import { descendantsOf } from '../../runners/procfs.ts';
import { runnerFor } from '../../runners/index.ts';
import { freePort } from '../../runners/local-server.ts';
import { writeReport } from '../../reports/build.ts';
import { readFileSync } from 'node:fs';
import { removeRunDirs, skipWithoutPhoneStandIn, tempRunDir, TINY_SAMPLING } from './helpers.ts';

after(removeRunDirs);

test('phone-emulated: Appium started by the harness, an Android phone emulated and throttled, sessions per job, the page through a base URL with its token', {
  skip: skipWithoutPhoneStandIn(),
  timeout: 240_000,
}, async () => {
  const dir = tempRunDir('phone');
  const port = await freePort();
  const config = resolveConfig({
    // The page through a base URL, as through a farm's tunnel: the server stays on loopback, every URL carries its path token.
    targets: [
      {
        type: 'appium',
        preset: 'phone-emulated',
        emulatedDevice: 'Pixel 7',
        implementations: ['reference', 'ort-web:wasm@1'],
        page: { port, baseUrl: `http://localhost:${port}/` },
      },
    ],
    variants: { alpha: [0.25], resolution: [128] },
    sampling: TINY_SAMPLING,
    accuracy: { samples: 2 },
  });
  let appiumPids: number[] = [];
  const { results } = await runBenchmark({
    config,
    runnerFor,
    outDir: dir,
    onEvent: (e) => {
      if (e.type === 'job-end')
        appiumPids = descendantsOf(process.pid)
          .filter((p) => /appium\/index\.js server/.test(p.cmdline))
          .map((p) => p.pid);
    },
  });
  assert.deepEqual(
    results.map((r) => r.status),
    ['ok', 'ok'],
    results.map((r) => r.error).join('; '),
  );
  const sessions = new Set<string>();
  for (const r of readResults(dir)) {
    const d = r.device!;
    assert.equal(r.target, 'phone-emulated');
    assert.equal(d.emulated, true);
    assert.equal(d.cpuThrottlingRate, 4);
    assert.equal(d.model, 'Pixel 7');
    assert.match(d.userAgent!, /Android .*Mobile/);
    assert.match(d.serverUrl!, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(Number(d.details!.sessionCreateMs) > 0);
    sessions.add(d.sessionId!);
    assert.equal(r.accuracy!.agreementTop1, 1);
    assert.ok(r.memory!.peakRssBytes! > 20e6);
    assert.match(r.memory!.peakRssSource!, /emulated phone's Chromium renderer/);
    assert.equal(r.thermal!.throttled, null);
    assert.match(r.thermal!.before[0].unavailable!, /emulated phone has no thermal sensors/);
  }
  assert.equal(sessions.size, 2, 'a fresh session per job');
  assert.ok(readResults(dir)[1].device!.details!.previousSessionDeleteMs !== undefined, 'the previous session was deleted');
  // The report shows the phone as its own target and says it is a stand-in.
  const html = readFileSync(writeReport(dir), 'utf8');
  assert.match(html, /<span class="kicker">Target<\/span> phone-emulated/);
  assert.match(html, /device: Pixel 7, linux \(emulated, CPU throttled 4×\) · chrome \d+/);
  // The done-criterion, short: a sustained job on the emulated phone gives windows, the ratio and a polled thermal series.
  const sustainedDir = tempRunDir('phone-sustained');
  const sustained = await runBenchmark({
    config: resolveConfig({
      targets: [{ type: 'appium', preset: 'phone-emulated', implementations: ['reference'] }],
      variants: { alpha: [0.25], resolution: [128] },
      sampling: { mode: 'sustained', sustainedMs: 3000, windowMs: 1000, sustainedSamples: 10, warmupSamples: 1, warmupTimeMs: 0 },
      accuracy: { samples: 1 },
    }),
    runnerFor,
    outDir: sustainedDir,
    onEvent: () => {},
  });
  const [sr] = sustained.results;
  assert.equal(sr.status, 'ok', sr.error);
  const windows = sr.latency!.sustained!;
  assert.ok(windows.windows.length >= 3, `≥ 3 windows over 3 s (got ${windows.windows.length})`);
  assert.equal(windows.ratio, windows.lastMedianMs / windows.coldMedianMs);
  const series = sr.thermal!.series!;
  assert.ok(series.length >= 2, `thermals polled every window (got ${series.length})`);
  assert.ok(series.every((p) => /emulated phone has no thermal sensors/.test(p.readings[0].unavailable ?? '')));
  const sustainedPage = readFileSync(writeReport(sustainedDir), 'utf8');
  assert.match(sustainedPage, /Sustained: latency over time/);
  assert.ok(sustainedPage.includes(`${windows.ratio.toFixed(3)}</span>`), 'the ratio in the report');
  // The Appium server the harness started is stopped, with everything it started.
  assert.equal(appiumPids.length, 1, 'one Appium server ran');
  assert.deepEqual(
    descendantsOf(process.pid)
      .filter((p) => /appium|chromedriver|chromium/.test(p.cmdline))
      .map((p) => p.cmdline),
    [],
  );
});
