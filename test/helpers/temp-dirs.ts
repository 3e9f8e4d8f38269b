/**
 * Temporary folders for tests: each is a fresh folder under the system temp dir, removed when
 * the test process exits, whether its tests passed or failed (node --test runs each test file
 * in a process of its own). Tests that want one gone sooner remove it themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

process.on('exit', () => {
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* something still writes there: nothing more to do at exit, and an exit handler must not throw */
    }
  }
});

/** A fresh folder `<tmp>/<prefix>XXXXXX`, removed at exit at the latest. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A run folder path (not created) inside a fresh temp folder. */
export function tempRunDir(prefix: string): string {
  return join(tempDir(prefix), 'run');
}
