/**
 * Temporary folders (browser profiles) that must not outlive the harness: each is removed when
 * its runner is done with it, and any still there are removed when the process exits by any
 * path that runs exit handlers (normal end, error, Ctrl-C / SIGTERM through the CLI's handler).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folders still there → the PID of the process writing into them (a browser), if any. */
const live = new Map<string, number | null>();
let hooked = false;

/** A fresh folder under the system temp dir, removed at exit at the latest. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  live.set(dir, null);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const [d, pid] of live) {
        // The browser first (our own child, by PID), or it writes the folder back as we remove it.
        if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
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
