/** A side spec (`current`, `config:<file>`, `dir:<path>`, `ref:<git ref>`, `pkg:<name>@<version>[,…]`) to a built side, or a SideError. */
import { configSide } from './config.ts';
import { currentSide } from './current.ts';
import { dirSide } from './dir.ts';
import { pkgSide } from './pkg.ts';
import { refSide } from './ref.ts';
import { SideError } from './side-error.ts';
import type { BuiltSide, SideContext } from './side.ts';

export const SIDE_FORMS = 'current, config:<file.json>, dir:<path>, ref:<git ref>, pkg:<name>@<version>[,…]';

/** Build the side `spec` names; `cwd` resolves relative files and folders. */
export async function buildSide(ctx: Omit<SideContext, 'spec'> & { spec: string }, cwd = process.cwd()): Promise<BuiltSide> {
  const spec = ctx.spec.trim();
  if (spec === 'current') return currentSide(ctx);
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const value = spec.slice(colon + 1);
  if (colon > 0 && !value) throw new SideError(ctx.name, spec, `nothing after '${kind}:'; sides are ${SIDE_FORMS}`);
  switch (kind) {
    case 'config':
      return configSide(ctx, value, cwd);
    case 'dir':
      return dirSide(ctx, value, cwd);
    case 'ref':
      return refSide(ctx, value);
    case 'pkg':
      return pkgSide(ctx, value);
  }
  throw new SideError(ctx.name, spec, `not a side; sides are ${SIDE_FORMS}`);
}
