/**
 * One writer per run folder: a run or resume holds `<run>/run.lock` (owner PID, host, start time)
 * while it writes. A second writer is refused with the owner named; a lock whose owner died on
 * this host (SIGKILL, power loss) is taken over with a message. Released on every exit path of
 * the process that holds it (normal end, error, process.exit after Ctrl-C).
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFailure } from './store.ts';

/** Name of the lock file in a run folder. */
export const LOCK_FILE = 'run.lock';

/** Who holds a run folder. */
export const LockOwnerSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), to tell a reused PID. */
  procStart: z.string().nullable(),
});
export type LockOwner = z.infer<typeof LockOwnerSchema>;

/** Another process writes to this run folder (or its lock cannot be judged): exit 2. */
export class RunLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunLockedError';
  }
}

/** Start time of a process (Linux), or null where /proc cannot tell. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the lock's owner still runs (same host only; another host cannot be checked). */
function ownerAlive(o: LockOwner): boolean {
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // A PID reused by another process since: the owner is gone.
  const start = processStart(o.pid);
  return !(o.procStart && start && start !== o.procStart);
}

const describe = (o: LockOwner) => `PID ${o.pid} on ${o.host} since ${o.startedAt}`;

function readOwner(file: string): LockOwner | null {
  try {
    const parsed = LockOwnerSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A held lock. */
export interface RunLock {
  /** Remove the lock (idempotent). */
  release(): void;
  /** Set when a stale lock was taken over: what it said. */
  tookOver: string | null;
}

const held = new Set<string>();
let exitHookInstalled = false;

/**
 * Take the lock of run folder `dir`, or throw RunLockedError naming its owner. A lock left by a
 * process that no longer runs on this host is taken over (`tookOver` says whose it was).
 */
export function acquireRunLock(dir: string): RunLock {
  const file = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), procStart: processStart(process.pid) };
  const body = JSON.stringify(me) + '\n';
  let tookOver: string | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    // Write our record aside, then link it into place: link fails if a lock exists, and the lock
    // appears whole (never empty) to a process that reads it at that moment.
    const mine = `${file}.${process.pid}`;
    try {
      const fd = openSync(mine, 'w');
      try {
        writeSync(fd, body);
      } finally {
        closeSync(fd);
      }
      linkSync(mine, file);
      rmSync(mine, { force: true });
      held.add(file);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        // An exception escaping an exit handler prints a raw stack (a folder gone read-only): none may.
        process.on('exit', () => {
          for (const f of held) {
            try {
              releaseIfMine(f);
            } catch (e) {
              process.stderr.write(
                `mobilenet-bench: could not remove the lock ${f} at exit (${(e as Error).message}); a later --resume takes it over, as this process is gone\n`,
              );
            }
          }
        });
      }
      return {
        release: () => {
          releaseIfMine(file);
          held.delete(file);
        },
        tookOver,
      };
    } catch (e) {
      rmSync(mine, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailure(file, e, `make ${dir} writable and try again`);
    }
    const owner = readOwner(file);
    if (!owner) {
      throw new RunLockedError(`${file} exists but is not a lock this harness wrote; if no run is writing to ${dir}, delete it and try again`);
    }
    if (owner.host !== me.host) {
      throw new RunLockedError(`${dir} is in use by ${describe(owner)}; one writer per run folder. If that process is gone, delete ${file} and try again`);
    }
    if (ownerAlive(owner)) {
      throw new RunLockedError(
        `${dir} is in use by ${describe(owner)}; one writer per run folder. Wait for it to finish (or stop it), then run --resume ${dir} again`,
      );
    }
    // Stale: move it aside, and make sure what we moved is the stale lock and not a new owner's.
    const aside = `${file}.stale.${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // someone else took it over first: look again
    }
    const moved = readOwner(aside);
    if (moved && (moved.pid !== owner.pid || moved.startedAt !== owner.startedAt)) {
      try {
        linkSync(aside, file);
      } catch {
        /* a third process holds it now */
      }
      rmSync(aside, { force: true });
      continue;
    }
    rmSync(aside, { force: true });
    tookOver = `took over the lock of ${describe(owner)}, which no longer runs (killed or crashed)`;
  }
  throw new RunLockedError(`${dir}: could not take its lock ${file} (other processes keep taking it); try again`);
}

function releaseIfMine(file: string): void {
  const owner = readOwner(file);
  if (owner && owner.pid === process.pid && owner.host === hostname()) rmSync(file, { force: true });
}
