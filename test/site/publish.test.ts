/**
 * `mobilenet-bench publish`: a static site from real runs. Two tiny real runs are made once
 * (Node with ort-node, Chromium with tfjs-wasm; 0.25_128 with the real uint8 weights and the
 * shared photos), and two device-labelled runs are derived from their files — a
 * `phone-emulated` run and a Pi stand-in run, with the `device` block those stand-ins record —
 * because the real stand-ins are too slow for a test (`npm run bench:publish` publishes real
 * runs of all four). Then the site is checked file by file, twice for byte identity, in
 * Chromium (console, network, 390 and 1440 px, axe-core, keyboard, PNG), and with bad input.
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveConfig, type UserConfig } from '../../harness/config/schema.ts';
import { JobResultSchema, RunInfoSchema, type JobResult } from '../../contract/results.ts';
import { runBenchmark } from '../../harness/run.ts';
import { appendResult, readResults, readRunInfo, writeRunInfo } from '../../contract/store.ts';
import { runnerFor } from '../../runners/index.ts';
import { IMAGES_DIR, SHARED_DATA, skipWithoutSharedData } from '../helpers/data.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { launchChromium, skipWithoutChromium } from '../reports/chromium.ts';

const skip = skipWithoutSharedData() || skipWithoutChromium();
const TINY = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 100, maxSamples: 20, maxTimeMs: 500 };
const root = mkdtempSync(join(tmpdir(), 'mnb-publish-'));
const runs: string[] = [];
let site = '';

async function realRun(name: string, user: UserConfig): Promise<string> {
  const dir = join(root, name);
  const base: UserConfig = {
    weights: { source: 'official', mirror: SHARED_DATA },
    variants: { alpha: [0.25], resolution: [128] },
    sampling: TINY,
    accuracy: { evalSet: IMAGES_DIR, samples: 8, seed: 1, referenceSamples: 1 },
  };
  await runBenchmark({ config: resolveConfig({ ...base, ...user }), runnerFor, outDir: dir });
  return dir;
}

/** A copy of a real run as another device: new run id and target name, the device block a stand-in records. */
function derive(from: string, name: string, target: string, device: NonNullable<JobResult['device']>, extra: Partial<JobResult> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const info = readRunInfo(from);
  const rename = (id: string) => id.replace(/^[^/]+/, target);
  const results = readResults(from).map((r) => JobResultSchema.parse({ ...r, id: rename(r.id), target, device, ...extra }));
  writeRunInfo(dir, RunInfoSchema.parse({ ...info, runId: `${info.runId}-${target}`, plannedJobIds: info.plannedJobIds.map(rename) }));
  for (const r of results) appendResult(dir, r);
  return dir;
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

before(async () => {
  if (skip) return;
  const node = await realRun('node', { targets: [{ name: 'node', type: 'node' }], implementations: ['ort-node:cpu'], precision: ['float32', 'uint8'] });
  const chromium = await realRun('chromium', { targets: [{ name: 'chromium', type: 'chromium' }], implementations: ['tfjs:wasm'], precision: ['uint8'] });
  const phone = derive(chromium, 'phone', 'phone-emulated', {
    platform: 'android',
    model: 'Pixel 7 (Chromium device emulation)',
    osVersion: null,
    browserName: 'chrome',
    browserVersion: null,
    userAgent: null,
    emulated: true,
    cpuThrottlingRate: 4,
    sessionId: null,
    serverUrl: null,
  });
  const pi = derive(
    node,
    'pi',
    'pi',
    {
      platform: 'linux',
      model: 'Raspberry Pi 4 Model B',
      osVersion: null,
      arch: 'aarch64',
      cores: 4,
      browserName: null,
      browserVersion: null,
      userAgent: null,
      emulated: true,
      cpuThrottlingRate: null,
      sessionId: null,
      serverUrl: null,
      details: { emulation: "the job's Node sees aarch64 but the board's kernel is x86_64: user-mode emulation (qemu-user); timings are not a real board's" },
    },
    {
      thermal: {
        before: [{ source: 'vcgencmd measure_temp', temperatureC: 48.2 }],
        after: [{ source: 'vcgencmd measure_temp', temperatureC: 51 }],
        throttled: false,
      },
    },
  );
  runs.push(node, chromium, phone, pi);
  site = join(root, 'site');
  const r = runCli(['publish', ...runs, '--out', site]);
  assert.equal(r.status, 0, r.stderr);
});

after(() => rmSync(root, { recursive: true, force: true }));

const read = (p: string) => readFileSync(join(site, p), 'utf8');

test('publish writes the pages, the charts and data/ with a SHA256SUMS that sha256sum -c verifies', { skip }, () => {
  const all = files(site);
  for (const f of [
    'index.html',
    'method.html',
    'published.html',
    'data.html',
    'device-node.html',
    'device-chromium.html',
    'device-phone-emulated.html',
    'device-pi.html',
    'charts/chart-latency.svg',
    'data/SHA256SUMS',
  ])
    assert.ok(all.includes(f), `${f} in ${all.join(', ')}`);
  for (const run of runs) {
    const id = readRunInfo(run).runId;
    assert.deepEqual(readFileSync(join(site, 'data', id, 'results.jsonl')), readFileSync(join(run, 'results.jsonl')), 'results.jsonl copied byte for byte');
    assert.deepEqual(readFileSync(join(site, 'data', id, 'run.json')), readFileSync(join(run, 'run.json')));
  }
  const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(site, 'data'), encoding: 'utf8' });
  if (sums.error) assert.fail(`sha256sum not runnable: ${sums.error.message}`);
  assert.equal(sums.status, 0, sums.stdout + sums.stderr);
  assert.equal(sums.stdout.trim().split('\n').length, runs.length * 3);
  // A changed byte is caught (the file is really checked).
  const sumsCopy = join(root, 'sums-check');
  cpSync(join(site, 'data'), sumsCopy, { recursive: true });
  const id = readRunInfo(runs[0]).runId;
  writeFileSync(join(sumsCopy, id, 'results.jsonl'), `${readFileSync(join(sumsCopy, id, 'results.jsonl'), 'utf8')} `);
  assert.notEqual(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: sumsCopy }).status, 0);
});

test('the index holds the device × runtime overview, budget recommendations and per-device accuracy charts with CIs', { skip }, () => {
  const index = read('index.html');
  for (const rt of ['rt-ort-node-cpu', 'rt-tfjs-wasm']) assert.match(index, new RegExp(`<th scope="col" id="${rt}">`));
  for (const d of ['node', 'chromium', 'phone-emulated', 'pi']) assert.match(index, new RegExp(`<tr id="dev-${d}">`));
  assert.match(index, /Within [\d.]+ ms median: <a href="device-node.html#ort-node-cpu-0.25_128-uint8-tflite">0.25_128 uint8/);
  assert.match(index, /top-1 [\d.]+ % \(95 % CI [\d.]+ %–[\d.]+ %, 8 images\)/);
  assert.match(index, /<svg [^>]*id="chart-accuracy-node"/);
  // CI whiskers: a horizontal and a vertical line per measured point.
  const svg = read('charts/chart-accuracy-node.svg');
  assert.match(
    svg,
    /<g><title>node · ort-node cpu · 0.25_128 uint8 \(integer kernels\): median [\d.]+ ms \(95 % CI [\d.]+–[\d.]+\), top-1 [\d.]+ % on 8 images<\/title><line [^>]+\/><line [^>]+\/>/,
  );
});

test('published reference points are on the accuracy and latency charts, hollow, with their sources', { skip }, () => {
  const latency = read('charts/chart-latency.svg');
  for (const p of [
    'published: TFLite page, Pixel 3, 1.0_224',
    'published: TFLite page, Pixel 4, 1.0_224',
    'published: TFLite page, iPhone XS, 1.0_224',
    'published: MLPerf v5.0 Open',
  ])
    assert.ok(latency.includes(p), p);
  assert.match(
    latency,
    /<title>published, TFLite performance page: Pixel 3 CPU, 4 threads, 1.0_224 float32: 23.9 ms<\/title><(path|rect|circle) [^>]*fill="#ffffff"/,
  );
  const acc = read('charts/chart-accuracy-node.svg');
  assert.match(acc, /TF-slim 0.25_128 uint8: 39.9 %/);
  assert.match(
    acc,
    /<title>published, MLPerf v5.0 Open \(GATEOverflow, TFLite CPU\): 0.25_128 float, top-1 44.1 %, 0.913 ms<\/title><path [^>]*fill="#ffffff"/,
  );
  const published = read('published.html');
  for (const url of [
    'https://www.tensorflow.org/lite/performance/benchmarks',
    'https://github.com/tensorflow/models/blob/master/research/slim/nets/mobilenet_v1.md',
    'https://github.com/mlcommons/inference_results_v5.0/',
  ])
    assert.ok(published.includes(url), url);
  assert.match(read('index.html'), /Sources: <a href="https:\/\/www.tensorflow.org\/lite\/performance\/benchmarks">/);
});

test('stand-ins carry the "emulated" label on every page and chart where their numbers appear', { skip }, () => {
  const badge = '<span class="badge emulated"';
  for (const slug of ['phone-emulated', 'pi']) {
    const page = read(`device-${slug}.html`);
    const rows = page.split('<tr id=').slice(1);
    assert.ok(rows.length >= 1);
    for (const row of rows) assert.ok(row.includes(badge), `every job row of ${slug} is labelled`);
    assert.match(page, /<p class="notice"><span class="badge emulated"/);
    assert.match(read('index.html'), new RegExp(`<tr id="dev-${slug}"><th scope="row"><a href="device-${slug}.html">[^<]+</a> ${badge}`));
    assert.match(read('index.html'), new RegExp(`<h4 id="rec-${slug}">[^<]+ ${badge}`));
    assert.match(read(`charts/chart-accuracy-${slug}.svg`), /\(emulated\)/);
  }
  assert.match(read('charts/chart-latency.svg'), /pi \(emulated\)/);
  assert.match(read('method.html'), /<li><strong>pi<\/strong> <span class="badge emulated"[^>]*>emulated<\/span>: the job&#39;s Node sees aarch64/);
  assert.doesNotMatch(read('device-node.html'), /<span class="badge emulated"/, 'a real device is not labelled');
  assert.match(read('device-pi.html'), /vcgencmd measure_temp: 48.2 °C/, 'thermal notes');
});

test('the method page is generated from the runs: sampling, warm-up, crop, eval set, weights hashes, versions', { skip }, () => {
  const m = read('method.html');
  assert.match(m, /at least 1 warm-up inferences .* at least 5 samples and 100 ms have passed, capped at 20 samples or 500 ms/);
  assert.match(m, /centrally cropped to 87.5 %/);
  assert.match(m, /Eval set: <code>imagenet-sample<\/code>.*images per job: 8/);
  // The eval set's content hash, checked against shared/data's own SHA256SUMS (an independent listing of the same bytes).
  const listed = readFileSync(join(SHARED_DATA, 'SHA256SUMS'), 'utf8')
    .split('\n')
    .map((l) => /^([0-9a-f]{64}) {2}(?:\.\/)?images\/imagenet-sample\/(.+)$/.exec(l))
    .filter((x): x is RegExpExecArray => x !== null)
    .map(([, hash, file]) => [file, hash] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Each scored image with its label (the ImageNet class index), from the set's own labels table.
  const label = new Map(
    readFileSync(join(SHARED_DATA, 'images', 'imagenet-sample.labels.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .map(([f, , l1000]) => [f, l1000]),
  );
  const expected = createHash('sha256')
    .update(listed.map(([f, h]) => `${f}\0${label.get(f)}\0${h}\n`).join(''))
    .digest('hex');
  assert.match(m, new RegExp(`Content hash of the eval set: SHA-256 <code>${expected}</code> over its ${listed.length} scored images`));
  assert.match(m, /<code class="hash">[0-9a-f]{64}<\/code>/, 'the uint8 weights file hash');
  assert.match(m, /onnxruntime-node \d+\.\d+/);
});

test('every job row says the command that reproduces it, and that command plans the job', { skip }, () => {
  const page = read('device-node.html');
  const cmd = /<tr id="ort-node-cpu-0.25_128-uint8-tflite">[\s\S]*?<code class="cmd">mobilenet-bench run ([^<]+)<\/code>/.exec(page)?.[1];
  assert.ok(cmd, 'a reproduce command in the row');
  const r = runCli(['list', ...cmd.split(' ')], { cwd: site });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ {2}node\/ort-node-cpu\/0.25_128-uint8$/m);
  assert.match(r.stdout, /^1 jobs/m);
});

test('the same runs give byte-identical files, in any argument order and when published again in place', { skip }, () => {
  const second = join(root, 'site-2');
  assert.equal(runCli(['publish', ...[...runs].reverse(), '--out', second]).status, 0);
  assert.equal(runCli(['publish', ...runs, '--out', site]).status, 0, 'publishing again into its own site folder is allowed');
  const a = files(site);
  assert.deepEqual(files(second), a);
  for (const f of a) assert.ok(readFileSync(join(site, f)).equals(readFileSync(join(second, f))), `${f} identical`);
});

test('bad input: another schema version, the same run twice, an empty run, an output inside a run: exit 2 naming the folder', { skip }, () => {
  const other = join(root, 'bad-schema');
  cpSync(runs[0], other, { recursive: true });
  writeFileSync(join(other, 'run.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(other, 'run.json'), 'utf8')), schemaVersion: 2 }));
  const twice = join(root, 'copy-of-node');
  cpSync(runs[0], twice, { recursive: true });
  const empty = join(root, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'run.json'), readFileSync(join(runs[1], 'run.json')));
  writeFileSync(join(empty, 'results.jsonl'), '');
  const cases: [string[], RegExp][] = [
    [[runs[1], other], new RegExp(`run folder ${other}: incompatible schema: .*schemaVersion 2.*another results schema`)],
    [[runs[0], twice], new RegExp(`run folder ${twice}: run \\S+ is also given as ${runs[0]}`)],
    [[empty], new RegExp(`run folder ${empty}: run \\S+ has no job results \\(results.jsonl is empty\\)`)],
    [[join(root, 'missing')], new RegExp(`run folder ${join(root, 'missing')}: `)],
  ];
  for (const [dirs, message] of cases) {
    const out = join(root, `out-${cases.findIndex((c) => c[0] === dirs)}`);
    const r = runCli(['publish', ...dirs, '--out', out]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, STACK);
    assert.ok(!existsSync(out), 'nothing written');
  }
  const inside = runCli(['publish', runs[0], '--out', join(runs[0], 'site')]);
  assert.equal(inside.status, 2);
  assert.match(inside.stderr, /--out .*: refusing to write there, it is inside the input run folder/);
  const holds = runCli(['publish', runs[0], '--out', root]);
  assert.equal(holds.status, 2);
  assert.match(holds.stderr, /it holds the input run folder/);
  assert.equal(runCli(['publish', runs[0]]).status, 2, '--out is required');
});

test('in Chromium every page loads without console errors or requests, fits 390 and 1440 px, passes axe-core and works by keyboard', { skip }, async () => {
  const axe = readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const browser = await launchChromium();
  try {
    const pages = readdirSync(site)
      .filter((f) => f.endsWith('.html'))
      .sort();
    for (const file of pages) {
      for (const width of [390, 1440]) {
        const page = await browser.newPage();
        const url = pathToFileURL(join(site, file)).href;
        const problems: string[] = [];
        page.on('console', (m) => (m.type() === 'error' || m.type() === 'warn') && problems.push(m.text()));
        page.on('pageerror', (e) => problems.push(String(e)));
        page.on('request', (r) => r.url() !== url && !r.url().startsWith('data:') && problems.push(`request ${r.url()}`));
        await page.setViewport({ width, height: 900 });
        await page.goto(url, { waitUntil: 'load' });
        assert.equal(await page.evaluate(() => document.documentElement.dataset.ready), '1', `${file}: the page script ran under the CSP`);
        assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= width, `${file} fits ${width} px`);
        // axe-core is injected through the DevTools protocol, so the page's CSP is untouched.
        await page.evaluate(axe);
        const violations = await page.evaluate(async () => {
          const res = await (
            window as unknown as { axe: { run: (d: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }
          ).axe.run(document, { resultTypes: ['violations'] });
          return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id} (${v.nodes.length})`);
        });
        assert.deepEqual(violations, [], `${file} at ${width} px`);
        if (width === 390) {
          await page.keyboard.press('Tab');
          assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the content', `${file}: the first Tab reaches the skip link`);
        }
        if (file === 'index.html' && width === 1440) {
          await page.focus('button[data-chart="chart-latency"]');
          await page.keyboard.press('Enter');
          await page.waitForFunction(() => document.querySelector<HTMLElement>('button[data-chart="chart-latency"]')?.dataset.done === 'png', {
            timeout: 10_000,
          });
        }
        assert.deepEqual(problems, [], `${file} at ${width} px`);
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
});
