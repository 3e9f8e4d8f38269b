/**
 * `pkg:<name>@<version>[,…]` (tachometer's --package-version): the current checkout's sources with
 * those packages installed in a side folder. The side's tree is a copy of the checkout's files
 * (tracked and untracked, not ignored) in `<cache>/pkg-<key>/tree-<sources hash>/`; its node_modules
 * holds only the swapped packages and what they need (one `npm install --ignore-scripts`, cached per
 * package list), and every other dependency is found in the checkout's own node_modules by Node's
 * parent-folder lookup. Each version is checked with the registry first, so a version it lacks stops
 * the comparison with that message.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gitOut, gitState } from './git.ts';
import { npm } from './npm.ts';
import { SideError } from './side-error.ts';
import { sidesCache } from './side-root.ts';
import type { BuiltSide, SideContext } from './side.ts';

/** `name@version` (scoped names too) → [name, version]. */
const PACKAGE = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)@([\w.+-]+)$/i;

/** Parse `a@1,b@2`; a malformed entry is a SideError naming it. */
export function parsePackages(ctx: SideContext, list: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of list.split(',').map((s) => s.trim())) {
    const m = PACKAGE.exec(entry);
    if (!m) throw new SideError(ctx.name, ctx.spec, `'${entry}' is not name@version (e.g. pkg:onnxruntime-web@1.29.0)`);
    out[m[1]] = m[2];
  }
  return out;
}

/** Ask the registry whether it has each version (npm view), before any install. */
async function checkRegistry(ctx: SideContext, packages: Record<string, string>, cwd: string): Promise<void> {
  for (const [name, version] of Object.entries(packages)) {
    let out: string;
    try {
      out = await npm(cwd, ['view', `${name}@${version}`, 'version', '--json']);
    } catch (e) {
      const text = (e as Error).message;
      const why = /\bE?404\b/.test(text) ? 'the registry has no such package or version (`npm view` answered 404)' : text;
      throw new SideError(ctx.name, ctx.spec, `${name}@${version}: ${why}`);
    }
    if (!out.trim()) throw new SideError(ctx.name, ctx.spec, `${name}@${version}: the registry has no such version`);
  }
}

/**
 * The checkout's files (tracked and untracked, not ignored), as git lists them. Only files: a
 * `node_modules` link to another checkout's folder (a worktree's, which `node_modules/` in
 * .gitignore does not match) is listed as untracked, and the tree gets its own.
 */
function sourceFiles(ctx: SideContext): string[] {
  const out = gitOut(ctx.repoRoot, ['ls-files', '-z', '-c', '-o', '--exclude-standard']);
  if (out === null) throw new SideError(ctx.name, ctx.spec, `${ctx.repoRoot} is not a git checkout, so its sources cannot be listed`);
  return [...new Set(out.split('\0').filter(Boolean))].filter((f) => statSync(join(ctx.repoRoot, f), { throwIfNoEntry: false })?.isFile());
}

export async function pkgSide(ctx: SideContext, list: string): Promise<BuiltSide> {
  const packages = parsePackages(ctx, list);
  const key = createHash('sha256')
    .update(JSON.stringify(Object.entries(packages).sort()))
    .digest('hex')
    .slice(0, 16);
  const base = join(sidesCache(ctx.repoRoot), `pkg-${key}`);
  const deps = join(base, 'deps');
  if (!existsSync(join(deps, 'node_modules'))) {
    await checkRegistry(ctx, packages, ctx.repoRoot);
    const tmp = `${deps}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'mobilenet-bench-ab-side', private: true, dependencies: packages }, null, 2));
    ctx.log(
      `side ${ctx.name} (${ctx.spec}): installing ${Object.entries(packages)
        .map(([n, v]) => `${n}@${v}`)
        .join(', ')} (once; cached in ${deps})`,
    );
    try {
      await npm(tmp, ['install', '--ignore-scripts', '--no-audit', '--no-fund']);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw new SideError(ctx.name, ctx.spec, `npm install failed: ${(e as Error).message}`);
    }
    rmSync(deps, { recursive: true, force: true });
    renameSync(tmp, deps);
  }
  // The sources as they are now: a tree per content hash, so a later edit gets a new tree.
  const files = sourceFiles(ctx);
  const h = createHash('sha256');
  for (const f of files)
    h.update(f)
      .update('\0')
      .update(readFileSync(join(ctx.repoRoot, f)));
  const tree = join(base, `tree-${h.digest('hex').slice(0, 16)}`);
  if (!existsSync(tree)) {
    const tmp = `${tree}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    for (const f of files) {
      mkdirSync(dirname(join(tmp, f)), { recursive: true });
      copyFileSync(join(ctx.repoRoot, f), join(tmp, f));
    }
    symlinkSync(join(deps, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    renameSync(tmp, tree);
  }
  return { kind: 'pkg', runtime: { name: ctx.name, spec: ctx.spec, root: tree }, swapped: packages, ...gitState(ctx.repoRoot) };
}
