/**
 * Temporary folders (browser profiles) that must not outlive the harness: each is removed when
 * its runner is done with it, and any still there are removed when the process exits by any
 * path that runs exit handlers (normal end, error, Ctrl-C / SIGTERM through the CLI's handler).
 *
 * A profile is removed only once the processes writing into it have exited: the browser tied to
 * it with its whole tree and process group, and any process started with the folder on its
 * command line (a browser still starting, one that chromedriver started, a Chromium child whose
 * main process already died). Otherwise they write files back while it is being removed
 * (ENOTEMPTY). Chromium's singleton folder (`$TMPDIR/org.chromium.Chromium.*`, which the
 * profile's SingletonSocket link points into) goes with the profile: a killed Chromium leaves it.
 * Nothing here throws: a folder that cannot be removed is named in one line at exit.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { allProcesses } from './procfs.ts';
import { killAll, sleepSync, treeOf, waitExited, waitExitedSync } from './stop-processes.ts';

/** Folders still there → the browser writing into them and its singleton folder, once known. */
const live = new Map<string, { browser: ChildProcess | null; singleton: string | null }>();
/** How long removing one folder may take: its writers' exit, then retries. */
const REMOVE_WITHIN_MS = 5000;
/** How long after making a folder to look for the singleton link of a browser started in it. */
const SINGLETON_WATCH_MS = 180_000;
let hooked = false;

/** Whether a command line names `dir` as a whole argument (`--user-data-dir=DIR`, `-profile DIR`). */
function names(cmdline: string, dir: string): boolean {
  const c = ` ${cmdline} `;
  return c.includes(`=${dir} `) || c.includes(` ${dir} `);
}

/** SIGKILL every process writing into `dir`; returns their PIDs (to wait for). */
function killWriters(dir: string): number[] {
  const all = allProcesses();
  const roots = all.filter((p) => p.pid !== process.pid && names(p.cmdline, dir)).map((p) => p.pid);
  const browser = live.get(dir)?.browser;
  // Only while it is unreaped is its PID surely still ours.
  if (browser?.pid !== undefined && browser.exitCode === null && browser.signalCode === null) roots.push(browser.pid);
  const pids = treeOf(roots, all);
  killAll(pids);
  return pids;
}

/** Chromium's singleton folder for the profile `dir`, read from its SingletonSocket link, if any. */
function singletonFolderOf(dir: string): string | null {
  try {
    const target = readlinkSync(join(dir, 'SingletonSocket'));
    const folder = dirname(target);
    return isAbsolute(target) && /^(org\.chromium\.Chromium|\.org\.chromium\.Chromium|\.com\.google\.Chrome)\./.test(basename(folder)) ? folder : null;
  } catch {
    return null;
  }
}

/** One attempt at removing `dir` (and its singleton folder); the error, or null once both are gone. */
function removeOnce(dir: string): Error | null {
  try {
    // The link as it is now (a killed browser leaves it), or as it was while the browser ran: a
    // browser that closed removes the link but not always the folder.
    for (const singleton of new Set([singletonFolderOf(dir), live.get(dir)?.singleton ?? null])) {
      if (singleton) rmSync(singleton, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
    return existsSync(dir) ? new Error('it is still there') : null;
  } catch (e) {
    return e as Error;
  }
}

/** Remove every folder still there, synchronously (an exit handler cannot wait otherwise). */
function removeAllAtExit(): void {
  const deadline = Date.now() + REMOVE_WITHIN_MS;
  let last = new Map<string, Error>();
  for (let attempt = 0; live.size && (attempt === 0 || Date.now() < deadline); attempt++) {
    if (attempt) sleepSync(100);
    waitExitedSync([...live.keys()].flatMap(killWriters), deadline);
    last = new Map();
    for (const dir of [...live.keys()]) {
      const error = removeOnce(dir);
      if (error) last.set(dir, error);
      else live.delete(dir);
    }
  }
  for (const [dir, error] of last) warn(`could not remove the temporary folder ${dir} at exit (${error.message}); delete it by hand`);
}

/** One line on stderr, from an exit handler: never throws. */
function warn(line: string): void {
  try {
    writeSync(2, `mobilenet-bench: ${line}\n`);
  } catch {
    /* no stderr */
  }
}

/** A fresh folder under the system temp dir, removed at exit at the latest. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const entry: { browser: ChildProcess | null; singleton: string | null } = { browser: null, singleton: null };
  live.set(dir, entry);
  // A browser that is never tied (one chromedriver starts) removes its SingletonSocket link when
  // it closes, but not always the folder the link pointed into: note where it points while it runs.
  const started = Date.now();
  const watch = setInterval(() => {
    if (live.get(dir) !== entry || entry.singleton || Date.now() - started > SINGLETON_WATCH_MS) clearInterval(watch);
    else entry.singleton = singletonFolderOf(dir);
  }, 250);
  watch.unref();
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      // An exception escaping an exit handler prints a raw stack: none may.
      try {
        removeAllAtExit();
      } catch (e) {
        warn(`cleaning up temporary folders at exit failed (${(e as Error).message})`);
      }
    });
  }
  return dir;
}

/**
 * Note the browser that writes into `dir` (its profile), once it started: it and its process tree
 * are killed before the folder is removed, and its singleton folder (known now) goes too.
 */
export function tieTempDir(dir: string, browser: ChildProcess | null | undefined): void {
  const entry = live.get(dir);
  if (!entry) return;
  entry.browser = browser ?? null;
  entry.singleton = singletonFolderOf(dir) ?? entry.singleton;
}

/**
 * Remove a folder made by makeTempDir now, once whatever still writes into it has been killed
 * and has exited. Never throws: a folder that will not go stays listed and is tried again (and
 * named) at exit.
 */
export async function removeTempDir(dir: string): Promise<void> {
  if (!live.has(dir)) return;
  const deadline = Date.now() + REMOVE_WITHIN_MS;
  for (let attempt = 0; attempt === 0 || Date.now() < deadline; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 100));
    await waitExited(killWriters(dir), deadline);
    if (removeOnce(dir) === null) {
      live.delete(dir);
      return;
    }
  }
}
