/** `dir:<path>`: an existing checkout of this project with its own node_modules. */
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gitState } from './git.ts';
import { SideError } from './side-error.ts';
import { BLOCK_ENTRY } from './side-root.ts';
import type { BuiltSide, SideContext } from './side.ts';

/** Check that `root` can run A/B workers: this project's package.json, the block entry, installed dependencies. */
export function checkCheckout(ctx: SideContext, root: string): void {
  if (!existsSync(join(root, 'package.json')))
    throw new SideError(ctx.name, ctx.spec, `${root} has no package.json: give the folder of a checkout of this project`);
  if (!existsSync(join(root, BLOCK_ENTRY))) {
    throw new SideError(ctx.name, ctx.spec, `${root} has no ${BLOCK_ENTRY}: its code predates A/B comparisons; give a checkout that has it`);
  }
  if (!existsSync(join(root, 'node_modules'))) throw new SideError(ctx.name, ctx.spec, `${root} has no node_modules: run \`npm ci\` there first`);
}

export function dirSide(ctx: SideContext, path: string, cwd: string): BuiltSide {
  const root = resolve(cwd, path);
  if (!existsSync(root)) throw new SideError(ctx.name, ctx.spec, `the folder ${root} does not exist`);
  checkCheckout(ctx, root);
  const real = realpathSync(root);
  return { kind: 'dir', runtime: { name: ctx.name, spec: ctx.spec, root: real }, ...gitState(real) };
}
