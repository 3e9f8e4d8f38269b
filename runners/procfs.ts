/** Linux /proc readers for browser processes the harness started locally (renderers, content processes). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** One process as /proc describes it. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Command line, arguments joined by spaces. */
  cmdline: string;
  /** User + system CPU time, in clock ticks. */
  cpuTicks: number;
  /** Start time after boot, in clock ticks. */
  startTicks: number;
  /** Process group. */
  pgid: number;
}

/** Peak resident set size (VmHWM) of a process in bytes, or null when it cannot be read (gone, not Linux). */
export function peakRssOf(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Current resident set size (VmRSS) in bytes, or null. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** /proc/<pid> as ProcInfo, or null. */
export function procInfo(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return {
      pid,
      ppid: Number(fields[1]),
      cmdline,
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      startTicks: Number(fields[19]),
      pgid: Number(fields[2]),
    };
  } catch {
    return null;
  }
}

/** Every process /proc lists (none where there is no /proc). */
export function allProcesses(): ProcInfo[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((d) => procInfo(Number(d)))
      .filter((p): p is ProcInfo => p !== null);
  } catch {
    return [];
  }
}

/**
 * Whether `pid` has exited: gone, or a zombie waiting for its parent to reap it (a zombie holds
 * no files and writes nothing). Without /proc, whether signal 0 still reaches it.
 */
export function hasExited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    if (existsSync('/proc/self/stat')) return true;
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }
}

/** Every live descendant of `root` (children, grandchildren, …). */
export function descendantsOf(root: number): ProcInfo[] {
  const all = allProcesses();
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const stack = [root];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c.pid);
    }
  }
  return out;
}
