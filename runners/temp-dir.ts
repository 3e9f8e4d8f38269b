/**
 * Temporary folders (browser profiles) that must not outlive the harness: each is removed when
 * its runner is done with it, and any still there are removed when the process exits by any
 * path that runs exit handlers (normal end, error, Ctrl-C / SIGTERM through the CLI's handler).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folders still there → the PID of the process writing into them (a browser), if any. */
const live = new Map<string, number | null>();
let hooked = false;

/** This process's direct children with their command lines (Linux /proc; none elsewhere). */
function ownChildren(): { pid: number; cmdline: string }[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  return entries.flatMap((d) => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) return [];
      return [{ pid: Number(d), cmdline: readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ') }];
    } catch {
      return [];
    }
  });
}

/** A fresh folder under the system temp dir, removed at exit at the latest. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  live.set(dir, null);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      // The browser first (our own child, by PID), or it writes the folder back as we remove it;
      // one still starting is found among our children by the folder it was given.
      const pids = new Set([...live.values()].filter((p): p is number => p !== null));
      for (const child of ownChildren()) if ([...live.keys()].some((d) => child.cmdline.includes(d))) pids.add(child.pid);
      for (const pid of pids) try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      // A browser still starting (its PID not known yet) may write the folder back: look again briefly.
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (let attempt = 0; attempt < 10 && live.size; attempt++) {
        if (attempt) Atomics.wait(pause, 0, 0, 100);
        for (const d of [...live.keys()]) {
          rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
          if (!existsSync(d)) live.delete(d);
        }
      }
    });
  }
  return dir;
}

/** Note the process that writes into `dir` (a browser using it as its profile): killed before the folder is removed at exit. */
export function tieTempDir(dir: string, pid: number | undefined): void {
  if (live.has(dir) && pid) live.set(dir, pid);
}

/** Remove a folder made by makeTempDir now. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  live.delete(dir);
}
