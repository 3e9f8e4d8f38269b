/** `current`: the checkout this command runs from, as it is on disk (dirty or not). */
import { gitState } from './git.ts';
import type { BuiltSide, SideContext } from './side.ts';

export function currentSide(ctx: SideContext): BuiltSide {
  return { kind: 'current', runtime: { name: ctx.name, spec: ctx.spec, root: ctx.repoRoot }, ...gitState(ctx.repoRoot) };
}
