/**
 * Pinning a process to one CPU for A/B duet mode, with `taskset -a -p` (Linux, util-linux): every
 * thread the process has now, and those it starts later, run on that CPU only. Node has no
 * sched_setaffinity of its own. `duetPinning()` says whether it can be done here, and why not.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Whether duet pinning works on this machine: null when it does, else the reason. */
export function duetUnavailable(): string | null {
  if (process.platform !== 'linux') return `pinning a process to a CPU needs Linux (taskset); this is ${process.platform}`;
  if (availableParallelism() < 2) return `pinning each side to its own CPU needs 2 CPUs; this process may use ${availableParallelism()}`;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return 'taskset (util-linux) is not installed or not allowed here';
  }
  return null;
}

/** The CPUs this process may run on, in order (from taskset; falls back to 0…n−1). */
export function allowedCpus(): number[] {
  try {
    const out = execFileSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
    const list = out.split(':').pop()!.trim();
    return list.split(',').flatMap((part) => {
      const [a, b] = part.split('-').map(Number);
      return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
    });
  } catch {
    return Array.from({ length: availableParallelism() }, (_, i) => i);
  }
}

/** Pin every thread of `pid` to `cpu`; throws with taskset's message when it cannot. */
export function pinToCpu(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
}
