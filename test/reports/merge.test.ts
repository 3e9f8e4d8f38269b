/**
 * One page from several runs: `mobilenet-bench report <run A> <run B> --out both.html` merges
 * two real runs with different targets (plus a pooled target's lines) under a cross-device
 * overview, keeps each run's environment apart, separates a target name two runs share, and
 * refuses a run of another schema or the same run twice. Opened in headless Chromium.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import { JobResultSchema, type JobResult } from '../../contract/results.ts';
import { appendResult, readResults, readRunInfo, writeRunInfo } from '../../contract/store.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { buildReportModel } from '../../reports/data.ts';
import { loadRunFolders } from '../../reports/merge.ts';
import { crossDeviceOverview } from '../../reports/sections/overview.ts';
import { launchChromium, openReport, skipWithoutChromium } from './chromium.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'mobilenet-bench.js');
const FAST = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 10, maxTimeMs: 1000 };

let built: Promise<{ a: string; b: string; work: string }> | undefined;

/** Run A: target "laptop" (reference, ort-node). Run B: target "server" (ort-node), plus a pooled target "pixels" of two instances. */
function runs() {
  built ??= (async () => {
    const work = tempDir('mnb-merge-');
    const base = { variants: { alpha: [0.25], resolution: [128, 160] }, sampling: FAST, accuracy: { samples: 1 } };
    const a = join(work, 'a');
    await runBenchmark({
      config: resolveConfig({ ...base, targets: [{ name: 'laptop', type: 'node' }], implementations: ['reference', 'ort-node:cpu'] }),
      runnerFor,
      outDir: a,
    });
    // Run ids are per second: keep the two apart even when both runs finish within one.
    await new Promise((r) => setTimeout(r, 1100));
    const b = join(work, 'b');
    await runBenchmark({
      config: resolveConfig({ ...base, targets: [{ name: 'server', type: 'node' }], implementations: ['ort-node:cpu'] }),
      runnerFor,
      outDir: b,
    });
    // A pooled target's lines as a Grid run writes them: the same real results, each on one of two instances (one 20 % slower).
    const pooled = readResults(b).map(
      (r, i): JobResult =>
        JobResultSchema.parse({
          ...r,
          id: r.id.replace(/^server\//, 'pixels/'),
          target: 'pixels',
          instance: { index: i % 2, count: 2 },
          // Achieved GMAC/s as the runner records it: instance 1 at 1/1.25 of instance 0 (the variants differ, so their own speeds would blur this).
          analytic: { ...r.analytic, gmacPerSecond: i % 2 ? 1.6 : 2.0 },
          device: {
            platform: 'android',
            model: `Pixel 7 (${i % 2 ? 'B' : 'A'})`,
            osVersion: '14',
            browserName: 'chrome',
            browserVersion: '131',
            userAgent: null,
            emulated: false,
            cpuThrottlingRate: null,
            sessionId: `session-${i % 2}`,
            serverUrl: 'http://127.0.0.1:4444',
            instance: `serial-${i % 2}`,
          },
        }),
    );
    for (const r of pooled) appendResult(b, r);
    return { a, b, work };
  })();
  return built;
}

test('two runs merge into one model: each job keeps its run, the overview covers every target, pools show per-instance spread', async () => {
  const { a, b } = await runs();
  const model = buildReportModel(loadRunFolders([a, b]));
  assert.deepEqual(
    model.targets.map((t) => t.name),
    ['laptop', 'server', 'pixels'],
  );
  assert.equal(model.runs!.length, 2);
  for (const r of model.results) assert.equal(model.runOfJob!.get(r.id), r.target === 'laptop' ? 0 : 1, r.id);
  const o = crossDeviceOverview(model);
  assert.ok(o.budgets.length >= 1);
  assert.deepEqual(
    o.targets.map((t) => t.basis),
    ['MACs', 'MACs', 'MACs'],
    'synthetic weights: no top-1, the proxy says so',
  );
  // Under the loosest budget every target fits its largest variant.
  const loosest = o.targets.map((t) => t.picks.at(-1));
  assert.ok(
    loosest.every((p) => p !== undefined && p !== null),
    'the loosest budget fits a job on every target',
  );
  // Fastest runtime per variant: on laptop, the faster of reference and ort-node for 0.25_160.
  const laptop160 = model.results.filter((r) => r.target === 'laptop' && r.resolution === 160);
  const want = laptop160.reduce((x, y) => (x.latency!.medianMs <= y.latency!.medianMs ? x : y));
  assert.equal(o.fastest.get('0.25_160')!.get('laptop')!.id, want.id);
  // The pool: two instances, B about 1/1.25 of A's speed relative to the pool median.
  assert.deepEqual(
    o.instances.map((i) => [i.target, i.index, i.jobs, i.sessions, i.identities]),
    [
      ['pixels', 0, 1, ['session-0'], ['serial-0']],
      ['pixels', 1, 1, ['session-1'], ['serial-1']],
    ],
  );
  const [i0, i1] = o.instances.map((i) => i.relativeSpeed!);
  assert.ok(Math.abs(i0 / i1 - 1.25) < 0.01, `${i0} / ${i1}`);
});

test('a target name both runs used is kept apart per run; the same run twice and another schema are refused', async () => {
  const { a, work } = await runs();
  const copy = join(work, 'a-again');
  cpSync(a, copy, { recursive: true });
  const info = readRunInfo(copy);
  writeRunInfo(copy, { ...info, runId: `${info.runId}-again` });
  const merged = buildReportModel(loadRunFolders([a, copy]));
  assert.deepEqual(
    merged.targets.map((t) => t.name),
    [`laptop @ ${info.runId}`, `laptop @ ${info.runId}-again`],
  );
  assert.equal(new Set(merged.results.map((r) => r.id)).size, merged.results.length, 'no job id twice');
  assert.deepEqual(merged.separated, ['laptop']);

  const cli = (args: string[]) => spawnSync(process.execPath, [CLI, 'report', ...args], { encoding: 'utf8' });
  const same = cli([a, a, '--out', join(work, 'x.html')]);
  assert.equal(same.status, 2);
  assert.match(same.stderr, /given twice/);
  const future = join(work, 'future');
  cpSync(a, future, { recursive: true });
  writeFileSync(join(future, 'run.json'), readFileSync(join(future, 'run.json'), 'utf8').replace('"schemaVersion": 1', '"schemaVersion": 2'));
  const bad = cli([a, future, '--out', join(work, 'y.html')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /future.*schemaVersion.*another results schema/s);
  const noOut = cli([a, copy]);
  assert.equal(noOut.status, 2);
  assert.match(noOut.stderr, /needs --out FILE/);
});

test("`report <run A> <run B> --out both.html` opens in Chromium with the overview first and each run's environment apart", {
  skip: skipWithoutChromium(),
  timeout: 120_000,
}, async (t) => {
  const { a, b, work } = await runs();
  const file = join(work, 'both.html');
  const out = execFileSync(process.execPath, [CLI, 'report', a, b, '--out', file], { encoding: 'utf8' });
  assert.match(out, /Report: .*both\.html/);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const { page, log } = await openReport(browser, file);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.requests, []);
  const firstSection = await page.$eval('main > section', (s) => s.id);
  assert.equal(firstSection, 'overview', 'the overview opens the page');
  const rows = await page.$$eval('table.overview-budgets tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.target));
  assert.deepEqual(rows, ['laptop', 'server', 'pixels']);
  const picked = await page.$$eval('table.overview-budgets td[data-job]', (tds) => tds.map((td) => (td as HTMLElement).dataset.job));
  assert.ok(picked.length >= 3, 'every target has a pick under some budget');
  const fastestRows = await page.$$eval('table.overview-fastest tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.variant));
  assert.deepEqual(fastestRows, ['0.25_160', '0.25_128']);
  const instances = await page.$$eval('table.overview-instances tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.instance));
  assert.deepEqual(instances, ['pixels#0', 'pixels#1']);
  // Each run's environment block lists its own jobs only.
  const env = await page.$$eval('section.run-env', (ss) =>
    ss.map((s) => ({
      run: (s as HTMLElement).dataset.run,
      jobs: Array.from(s.querySelectorAll('tr[data-job]')).map((tr) => (tr as HTMLElement).dataset.job!),
    })),
  );
  assert.deepEqual(
    env.map((e) => e.run),
    [readRunInfo(a).runId, readRunInfo(b).runId],
  );
  assert.ok(env[0].jobs.length === 4 && env[0].jobs.every((j) => j.startsWith('laptop/')));
  assert.ok(env[1].jobs.length === 4 && env[1].jobs.every((j) => /^(server|pixels)\//.test(j)));
  const header = await page.$$eval('header.top .sub', (ds) => ds.map((d) => d.textContent ?? ''));
  assert.equal(header.length, 2, 'both runs named at the top');
  const shots = tempDir('mnb-merge-shots-');
  await (await page.$('#overview'))!.screenshot({ path: join(shots, 'overview.png') });
  t.diagnostic(`screenshot: ${shots}/overview.png`);
});
