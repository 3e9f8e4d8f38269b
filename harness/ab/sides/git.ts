/** The few git questions sides ask, answered without a shell (arguments are passed as a list). */
import { execFileSync } from 'node:child_process';

/** git's output, or null when it fails. */
export function gitOut(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 }).trim();
  } catch {
    return null;
  }
}

/** The commit a ref names, or null when there is none. */
export const commitOf = (cwd: string, ref: string) => gitOut(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);

/** Commit and dirty flag of a checkout (nulls outside a repository). */
export function gitState(cwd: string): { commit: string | null; dirty: boolean | null } {
  const commit = gitOut(cwd, ['rev-parse', 'HEAD']);
  if (!commit) return { commit: null, dirty: null };
  const status = gitOut(cwd, ['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === null ? null : status !== '' };
}
