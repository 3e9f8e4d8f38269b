/**
 * Stopping processes the harness started so that they are really gone before anything they
 * wrote is removed. SIGKILL ends a process, but it stops writing only once it has exited (a
 * zombie waiting to be reaped counts as exited); and killing a browser's main process leaves
 * its children (zygote, renderers, utility processes) running, so its whole tree goes.
 */
import { allProcesses, hasExited, procInfo, type ProcInfo } from './procfs.ts';

/** Our own process group: never signalled as a group (that would end the harness). */
const ownGroup = (): number | null => procInfo(process.pid)?.pgid ?? null;

/**
 * `roots`, everything under them, and the process group each root leads (puppeteer launches
 * browsers detached, as group leaders, so a group holds what the browser started even after its
 * main process died and its children were handed to init). `all` is one /proc snapshot.
 */
export function treeOf(roots: Iterable<number>, all: ProcInfo[] = allProcesses()): number[] {
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set<number>();
  const stack = [...roots];
  const mine = ownGroup();
  const leaders = new Set(stack.filter((r) => r !== mine && all.some((p) => p.pid === r && p.pgid === r)));
  for (const p of all) if (leaders.has(p.pgid)) stack.push(p.pid);
  while (stack.length) {
    const pid = stack.pop()!;
    if (pid === process.pid || found.has(pid)) continue;
    found.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...found];
}

/** SIGKILL each process (by PID; one already gone is skipped). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Block for `ms` (exit handlers cannot wait otherwise). */
export function sleepSync(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

/** Block until every process has exited or `deadline` (epoch ms) passes; for exit handlers, which cannot wait otherwise. */
export function waitExitedSync(pids: number[], deadline: number): boolean {
  for (;;) {
    if (pids.every(hasExited)) return true;
    if (Date.now() >= deadline) return false;
    sleepSync(20);
  }
}

/** Wait until every process has exited or `deadline` (epoch ms) passes. */
export async function waitExited(pids: number[], deadline: number): Promise<boolean> {
  for (;;) {
    if (pids.every(hasExited)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
