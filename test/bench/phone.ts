/**
 * The phone stand-in against desktop Chromium on this machine: one `--quick`-style run of
 * chromium and phone-emulated (Appium, mobileEmulation, CDP CPU throttling), then per
 * implementation the two medians and their ratio, and the WebDriver session create and delete
 * times the phone jobs recorded. CDP throttling caps the page's main thread at 1/rate of wall
 * time, so on a machine already busy with other work the ratio shrinks: the load average is
 * printed beside the figures.
 *
 *   node --import tsx test/bench/phone.ts [--alpha 0.25] [--resolution 128] [--rate 4] [--repeats 1]
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../../harness/config/schema.ts';
import { BROWSER_PRESET_IMPLEMENTATIONS } from '../../harness/config/presets.ts';
import { runBenchmark } from '../../harness/run.ts';
import { QUICK_SAMPLING } from '../../cli/options.ts';
import { runnerFor } from '../../runners/index.ts';
import type { JobResult } from '../../contract/results.ts';

const { values } = parseArgs({
  options: {
    alpha: { type: 'string', default: '0.25' },
    resolution: { type: 'string', default: '128' },
    rate: { type: 'string', default: '4' },
    repeats: { type: 'string', default: '1' },
  },
});
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadBefore = load();
const config = resolveConfig({
  targets: [
    { type: 'chromium', name: 'chromium', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
    { type: 'appium', preset: 'phone-emulated', cpuThrottlingRate: Number(values.rate), implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  ],
  variants: { alpha: [Number(values.alpha)], resolution: [Number(values.resolution)] },
  sampling: { ...QUICK_SAMPLING, repeats: Number(values.repeats) },
  accuracy: { samples: 4 },
});
const { results } = await runBenchmark({ config, runnerFor, outDir: join(mkdtempSync(join(tmpdir(), 'mnb-bench-phone-')), 'run') });
const key = (r: JobResult) => r.id.split('/').slice(1).join('/');
const desktop = new Map(results.filter((r) => r.target === 'chromium').map((r) => [key(r), r]));
const rows = [['job', 'chromium ms', 'phone-emulated ms', 'ratio', 'session create ms', 'previous session delete ms']];
for (const p of results.filter((r) => r.target === 'phone-emulated')) {
  const c = desktop.get(key(p));
  const pm = p.latency?.medianMs;
  const cm = c?.latency?.medianMs;
  const d = p.device?.details ?? {};
  rows.push([
    key(p),
    cm?.toFixed(2) ?? c?.status ?? '-',
    pm?.toFixed(2) ?? p.status,
    pm && cm ? `${(pm / cm).toFixed(2)}×` : '-',
    String(d.sessionCreateMs ?? '-'),
    String(d.previousSessionDeleteMs ?? '-'),
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) process.stdout.write(`${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}\n`);
process.stdout.write(
  `\nCPU throttling rate ${values.rate} (CDP throttles the page's main thread). Load average before: ${loadBefore}, after: ${load()} (${cpus().length} cores)\n`,
);
