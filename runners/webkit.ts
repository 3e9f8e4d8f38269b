/**
 * WebKit, the stand-in for Safari's engine, as a configuration of the WebDriver runner:
 * WebKitGTK's MiniBrowser driven by Debian's WebKitWebDriver (webkit2gtk-driver), which the
 * harness starts on a free loopback port under a private Xvfb display when there is none.
 * Each job gets a fresh session, hence a fresh MiniBrowser and web process, whose peak RSS
 * comes from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { requireBrowserExecutable } from '../harness/browsers.ts';
import type { Target } from '../harness/config/schema.ts';
import { startLocalServer, waitFor } from './local-server.ts';
import { waitExitedSync } from './stop-processes.ts';
import type { InstanceRef, Runner } from '../harness/runner.ts';
import { createWebDriverRunner, type WebDriverEndpoint } from './webdriver.ts';

type WebkitTarget = Extract<Target, { type: 'webkit' }>;

/** Where Debian puts MiniBrowser (webkit2gtk-4.1, then 4.0 and 6.0). */
export const MINIBROWSER_PATHS = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser',
  '/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser',
];

/**
 * Stop a private Xvfb and remove what it leaves when it cannot clean up itself (killed): its
 * /tmp/.X<n>-lock (only while that names its PID) and its /tmp/.X11-unix/X<n> socket.
 * Synchronous, for exit handlers too; never throws.
 */
function stopXvfb(proc: ChildProcess, n: number): void {
  try {
    const pid = proc.pid;
    if (pid === undefined) return;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM'); // Xvfb removes its lock and socket on SIGTERM
      if (!waitExitedSync([pid], Date.now() + 2000)) {
        proc.kill('SIGKILL');
        waitExitedSync([pid], Date.now() + 2000);
      }
    }
    const lock = `/tmp/.X${n}-lock`;
    if (existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(pid)) {
      rmSync(`/tmp/.X11-unix/X${n}`, { force: true });
      rmSync(lock, { force: true });
    }
  } catch {
    /* nothing more to do; an exit handler must not throw */
  }
}

/** Private Xvfbs still running: stopped (and their files removed) when this process exits. */
const runningXvfbs = new Map<ChildProcess, number>();
let xvfbExitHooked = false;

/** Start Xvfb on a free display number; resolves to the display and how to stop it. */
async function startXvfb(): Promise<{ display: string; proc: ChildProcess; stop(): void }> {
  if (!existsSync('/usr/bin/Xvfb')) throw new Error('no DISPLAY and no Xvfb: install it with `sudo apt-get install xvfb xauth`, or set DISPLAY');
  for (let n = 90 + Math.floor(Math.random() * 400); ; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const proc = spawn('/usr/bin/Xvfb', [`:${n}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const stop = () => {
      runningXvfbs.delete(proc);
      stopXvfb(proc, n);
    };
    runningXvfbs.set(proc, n);
    if (!xvfbExitHooked) {
      xvfbExitHooked = true;
      process.on('exit', () => {
        for (const [p, display] of runningXvfbs) stopXvfb(p, display);
      });
    }
    try {
      await waitFor(() => existsSync(`/tmp/.X11-unix/X${n}`) || proc.exitCode !== null, 10_000, 'Xvfb did not start within 10 s');
    } catch (e) {
      stop();
      throw e;
    }
    if (proc.exitCode === null) return { display: `:${n}`, proc, stop };
    runningXvfbs.delete(proc);
  }
}

/** The WebDriver endpoint of a webkit target: WebKitWebDriver (and Xvfb) started here. */
export async function webkitEndpoint(target: WebkitTarget): Promise<WebDriverEndpoint> {
  const driverPath = requireBrowserExecutable('webkit', target.driverPath);
  const browserPath = target.browserPath ?? MINIBROWSER_PATHS.find((p) => existsSync(p));
  if (!browserPath || !existsSync(browserPath)) {
    throw new Error(
      `no MiniBrowser found (looked at ${target.browserPath ?? MINIBROWSER_PATHS.join(', ')}); install it with \`sudo apt-get install webkit2gtk-driver\` (it pulls libwebkit2gtk with MiniBrowser), or set the target's browserPath`,
    );
  }
  let xvfb: { stop(): void } | null = null;
  let display = process.env.DISPLAY;
  if (!display) {
    if (!target.xvfb) throw new Error('no DISPLAY set and the target has xvfb: false');
    const x = await startXvfb();
    xvfb = x;
    display = x.display;
  }
  const local = await startLocalServer({
    name: 'WebKitWebDriver',
    command: driverPath,
    args: (port) => [`--port=${port}`],
    env: { ...process.env, DISPLAY: display },
    readyTimeoutMs: 15_000,
    onClose: () => xvfb?.stop(),
  }).catch((e: Error) => {
    xvfb?.stop();
    throw e;
  });
  return {
    name: target.name,
    serverUrl: local.url,
    secrets: [],
    local,
    newSession: () => ({ capabilities: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: browserPath, args: ['--automation'] } } }),
    sessionTimeoutMs: 60_000,
    sessionPerJob: true,
    oneSessionAtATime: true,
    pollSliceMs: 20_000,
    emulated: false,
    thermal: 'none',
    adbShell: false,
    page: {},
    localPageProcess: { match: /WebKitWebProcess/, label: "MiniBrowser's WebKitWebProcess" },
  };
}

/** Create the runner for a webkit target: the WebDriver runner on a local WebKitWebDriver. */
export async function createWebkitRunner(target: WebkitTarget, instance: InstanceRef): Promise<Runner> {
  return createWebDriverRunner(await webkitEndpoint(target), instance);
}
