/**
 * `npm run bench:grid`: what the Grid adds per session, and what two instances buy, on the
 * stand-in (all on this machine). Prints:
 *   1. session create and delete times through the hub versus directly (chromedriver for the
 *      desktop node, Appium for the relay node), medians of N each;
 *   2. the same desktop matrix on `instances: 1` and `instances: 2`: wall time, sum of job
 *      durations and the speed-up.
 * Options: --sessions N (default 8, alternating hub and direct), --no-matrix.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { resolveConfig, type UserConfig } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { QUICK_ACCURACY_SAMPLES, QUICK_SAMPLING } from '../../cli/options.ts';
import { runnerFor } from '../../runners/index.ts';
import { openSession } from '../../runners/webdriver-client.ts';
import { DESKTOP_CHROMIUM_ARGS, DESKTOP_POOL, gridBenchConfig, PHONE_POOL, startGrid } from './grid.ts';
import { freePort } from '../../runners/local-server.ts';
import { tempDir, tempRunDir } from '../helpers/temp-dirs.ts';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '8' }, 'no-matrix': { type: 'boolean' } } });
const N = Number(values.sessions);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

interface Times {
  create: number[];
  del: number[];
}

/** Open and delete one session; adds its times. */
async function once(url: string, caps: Record<string, unknown>, into: Times): Promise<void> {
  let t = performance.now();
  const s = await openSession(url, caps, 120_000);
  into.create.push(performance.now() - t);
  t = performance.now();
  await s.delete();
  into.del.push(performance.now() - t);
}

/** `n` sessions each way, alternating, so that a change in the machine's load hits both alike. */
async function paired(a: [string, Record<string, unknown>], b: [string, Record<string, unknown>], n: number): Promise<[Times, Times]> {
  const ta: Times = { create: [], del: [] };
  const tb: Times = { create: [], del: [] };
  for (let i = 0; i < n; i++) {
    await once(...a, ta);
    await once(...b, tb);
  }
  return [ta, tb];
}

/** Load average: how busy the machine was (figures under load are inflated). */
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const grid = await startGrid({ dir: tempDir('mnb-grid-bench-'), desktopNodes: 1, desktopSlots: 2, phone: true });
try {
  process.stdout.write(`Selenium Grid stand-in up: hub ${grid.hubUrl}; load average ${load()}\n\n`);
  const desktopCaps = { browserName: 'chrome', platformName: 'linux', 'goog:chromeOptions': { binary: '/usr/bin/chromium', args: DESKTOP_CHROMIUM_ARGS } };
  // Direct: a chromedriver of our own on a free loopback port.
  const port = await freePort();
  const driver = spawn('/usr/bin/chromedriver', [`--port=${port}`], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const [viaHub, direct] = await paired([grid.hubUrl, { ...desktopCaps, 'bench:pool': DESKTOP_POOL }], [`http://127.0.0.1:${port}`, desktopCaps], N);
    process.stdout.write(
      `Desktop Chromium session, ${N} each:\n  via the hub:        create ${fmt(viaHub.create)}; delete ${fmt(viaHub.del)}\n  chromedriver direct: create ${fmt(direct.create)}; delete ${fmt(direct.del)}\n  the Grid adds ${(median(viaHub.create) - median(direct.create)).toFixed(0)} ms per create, ${(median(viaHub.del) - median(direct.del)).toFixed(0)} ms per delete (medians)\n\n`,
    );
  } finally {
    driver.kill('SIGKILL');
  }
  const phoneCaps = {
    platformName: 'linux',
    browserName: 'chrome',
    'appium:automationName': 'Chromium',
    'appium:executable': '/usr/bin/chromedriver',
    'appium:autodownloadEnabled': false,
    'appium:disableBuildCheck': true,
    'appium:chromedriverPort': grid.phoneChromedriverPort,
    'goog:chromeOptions': { binary: '/usr/bin/chromium', args: DESKTOP_CHROMIUM_ARGS, mobileEmulation: { deviceName: 'Pixel 7' } },
  };
  const [phoneHub, phoneDirect] = await paired([grid.hubUrl, { ...phoneCaps, 'bench:pool': PHONE_POOL }], [grid.appiumUrl!, phoneCaps], N);
  process.stdout.write(
    `phone-emulated session (Appium's Chromium driver), ${N} each:\n  via the hub (relay): create ${fmt(phoneHub.create)}; delete ${fmt(phoneHub.del)}\n  Appium direct:       create ${fmt(phoneDirect.create)}; delete ${fmt(phoneDirect.del)}\n  the Grid adds ${(median(phoneHub.create) - median(phoneDirect.create)).toFixed(0)} ms per create, ${(median(phoneHub.del) - median(phoneDirect.del)).toFixed(0)} ms per delete (medians)\n\n`,
  );

  if (!values['no-matrix']) {
    const base = gridBenchConfig(grid) as { targets: Array<Record<string, unknown>> };
    const desktop = base.targets.find((t) => t.name === 'grid-desktop')!;
    const rows: string[] = [];
    for (const instances of [1, 2]) {
      const config = resolveConfig({
        targets: [{ ...desktop, instances }],
        shareHost: true,
        variants: { alpha: [0.25], resolution: [128, 160] },
        implementations: ['reference', 'tfjs:wasm'],
        sampling: QUICK_SAMPLING,
        accuracy: { samples: QUICK_ACCURACY_SAMPLES },
      } as UserConfig);
      const t0 = performance.now();
      const { results } = await runBenchmark({ config, runnerFor, outDir: tempRunDir('mnb-grid-bench-run-') });
      const wall = performance.now() - t0;
      const sum = results.reduce((s, r) => s + r.durationMs, 0);
      rows.push(
        `  instances: ${instances}: wall ${(wall / 1000).toFixed(1)} s, sum of job durations ${(sum / 1000).toFixed(1)} s, ${results.filter((r) => r.status === 'ok').length}/${results.length} ok, load average ${load()}`,
      );
      process.stdout.write(`${rows.at(-1)}\n`);
    }
    const walls = rows.map((r) => Number(/wall ([\d.]+)/.exec(r)![1]));
    process.stdout.write(
      `Speed-up from 2 instances: ${(walls[0] / walls[1]).toFixed(2)}x (this machine has ${cpus().length} cores, shared by every "device" of the stand-in)\n`,
    );
  }
} finally {
  await grid.stop();
}
