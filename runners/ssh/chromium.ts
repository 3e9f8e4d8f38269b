/**
 * Chromium on a board, driven through the SSH connection: the board's Chromium starts headless
 * with remote debugging on the board's loopback; a local loopback port forwards to it over SSH
 * (like ssh -L) and the existing puppeteer runner connects there; the probe page is served to
 * it through a reverse forward on the board's loopback (like ssh -R). Nothing listens on the
 * LAN on either side. The browser is stopped when its session ends, also when the link drops.
 */
import { createServer, connect as netConnect, type Server } from 'node:net';
import type { Browser } from 'puppeteer-core';
import type { Job } from '../../harness/plan.ts';
import type { JobResult, ThermalReading } from '../../contract/results.ts';
import { CHROMIUM_ARGS, createPuppeteerRunner } from '../browser.ts';
import { startPageHost, type PageHost } from '../page-host.ts';
import type { InstanceRef, Runner } from '../../harness/runner.ts';
import { readBoardThermal } from './board.ts';
import { shellQuote, SshError, type SshConnection } from './connection.ts';
import { seconds, withTimeLimit } from '../../harness/time-limit.ts';
import { connectBoard, deviceOf, sshHostOf, type Board, type SshRunnerOptions, type SshTarget } from './session.ts';

/**
 * The shell script that runs Chromium on the board until its stdin closes (the job is over, or
 * the link dropped), then stops it and removes its profile. It says MNB_EXITED when Chromium
 * ends by itself, so a browser that cannot start fails at once.
 */
function remoteChromiumScript(chromiumPath: string | undefined, args: string[], env: Record<string, string> = {}): string {
  const find = chromiumPath ? shellQuote(chromiumPath) : '"$(command -v chromium || command -v chromium-browser || command -v google-chrome)"';
  return [
    ...Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `C=${find}`,
    'if [ -z "$C" ] || ! [ -x "$C" ]; then echo "MNB_NO_CHROMIUM" >&2; exit 127; fi',
    'D=$(mktemp -d "${TMPDIR:-/tmp}/mnb-chromium-XXXXXX") || exit 1',
    'exec 3<&0',
    // In a process group of its own (setsid, where there is one): its children (zygote,
    // renderers) keep writing into the profile after the main process is killed, so the group goes.
    'G=; command -v setsid >/dev/null 2>&1 && G=setsid',
    `$G "$C" --headless --remote-debugging-address=127.0.0.1 --remote-debugging-port=0 --user-data-dir="$D" ${args.map(shellQuote).join(' ')} about:blank </dev/null &`,
    'P=$!',
    'stop() { if [ -n "$G" ]; then kill -9 -$P 2>/dev/null; else kill -9 $P 2>/dev/null; fi; }',
    '( cat <&3 >/dev/null; kill $P 2>/dev/null; sleep 2; stop ) &',
    'W=$!',
    // Clean up before saying so: once the link is gone, writing to it would end this shell.
    'wait $P; S=$?',
    'kill $W 2>/dev/null; stop',
    // Chromium's singleton folder (in its TMPDIR, where the SingletonSocket link points) goes too: a killed Chromium leaves it.
    'L=$(readlink "$D/SingletonSocket" 2>/dev/null)',
    'i=0; while [ -e "$D" ] && [ $i -lt 25 ]; do rm -rf "$D" 2>/dev/null || sleep 0.2; i=$((i+1)); done',
    'case "$L" in */org.chromium.Chromium.*/SingletonSocket) rm -rf "${L%/SingletonSocket}";; esac',
    'echo "MNB_EXITED $S" >&2',
  ].join('\n');
}

/** Longest the board's Chromium may take to print its DevTools address once started. */
const CHROMIUM_START_TIMEOUT_MS = 60_000;
/** Longest the board's Chromium may take to accept the DevTools connection and answer its first call. */
const CHROMIUM_CONNECT_TIMEOUT_MS = 60_000;

/** Parse `DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID` from Chromium's stderr. */
export function devtoolsEndpoint(stderr: string): { port: number; path: string } | null {
  const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)(\/devtools\/browser\/[\w-]+)/.exec(stderr);
  return m ? { port: Number(m[1]), path: m[2] } : null;
}

/** A local loopback port whose connections are forwarded over SSH to a port on the board's loopback. */
async function localForward(conn: SshConnection, remotePort: number): Promise<Server> {
  const server = createServer((socket) => {
    conn.forwardOut(remotePort).then(
      (ch) => {
        socket.pipe(ch).pipe(socket);
        ch.on('error', () => socket.destroy());
        socket.on('error', () => ch.close());
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

/** Read /proc/<pid>/status on the board: a field (VmHWM, VmRSS) in bytes, or null. */
async function remoteProcField(conn: SshConnection, pid: number, field: string): Promise<number | null> {
  const r = await conn.run(`cat /proc/${Math.trunc(pid)}/status 2>/dev/null`).catch(() => null);
  const m = r ? new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(r.stdout) : null;
  return m ? Number(m[1]) * 1024 : null;
}

/** The runner for an ssh target with `browser: 'chromium'`. */
export async function createRemoteChromiumRunner(target: SshTarget, instance: InstanceRef, options: SshRunnerOptions = {}): Promise<Runner> {
  let board: Board = await connectBoard(target, instance);
  let pageHost: PageHost | null = null;
  let reversePort = 0;
  let stopBrowser: (() => Promise<void>) | null = null;
  let forward: Server | null = null;
  let browserVersion: string | null = null;

  /** Reconnect after a lost link, with the reverse forward and a page host whose URLs use it. */
  const ensureBoard = async (): Promise<Board> => {
    if (board.conn.closedReason() === null && pageHost) return board;
    if (board.conn.closedReason() !== null) board = await connectBoard(target, instance);
    const local = pageHost;
    let localPort = local ? Number(new URL(local.server.url).port) : 0;
    const port = await board.conn.forwardIn((ch) => {
      const socket = netConnect(localPort, '127.0.0.1');
      ch.pipe(socket).pipe(ch);
      socket.on('error', () => ch.close());
      ch.on('error', () => socket.destroy());
    });
    if (!pageHost || port !== reversePort) {
      await pageHost?.close();
      pageHost = await startPageHost({ publicUrl: `http://127.0.0.1:${port}/` });
      localPort = Number(new URL(pageHost.server.url).port);
      reversePort = port;
    }
    return board;
  };
  await ensureBoard();

  const stop = async () => {
    const s = stopBrowser;
    stopBrowser = null;
    forward?.close();
    forward = null;
    await s?.();
  };

  const connectBrowser = async (): Promise<Browser> => {
    const b = await ensureBoard();
    await stop();
    const ch = await b.conn.exec(`sh -c ${shellQuote(remoteChromiumScript(target.chromiumPath, CHROMIUM_ARGS, target.env))}`);
    // The script stops Chromium and removes its profile when its stdin closes (also when the link drops).
    let chClosed = false;
    ch.once('close', () => {
      chClosed = true;
    });
    stopBrowser = async () => {
      await new Promise<void>((done) => {
        if (chClosed) return done();
        ch.once('close', () => done());
        ch.end();
        setTimeout(done, 10_000).unref();
      });
    };
    let stderr = '';
    const ready = new Promise<{ port: number; path: string }>((done, fail) => {
      const timer = setTimeout(
        () =>
          fail(
            new SshError(
              `Chromium on ${b.conn.endpoint.host} did not print its DevTools address within ${seconds(CHROMIUM_START_TIMEOUT_MS)}; its output:\n${stderr.slice(-1000)}`,
            ),
          ),
        CHROMIUM_START_TIMEOUT_MS,
      );
      ch.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-20_000);
        if (/MNB_EXITED/.test(stderr) && !devtoolsEndpoint(stderr)) {
          clearTimeout(timer);
          fail(
            new SshError(
              `Chromium on ${b.conn.endpoint.host} exited before it was ready; its output:\n${stderr
                .replace(/MNB_EXITED.*/, '')
                .trim()
                .slice(-1000)}`,
            ),
          );
        }
        if (stderr.includes('MNB_NO_CHROMIUM')) {
          clearTimeout(timer);
          fail(
            new SshError(
              `no Chromium on ${b.conn.endpoint.host}: install it (Raspberry Pi OS: apt install chromium-browser; Debian: apt install chromium), or set the target's chromiumPath`,
            ),
          );
        }
        const found = devtoolsEndpoint(stderr);
        if (found) {
          clearTimeout(timer);
          done(found);
        }
      });
      ch.on('close', () => {
        clearTimeout(timer);
        fail(new SshError(`Chromium on ${b.conn.endpoint.host} exited before it was ready; its output:\n${stderr.slice(-1000)}`));
      });
    });
    let endpoint: { port: number; path: string };
    try {
      endpoint = await ready;
    } catch (e) {
      // A Chromium that never got ready (or hangs) is stopped, not left running on the board.
      await stop();
      throw e;
    }
    forward = await localForward(b.conn, endpoint.port);
    const { port } = forward.address() as { port: number };
    const puppeteer = (await import('puppeteer-core')).default;
    const host = b.conn.endpoint.host;
    try {
      const browser = await withTimeLimit(
        puppeteer.connect({ browserWSEndpoint: `ws://127.0.0.1:${port}${endpoint.path}`, protocolTimeout: 24 * 3600_000 }),
        CHROMIUM_CONNECT_TIMEOUT_MS,
        `Chromium on ${host} printed its DevTools address but did not answer on it within ${seconds(CHROMIUM_CONNECT_TIMEOUT_MS)}`,
        { onLate: (late) => void late.disconnect().catch(() => {}) },
      );
      browserVersion = await withTimeLimit(
        browser.version(),
        CHROMIUM_CONNECT_TIMEOUT_MS,
        `Chromium on ${host} did not tell its version within ${seconds(CHROMIUM_CONNECT_TIMEOUT_MS)}`,
        {
          onTimeout: () => void browser.disconnect().catch(() => {}),
        },
      );
      return browser;
    } catch (e) {
      await stop();
      throw e;
    }
  };

  const inner = await createPuppeteerRunner(
    { type: 'chromium', name: target.name, headless: true, args: [], ...(target.jobTimeoutMs ? { jobTimeoutMs: target.jobTimeoutMs } : {}) },
    {
      startTimeoutMs: 120_000,
      remote: {
        pageHost: () => pageHost!,
        connect: connectBrowser,
        stop,
        peakRssOf: (pid) => remoteProcField(board.conn, pid, 'VmHWM'),
        rssOf: (pid) => remoteProcField(board.conn, pid, 'VmRSS'),
        async close() {
          await stop();
          await pageHost?.close();
          board.conn.close();
        },
      },
    },
  );
  const instanceName = target.hosts ? sshHostOf(target, instance) : null;

  return {
    async runJob(job: Job): Promise<JobResult> {
      try {
        await ensureBoard();
      } catch (e) {
        const { baseResult } = await import('../../harness/probe/probe.ts');
        return baseResult(job, 'failed', `${target.name}: ${(e as Error).message}`);
      }
      const result = await inner.runJob(job);
      if (result.memory?.peakRssSource) result.memory.peakRssSource = `${result.memory.peakRssSource} on the board`;
      const device = deviceOf(board, instanceName, {}, { pageServedThrough: `reverse SSH forward to the board's 127.0.0.1:${reversePort}` });
      device.browserName = 'chromium';
      device.browserVersion = browserVersion;
      device.userAgent = typeof result.effective?.details?.userAgent === 'string' ? result.effective.details.userAgent : null;
      result.device = device;
      return result;
    },
    async readThermal(): Promise<ThermalReading[]> {
      return readBoardThermal((await ensureBoard()).conn);
    },
    close: () => inner.close(),
  };
}
