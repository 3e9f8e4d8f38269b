/**
 * node_modules for a side, cached by the hash of its package-lock.json: a side whose lockfile is the
 * current checkout's uses the checkout's own node_modules (the same install); another lockfile gets
 * one `npm ci --ignore-scripts` into `<cache>/modules/<hash>/`, reused by every later side with it.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { npm } from './npm.ts';
import { SideError } from './side-error.ts';
import { sidesCache } from './side-root.ts';
import type { SideContext } from './side.ts';

/** SHA-256 of a checkout's package-lock.json (null when it has none). */
export function lockHash(root: string): string | null {
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : null;
}

/** Give `root` a node_modules: the current checkout's when the lockfiles match, else a cached `npm ci`. */
export async function linkModules(ctx: SideContext, root: string): Promise<void> {
  const target = join(root, 'node_modules');
  if (existsSync(target)) return;
  const hash = lockHash(root);
  if (!hash) throw new SideError(ctx.name, ctx.spec, 'its checkout has no package-lock.json, so its dependencies cannot be installed reproducibly');
  let modules: string;
  if (hash === lockHash(ctx.repoRoot) && existsSync(join(ctx.repoRoot, 'node_modules'))) modules = realpathSync(join(ctx.repoRoot, 'node_modules'));
  else {
    const dir = join(sidesCache(ctx.repoRoot), 'modules', hash.slice(0, 16));
    modules = join(dir, 'node_modules');
    if (!existsSync(modules)) {
      const tmp = `${dir}.${process.pid}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      for (const f of ['package.json', 'package-lock.json', '.npmrc']) if (existsSync(join(root, f))) copyFileSync(join(root, f), join(tmp, f));
      ctx.log(`side ${ctx.name} (${ctx.spec}): npm ci for its lockfile ${hash.slice(0, 12)} (once; cached in ${dir})`);
      try {
        await npm(tmp, ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw new SideError(ctx.name, ctx.spec, `npm ci failed: ${(e as Error).message}`);
      }
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  }
  symlinkSync(modules, target, 'dir');
}
