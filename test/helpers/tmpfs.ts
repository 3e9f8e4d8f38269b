/** A tiny tmpfs this test mounts itself (root only), to make a real full or read-only disk. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A mounted tmpfs of our own; unmount() removes it. */
export interface Tmpfs {
  dir: string;
  /** Change its size (kibibytes). */
  resize(kib: number): void;
  /** Remount read-only (true) or read-write (false). */
  readOnly(on: boolean): void;
  unmount(): void;
}

/** Mount a tmpfs of `kib` KiB on a fresh temp folder, or return why it cannot be done here (not root, no mount permission). */
export function mountTmpfs(kib: number): Tmpfs | string {
  const dir = mkdtempSync(join(tmpdir(), `mnb-tmpfs-${process.pid}-`));
  const mount = (...args: string[]) => execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    mount('-t', 'tmpfs', '-o', `size=${kib}k,mode=0755`, 'tmpfs', dir);
  } catch (e) {
    rmdirSync(dir);
    return `cannot mount a tmpfs here (${((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim()}); needs root with mount permission, as CI has`;
  }
  return {
    dir,
    resize: (k) => mount('-o', `remount,size=${k}k`, dir),
    readOnly: (on) => mount('-o', `remount,${on ? 'ro' : 'rw'}`, dir),
    unmount: () => {
      execFileSync('umount', [dir]);
      rmdirSync(dir);
    },
  };
}
