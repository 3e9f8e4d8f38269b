/**
 * The Chromium target end to end: Node and Chromium agree on the same inputs; what ran is
 * recorded (crossOriginIsolated, threads, renderer peak RSS, software WebGL/WebGPU); a crashed
 * or hung page fails its job with the reason and the run goes on in a relaunched browser.
 * Skips (saying why) when no Chromium is installed; CI installs Debian's chromium.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BrowserNotFoundError, findBrowserExecutable, requireBrowserExecutable } from '../../harness/browsers.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { runBenchmark } from '../../harness/run.ts';
import { JobResultSchema, type JobResult } from '../../contract/results.ts';
import { runnerFor } from '../../runners/index.ts';
import { createPuppeteerRunner } from '../../runners/browser.ts';
import { tempRunDir } from '../helpers/temp-dirs.ts';

const chromium = findBrowserExecutable('chromium');
const skip = chromium ? false : "no Chromium found (CHROME_PATH or /usr/bin/chromium): install Debian's chromium (.ci/run does) to run the browser tests";
const FAST = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 10, maxTimeMs: 2000 };

test('a missing browser gets a message that says how to install one', () => {
  assert.throws(
    () => requireBrowserExecutable('chromium', '/nonexistent/chrome'),
    (e: unknown) => {
      assert.ok(e instanceof BrowserNotFoundError);
      assert.match((e as Error).message, /no chromium found .*\/nonexistent\/chrome.*apt-get install chromium.*CHROME_PATH/s);
      return true;
    },
  );
});

test('Node and Chromium agree: same top-1 on the same inputs, and the browser records what ran', { skip, timeout: 240_000 }, async () => {
  const implementations = ['reference', 'tfjs:wasm', 'ort-web:wasm@1', 'ort-web:wasm@2'];
  const config = resolveConfig({
    targets: [
      { name: 'node', type: 'node' },
      { name: 'chromium', type: 'chromium' },
    ],
    variants: { alpha: [0.25], resolution: [128] },
    implementations,
    sampling: FAST,
    accuracy: { samples: 4 },
  });
  const dir = tempRunDir('mnb-chromium-');
  const { results } = await runBenchmark({ config, runnerFor, outDir: dir });
  for (const r of results) JobResultSchema.parse(r);
  const byId = new Map(results.map((r) => [r.id, r]));
  const browser = results.filter((r) => r.target === 'chromium');
  assert.equal(browser.length, 4);
  for (const r of browser) {
    assert.equal(r.status, 'ok', `${r.id}: ${r.error}`);
    assert.equal(r.effective!.crossOriginIsolated, true, r.id);
    assert.ok(r.memory!.peakRssBytes! > 20e6, `${r.id}: renderer peak RSS ${r.memory!.peakRssBytes}`);
    assert.match(r.memory!.peakRssSource!, /renderer process/);
    assert.ok(r.memory!.jsHeapUsedBytes! > 0);
    assert.equal(r.accuracy!.agreementTop1, 1, r.id);
    // The same job in Node (ort-web @1/@2 share Node's ort-web-wasm label only by implementation).
    const nodeTwin = byId.get(r.id.replace(/^chromium\//, 'node/'));
    assert.ok(nodeTwin, `node twin of ${r.id}`);
    assert.equal(nodeTwin.status, 'ok', `${nodeTwin.id}: ${nodeTwin.error}`);
    assert.deepEqual(r.accuracy!.predictions, nodeTwin.accuracy!.predictions, `${r.id}: same top-1 as in Node`);
    assert.ok(r.accuracy!.maxAbsLogitDelta! < 1e-3, `${r.id}: max |Δlogit| ${r.accuracy!.maxAbsLogitDelta}`);
  }
  const t2 = byId.get('chromium/ort-web-wasm-t2/0.25_128')!;
  assert.equal(t2.effective!.threads, 2);
  assert.ok(Number(t2.effective!.details!.workersStarted) >= 1, 'a second thread really started (a Worker)');
  assert.match(String(t2.effective!.details!.measureUserAgentSpecificMemory), /skipped/);
  const tfjs = byId.get('chromium/tfjs-wasm/0.25_128')!;
  assert.equal(tfjs.effective!.backend, 'wasm');
  assert.ok(tfjs.memory!.tfjs!.numTensors > 0 && tfjs.memory!.wasmMemoryBytes! > 0);
  const ref = byId.get('chromium/reference/0.25_128')!;
  assert.ok((ref.memory!.extra?.userAgentSpecificMemoryBytes ?? 0) > 0, 'measureUserAgentSpecificMemory returned in time');
});

test('WebGL and WebGPU (tfjs and ORT) run on software adapters and say so; a browser-less pair is skipped with the reason', {
  skip,
  timeout: 240_000,
}, async () => {
  const config = resolveConfig({
    targets: [{ name: 'chromium', type: 'chromium' }],
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['ort-web:webgl', 'ort-web:webgpu', 'tfjs:webgl', 'tfjs:webgpu', 'ort-node:cpu'],
    sampling: { ...FAST, minSamples: 2, maxSamples: 3 },
    accuracy: { samples: 2 },
  });
  const plan = planJobs(config);
  assert.match(plan.skipped.find((s) => s.id === 'chromium/ort-node-cpu/0.25_128')!.reason, /browser cannot load it/);
  const runner = await createPuppeteerRunner(config.targets[0] as Extract<(typeof config.targets)[0], { type: 'chromium' }>);
  try {
    const byId = new Map<string, JobResult>();
    for (const job of plan.jobs) byId.set(job.id, await runner.runJob(job));
    for (const impl of ['ort-web', 'tfjs']) {
      const webgl = byId.get(`chromium/${impl}-webgl/0.25_128`)!;
      assert.equal(webgl.status, 'ok', webgl.error);
      assert.equal(webgl.effective!.backend, 'webgl');
      assert.match(String(webgl.effective!.details!.webglRenderer), /SwiftShader/i);
      assert.equal(webgl.effective!.details!.webglSoftware, true);
      // WebGPU needs --enable-unsafe-webgpu; with it Chromium offers a software adapter here.
      const webgpu = byId.get(`chromium/${impl}-webgpu/0.25_128`)!;
      assert.equal(webgpu.status, 'ok', webgpu.error);
      assert.equal(webgpu.effective!.backend, 'webgpu');
      assert.equal(webgpu.effective!.details!.webgpuSoftware, true);
    }
    assert.equal(byId.get('chromium/tfjs-webgl/0.25_128')!.effective!.details!.webglFloat32, true, 'tfjs-webgl computed in float32');
    for (const r of byId.values()) {
      assert.equal(r.accuracy!.agreementTop1, 1, r.id);
      assert.ok(r.accuracy!.maxAbsLogitDelta! < 1e-3, `${r.id}: max |Δ logit| ${r.accuracy!.maxAbsLogitDelta}`);
    }
  } finally {
    await runner.close();
  }
});

test('a crashed page and a hung page fail their jobs with the reason; the browser is relaunched and the run goes on', { skip, timeout: 180_000 }, async () => {
  const config = resolveConfig({
    targets: [{ name: 'chromium', type: 'chromium' }],
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['reference'],
    sampling: FAST,
    accuracy: { samples: 2 },
  });
  const [job] = planJobs(config).jobs;
  let crashNext = true;
  const runner = await createPuppeteerRunner(config.targets[0] as Extract<(typeof config.targets)[0], { type: 'chromium' }>, {
    async onJobStarted(page) {
      if (!crashNext) return;
      crashNext = false;
      const cdp = await page.createCDPSession();
      await cdp.send('Page.crash').catch(() => {});
    },
  });
  try {
    const crashed = await runner.runJob(job);
    assert.equal(crashed.status, 'failed');
    assert.match(crashed.error!, /crashed/);
    assert.match(crashed.error!, /relaunched/);
    JobResultSchema.parse(crashed);

    // Precision stopping off: its budget (the resolved FAST floors) would end the job within 3 s on an idle machine.
    const endless = { ...job.sampling, targetPrecision: 0, minTimeMs: 600_000, maxTimeMs: 600_000, maxSamples: 1e9 };
    const hung = await runner.runJob({ ...job, timeoutMs: 3000, sampling: endless });
    assert.equal(hung.status, 'failed');
    assert.match(hung.error!, /exceeded its time limit of 3 s/);

    const after = await runner.runJob(job);
    assert.equal(after.status, 'ok', after.error);
    assert.ok(after.memory!.peakRssBytes! > 0);
  } finally {
    await runner.close();
  }
});
