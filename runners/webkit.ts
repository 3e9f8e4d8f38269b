/**
 * WebKit, the stand-in for Safari's engine: WebKitGTK's MiniBrowser driven by Debian's
 * WebKitWebDriver (webkit2gtk-driver) over classic WebDriver with webdriverio, under a private
 * Xvfb display when there is none. Each job gets a fresh WebDriver session, hence a fresh
 * MiniBrowser and web process; the page runs the same runProbe as everywhere, and the runner
 * polls for its JobResult (so a busy page never trips a WebDriver script timeout). The web
 * process's peak RSS comes from /proc. A session that dies or outlives the job's limit fails
 * its job with the reason, and the next job starts a new one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { requireBrowserExecutable } from '../harness/browsers.ts';
import type { Target } from '../harness/config.ts';
import type { Job } from '../harness/plan.ts';
import type { JobResult } from '../harness/results.ts';
import { delay, failedResult, skipIfUnsupported, startPageHost } from './page-host.ts';
import { descendantsOf, peakRssOf } from './procfs.ts';
import type { Runner } from './runner.ts';

type WebkitTarget = Extract<Target, { type: 'webkit' }>;

/** Where Debian puts MiniBrowser (webkit2gtk-4.1, then 4.0 and 6.0). */
export const MINIBROWSER_PATHS = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser',
  '/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser',
];

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Wait until `check` is true, polling every 100 ms, or throw `message` after `ms`. */
async function waitFor(check: () => boolean | Promise<boolean>, ms: number, message: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await delay(100).promise;
  }
  throw new Error(message);
}

/** Start Xvfb on a free display number; resolves to the display and the process. */
async function startXvfb(): Promise<{ display: string; proc: ChildProcess }> {
  if (!existsSync('/usr/bin/Xvfb')) throw new Error('no DISPLAY and no Xvfb: install it with `sudo apt-get install xvfb xauth`, or set DISPLAY');
  for (let n = 90 + Math.floor(Math.random() * 400); ; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const proc = spawn('/usr/bin/Xvfb', [`:${n}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    try {
      await waitFor(() => existsSync(`/tmp/.X11-unix/X${n}`) || proc.exitCode !== null, 10_000, 'Xvfb did not start within 10 s');
    } catch (e) {
      proc.kill('SIGKILL');
      throw e;
    }
    if (proc.exitCode === null) return { display: `:${n}`, proc };
  }
}

interface ProbePageGlobal {
  __mobilenetBench?: { start(j: unknown, a: unknown): void; result: unknown };
}

/** Create the runner for a webkit target; the driver starts here, a browser session per job. */
export async function createWebkitRunner(target: WebkitTarget): Promise<Runner> {
  const driverPath = requireBrowserExecutable('webkit', target.driverPath);
  const browserPath = target.browserPath ?? MINIBROWSER_PATHS.find((p) => existsSync(p));
  if (!browserPath || !existsSync(browserPath)) {
    throw new Error(`no MiniBrowser found (looked at ${target.browserPath ?? MINIBROWSER_PATHS.join(', ')}); install it with \`sudo apt-get install webkit2gtk-driver\` (it pulls libwebkit2gtk with MiniBrowser), or set the target's browserPath`);
  }
  const { remote } = await import('webdriverio');
  const host = await startPageHost();
  let xvfb: ChildProcess | null = null;
  let display = process.env.DISPLAY;
  if (!display) {
    if (!target.xvfb) throw new Error('no DISPLAY set and the target has xvfb: false');
    const x = await startXvfb();
    xvfb = x.proc;
    display = x.display;
  }
  const port = await freePort();
  const driver = spawn(driverPath, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DISPLAY: display } });
  let driverLog = '';
  driver.stderr!.on('data', (d: Buffer) => {
    driverLog = (driverLog + d.toString()).slice(-2000);
  });
  await waitFor(async () => {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.exitCode}): ${driverLog.trim()}`);
    try {
      return (await fetch(`http://127.0.0.1:${port}/status`)).ok;
    } catch {
      return false;
    }
  }, 15_000, 'WebKitWebDriver did not answer within 15 s');

  const stopAll = async () => {
    if (driver.exitCode === null) driver.kill('SIGTERM');
    await delay(300).promise;
    if (driver.exitCode === null) driver.kill('SIGKILL');
    xvfb?.kill('SIGTERM');
    await host.close();
  };

  const runJob = async (job: Job): Promise<JobResult> => {
    const started = Date.now();
    let prepared;
    try {
      prepared = await host.prepareJob(job);
    } catch (e) {
      return failedResult(job, `preparing the job's data in Node: ${(e as Error).message}`, started);
    }
    let session: WebdriverIO.Browser | null = null;
    try {
      session = await remote({
        hostname: '127.0.0.1',
        port,
        path: '/',
        logLevel: 'silent',
        connectionRetryCount: 0,
        connectionRetryTimeout: 60_000,
        automationProtocol: 'webdriver',
        capabilities: {
          browserName: 'MiniBrowser',
          // Classic WebDriver: WebKitWebDriver does not speak BiDi, and wdio would ask for it (webSocketUrl).
          'wdio:enforceWebDriverClassic': true,
          'webkitgtk:browserOptions': { binary: browserPath, args: ['--automation'] },
        } as WebdriverIO.Capabilities,
      });
      const s = session;
      await s.url(host.pageUrl);
      await waitFor(async () => Boolean(await s.execute(() => typeof (globalThis as ProbePageGlobal).__mobilenetBench === 'object')), 30_000, 'the probe page did not load within 30 s');
      await s.execute(
        (j: unknown, a: unknown) => (globalThis as ProbePageGlobal).__mobilenetBench!.start(j, a),
        job as unknown,
        prepared.assets as unknown,
      );
      const deadline = started + job.timeoutMs;
      let text: string | null = null;
      while (text === null) {
        if (Date.now() > deadline) {
          return failedResult(job, `exceeded its time limit of ${Math.round(job.timeoutMs / 1000)} s in webkit and was abandoned (its session was closed; raise jobTimeoutMs, or lower sampling.maxTimeMs / accuracy.samples)`, started);
        }
        await delay(250).promise;
        text = await s.execute(() => {
          const r = (globalThis as ProbePageGlobal).__mobilenetBench?.result;
          return r ? JSON.stringify(r) : null;
        });
      }
      const result = skipIfUnsupported(JSON.parse(text) as JobResult);
      const mini = descendantsOf(driver.pid!).filter((p) => /WebKitWebProcess/.test(p.cmdline)).sort((a, b) => b.cpuTicks - a.cpuTicks);
      const peak = mini[0] ? peakRssOf(mini[0].pid) : null;
      if (result.memory && peak !== null) {
        result.memory.peakRssBytes = peak;
        result.memory.peakRssSource = `VmHWM of MiniBrowser's WebKitWebProcess (pid ${mini[0].pid}, from /proc${mini.length > 1 ? `; busiest of ${mini.length}` : ''})`;
      }
      if (result.effective) {
        const caps = s.capabilities as Record<string, unknown>;
        result.effective.details = { ...result.effective.details, browserVersion: `${String(caps.browserName)}/${String(caps.browserVersion)}` };
      }
      return result;
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0];
      const dead = driver.exitCode !== null ? `; WebKitWebDriver exited: ${driverLog.trim().split('\n').slice(-3).join(' ')}` : '';
      return failedResult(job, `webkit: ${msg}${dead} (a new session is started for the next job)`, started);
    } finally {
      prepared.release();
      if (session) await Promise.race([session.deleteSession().catch(() => {}), delay(10_000).promise]);
      // A MiniBrowser that did not go away with its session (hung page) is killed.
      for (const p of descendantsOf(driver.pid!)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  };

  return { runJob, close: stopAll };
}

