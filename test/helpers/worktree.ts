/**
 * A `dir:` side for the A/B tests: a `git worktree` of HEAD with this checkout's node_modules linked
 * (as docs/ab.md's dir: expects) and its package.json version changed, so that a probe page built
 * from that tree reports another version than this checkout's. Removed when the test ends.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { projectRoot } from '../../models/platform/package-json.ts';

export interface VersionedWorktree {
  root: string;
  /** This checkout's package version, and the worktree's. */
  ourVersion: string;
  version: string;
}

/** The worktree at `path`, or null (the test skipped, saying why) where this is not a git checkout. */
export function versionedWorktree(path: string, t: TestContext): VersionedWorktree | null {
  const root = projectRoot();
  const git = (args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git(['rev-parse', 'HEAD']);
  } catch {
    t.skip('not a git checkout: no worktree to make a dir: side from');
    return null;
  }
  git(['worktree', 'add', '--detach', path, 'HEAD']);
  t.after(() => git(['worktree', 'remove', '--force', path]));
  symlinkSync(realpathSync(join(root, 'node_modules')), join(path, 'node_modules'), 'dir');
  const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
  const version = `${pkg.version}-side-b`;
  writeFileSync(join(path, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  return { root: path, ourVersion: pkg.version, version };
}
