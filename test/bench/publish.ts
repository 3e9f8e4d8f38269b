/**
 * The published site from real runs of four targets on this machine: Node, Chromium,
 * phone-emulated (Appium with Chromium device emulation) and the emulated Raspberry Pi (the
 * SSH stand-in, arm64 Node under qemu-user; it needs root). Each run uses the real weights and
 * the shared photos (0.25_128 uint8 and 0.25_224 float; the Pi only 0.25_128 uint8: emulation is
 * 50–260× slower). Then `publish`, `sha256sum -c`, a second publish compared byte for byte, and
 * per page the size, Chromium console errors and axe-core's serious/critical count at 390 and
 * 1440 px, with screenshots beside the site. Timings depend on the load: it is printed.
 *
 *   node --import tsx test/bench/publish.ts [--out DIR] [--data DIR] [--skip-pi]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { resolveConfig, type UserConfig } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { publishSite } from '../../reports/site/write.ts';
import { piStandinUnavailable, standinConfig, standinDown, standinUp } from '../standins/pi.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    data: { type: 'string', default: resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data') },
    'skip-pi': { type: 'boolean', default: false },
  },
});
const data = process.env.MOBILENET_BENCH_DATA ?? values.data!;
const root = mkdtempSync(join(tmpdir(), 'mnb-bench-publish-'));
const site = values.out ?? join(root, 'site');
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const say = (s: string) => process.stdout.write(`${s}\n`);
say(`load before: ${load()} (${cpus().length} cores); runs in ${root}`);

const base: UserConfig = {
  weights: { source: 'official', mirror: data },
  variants: { alpha: [0.25], resolution: [128, 224] },
  precision: ['float32', 'uint8'],
  sampling: { warmupSamples: 2, warmupTimeMs: 0, minSamples: 10, minTimeMs: 300, maxSamples: 50, maxTimeMs: 2000 },
  accuracy: { evalSet: join(data, 'images', 'imagenet-sample'), samples: 50, seed: 1, referenceSamples: 2 },
};
const runs: string[] = [];
async function run(name: string, user: UserConfig): Promise<void> {
  const t0 = Date.now();
  const outDir = join(root, name);
  const { results } = await runBenchmark({ config: resolveConfig({ ...base, ...user }), runnerFor, outDir });
  runs.push(outDir);
  say(`${name}: ${results.length} jobs (${results.filter((r) => r.status === 'ok').length} ok) in ${((Date.now() - t0) / 1000).toFixed(0)} s, load ${load()}`);
}

await run('node', { targets: [{ name: 'node', type: 'node' }], implementations: ['ort-node:cpu', 'tfjs:wasm'] });
await run('chromium', { targets: [{ name: 'chromium', type: 'chromium' }], implementations: ['tfjs:wasm', 'ort-web:wasm'] });
await run('phone-emulated', { targets: [{ name: 'phone-emulated', type: 'appium', preset: 'phone-emulated' }], implementations: ['tfjs:wasm'] });
const noPi = values['skip-pi'] ? 'skipped (--skip-pi)' : piStandinUnavailable();
if (noPi) say(`pi: ${noPi}`);
else {
  const s = await standinUp();
  try {
    await run('pi', {
      ...(standinConfig(s) as UserConfig),
      variants: { alpha: [0.25], resolution: [128] },
      precision: ['uint8'],
      implementations: ['ort-node:cpu'],
      accuracy: { ...base.accuracy, samples: 8 },
    });
  } finally {
    standinDown();
  }
}

let t0 = Date.now();
const files = publishSite(runs, site);
say(`\npublish: ${files.length} files in ${Date.now() - t0} ms → ${site}`);
const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(site, 'data'), encoding: 'utf8' });
say(`sha256sum -c: exit ${sums.status}\n${sums.stdout.trim()}`);
const again = join(root, 'site-again');
t0 = Date.now();
publishSite([...runs].reverse(), again);
const differ = files.filter((f) => !readFileSync(join(site, f)).equals(readFileSync(join(again, f))));
say(`second publish (runs in reverse order): ${differ.length ? `DIFFERS in ${differ.join(', ')}` : 'byte-identical'} (${Date.now() - t0} ms)`);

const shots = join(root, 'screenshots');
mkdirSync(shots, { recursive: true });
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
});
if (chromium) {
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: join(root, 'profile'),
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const axe = readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const file of readdirSync(site)
    .filter((f) => f.endsWith('.html'))
    .sort()) {
    const line: string[] = [`${file.padEnd(32)} ${(statSync(join(site, file)).size / 1024).toFixed(0).padStart(4)} KiB`];
    for (const width of [390, 1440]) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.setViewport({ width, height: 900 });
      await page.goto(pathToFileURL(join(site, file)).href, { waitUntil: 'load' });
      await page.screenshot({ path: join(shots, `${file.replace('.html', '')}-${width}.png`), fullPage: true });
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.evaluate(axe);
      const bad = await page.evaluate(async () =>
        (await (window as unknown as { axe: { run: () => Promise<{ violations: { impact: string; id: string }[] }> } }).axe.run()).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => v.id),
      );
      line.push(`${width} px: width ${scroll}, console errors ${errors.length}, axe serious/critical ${bad.length ? bad.join(',') : 0}`);
      await page.close();
    }
    say(line.join(' | '));
  }
  await browser.close();
  say(`screenshots: ${shots}`);
}
say(`load after: ${load()}`);
