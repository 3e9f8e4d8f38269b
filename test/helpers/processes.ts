/** Process checks the fault tests share. */
import { readFileSync } from 'node:fs';

/** Whether a process runs (a zombie waiting for its parent to reap it does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
