/**
 * Reading a file from a folder we do not control (a history folder, a run folder, a baseline,
 * an eval set): only regular files, and only up to a size cap. A symlink to /dev/zero would be
 * read forever, and a FIFO would block the first read, so each path is lstat'ed before it is
 * opened, opened with O_NONBLOCK (a FIFO swapped in after the check cannot hang the open), and
 * checked again through the open descriptor. Anything else is refused with a reason, never read.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** The cap on one file of a history, a baseline or run.json: far above any real one (a 128-job entry is ~50 KB). */
export const MAX_ENTRY_BYTES = 64 * 2 ** 20;

/** A file that was not read, and why (in words a user can act on). */
export class UnsafeFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnsafeFileError';
  }
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/**
 * Why `file` must not be read, or null when it is a regular file (directly or through a symlink)
 * of at most `maxBytes`. Never opens the file.
 */
export function unsafeFileReason(file: string, maxBytes = MAX_ENTRY_BYTES): string | null {
  let s: Stats;
  try {
    s = lstatSync(file);
    if (s.isSymbolicLink()) {
      const target = statSync(file);
      if (!target.isFile()) return `a symlink to ${kindOf(target)}, not read: only regular files are read; remove it or replace it with the file itself`;
      s = target;
    }
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  if (!s.isFile()) return `${kindOf(s)}, not read: only regular files are read; remove it`;
  if (s.size > maxBytes)
    return `${mib(s.size)}, over the limit of ${mib(maxBytes)} for this file, not read; a real one is far smaller: remove it or restore it`;
  return null;
}

/** The bytes of a regular file of at most `maxBytes`; throws UnsafeFileError for anything else. */
export function readRegularFile(file: string, maxBytes = MAX_ENTRY_BYTES): Buffer {
  const reason = unsafeFileReason(file, maxBytes);
  if (reason) throw new UnsafeFileError(file, reason);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UnsafeFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    // The path may have been swapped between the check and the open: check what was opened.
    const s = fstatSync(fd);
    if (!s.isFile()) throw new UnsafeFileError(file, `${kindOf(s)}, not read: only regular files are read; remove it`);
    if (s.size > maxBytes) throw new UnsafeFileError(file, `${mib(s.size)}, over the limit of ${mib(maxBytes)} for this file, not read`);
    // Read at most the cap (+1 to see growth past it), whatever the size said.
    const buf = Buffer.allocUnsafe(Math.min(s.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) {
        if (n > maxBytes) throw new UnsafeFileError(file, `grew past the limit of ${mib(maxBytes)} while being read, not read`);
        break;
      }
    }
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof UnsafeFileError) throw e;
    throw new UnsafeFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** The text (UTF-8) of a regular file of at most `maxBytes`; throws UnsafeFileError for anything else. */
export function readRegularText(file: string, maxBytes = MAX_ENTRY_BYTES): string {
  return readRegularFile(file, maxBytes).toString('utf8');
}
