/**
 * `ref:<git ref>`: this repository at that ref, as a snapshot of its tree (`git archive`, no worktree
 * bookkeeping to prune) in `<cache>/ref-<commit>/`, with node_modules cached by lockfile hash. The
 * snapshot is kept and reused by later comparisons against the same commit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkCheckout } from './dir.ts';
import { commitOf } from './git.ts';
import { linkModules } from './modules.ts';
import { SideError } from './side-error.ts';
import { sidesCache } from './side-root.ts';
import type { BuiltSide, SideContext } from './side.ts';

export async function refSide(ctx: SideContext, ref: string): Promise<BuiltSide> {
  if (!ref || ref.startsWith('-')) throw new SideError(ctx.name, ctx.spec, `'${ref}' is not a git ref; give a branch, tag or commit, e.g. ref:origin/main`);
  const commit = commitOf(ctx.repoRoot, ref);
  if (!commit) throw new SideError(ctx.name, ctx.spec, `no commit named '${ref}' in ${ctx.repoRoot} (fetch it first, e.g. \`git fetch origin main\`)`);
  const root = join(sidesCache(ctx.repoRoot), `ref-${commit.slice(0, 16)}`);
  if (!existsSync(root)) {
    const tmp = `${root}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      const tar = execFileSync('git', ['archive', '--format=tar', commit], { cwd: ctx.repoRoot, maxBuffer: 1024 * 2 ** 20 });
      execFileSync('tar', ['-x', '-C', tmp], { input: tar });
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw new SideError(ctx.name, ctx.spec, `its tree could not be written to ${tmp}: ${(e as Error).message.split('\n')[0]}`);
    }
    renameSync(tmp, root);
  }
  await linkModules(ctx, root);
  checkCheckout(ctx, root);
  return { kind: 'ref', runtime: { name: ctx.name, spec: ctx.spec, root }, commit, dirty: false };
}
