/**
 * WebDriver servers the harness starts itself on a free loopback port (an Appium server from
 * node_modules, WebKitWebDriver): spawn, wait for `/status`, and stop by PID — the server
 * first, then any of its descendants still alive (browsers, chromedrivers it left behind).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delay } from './page-host.ts';
import { descendantsOf } from './procfs.ts';
import { makeTempDir, removeTempDir, tieTempDir } from './temp-dir.ts';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
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
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, message: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await delay(100).promise;
  }
  throw new Error(message);
}

/** Kill every live descendant of `pid` (by PID, never by name). */
export function killDescendants(pid: number, signal: NodeJS.Signals = 'SIGKILL'): number {
  const found = descendantsOf(pid);
  for (const p of found) {
    try {
      process.kill(p.pid, signal);
    } catch {
      /* already gone */
    }
  }
  return found.length;
}

/** Longest path of a Unix socket (Linux sun_path, less its terminating NUL). */
const UNIX_SOCKET_PATH_MAX = 107;
/** What a server's private temp folder adds to TMPDIR: `/mnb-srv-XXXXXX`. */
const PRIVATE_TMP_CHARS = '/mnb-srv-XXXXXX'.length;
/** What Chromium adds to TMPDIR for its singleton socket. */
const CHROMIUM_SOCKET_CHARS = '/org.chromium.Chromium.XXXXXX/SingletonSocket'.length;

/** Servers still running, killed (with what they started) when this process exits by any path that runs exit handlers. */
const running = new Set<ChildProcess>();
let exitHooked = false;

/** Kill `child` and its descendants, by PID, if this process exits while it still runs. */
function killAtExit(child: ChildProcess): void {
  running.add(child);
  if (exitHooked) return;
  exitHooked = true;
  // Ctrl-C reaches the whole process group, but a SIGTERM to the harness alone (a CI timeout)
  // would leave an Appium server and its browsers running: kill them by PID, synchronously.
  process.on('exit', () => {
    for (const c of running) {
      // An exited child's PID may belong to someone else by now: leave it alone.
      if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) continue;
      killDescendants(c.pid);
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** A WebDriver server running on this machine. */
export interface LocalServer {
  /** Base URL of its WebDriver API, e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  readonly pid: number;
  /** Whether it is still running. */
  alive(): boolean;
  /** The last lines it printed (for error messages). */
  logTail(): string;
  /** Stop it and whatever it started. */
  close(): Promise<void>;
}

/** Spawn a server that takes its port on the command line and wait until `GET /status` answers. */
export async function startLocalServer(opts: {
  /** Human name for messages ("Appium", "WebKitWebDriver"). */
  name: string;
  command: string;
  args: (port: number) => string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for /status. */
  readyTimeoutMs?: number;
  /** Extra cleanup after the server stopped (a private Xvfb). */
  onClose?: () => void;
}): Promise<LocalServer> {
  const port = await freePort();
  // A TMPDIR of its own, removed with it: what it and its drivers leave there when killed
  // (chromedriver's scoped_dir folders, Chromium's singleton folders) goes too. Not where that
  // would make Chromium's singleton socket path too long for a Unix socket (Chromium then exits).
  const tmp = tmpdir().length + PRIVATE_TMP_CHARS + CHROMIUM_SOCKET_CHARS <= UNIX_SOCKET_PATH_MAX ? makeTempDir('mnb-srv-') : null;
  const env = { ...(opts.env ?? process.env), ...(tmp ? { TMPDIR: tmp } : {}) };
  const child: ChildProcess = spawn(opts.command, opts.args(port), { stdio: ['ignore', 'pipe', 'pipe'], env, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  if (tmp) tieTempDir(tmp, child);
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  killAtExit(child);
  let spawnError: Error | null = null;
  child.once('error', (e) => {
    spawnError = e;
  });
  const url = `http://127.0.0.1:${port}/`;
  const alive = () => child.exitCode === null && child.signalCode === null && spawnError === null;
  const close = async () => {
    const pid = child.pid;
    if (pid !== undefined && alive()) {
      const children = descendantsOf(pid).map((p) => p.pid);
      child.kill('SIGTERM');
      await waitFor(() => !alive(), 5000, '').catch(() => child.kill('SIGKILL'));
      // What it started and left behind (a chromedriver, a browser) goes too, by PID.
      for (const c of children) {
        try {
          process.kill(c, 'SIGKILL');
        } catch {
          /* gone with its parent */
        }
      }
    }
    running.delete(child);
    if (tmp) await removeTempDir(tmp);
    opts.onClose?.();
  };
  try {
    await waitFor(
      async () => {
        if (spawnError) throw new Error(`${opts.name} could not start (${opts.command}): ${(spawnError as Error).message}`);
        if (!alive())
          throw new Error(`${opts.name} exited (${child.exitCode ?? child.signalCode}) before it answered: ${log.trim().split('\n').slice(-5).join(' ')}`);
        try {
          return (await fetch(`${url}status`, { signal: AbortSignal.timeout(2000) })).ok;
        } catch {
          return false;
        }
      },
      opts.readyTimeoutMs ?? 30_000,
      `${opts.name} did not answer on ${url}status within ${Math.round((opts.readyTimeoutMs ?? 30_000) / 1000)} s`,
    );
  } catch (e) {
    await close();
    throw e;
  }
  return { url, pid: child.pid!, alive, logTail: () => log.trim().split('\n').slice(-5).join('\n'), close };
}
