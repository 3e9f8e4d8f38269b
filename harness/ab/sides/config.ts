/**
 * `config:<file>`: the current checkout with a config overlay (JSON) merged over the run's config
 * (harness/config/overlay.ts: objects merge key by key, anything else, arrays included, replaces). The merged config is validated
 * with the config schema when the side's plan is made, so a bad overlay stops before any job.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { UserConfig } from '../../config/schema.ts';
import { gitState } from './git.ts';
import { SideError } from './side-error.ts';
import type { BuiltSide, SideContext } from './side.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function configSide(ctx: SideContext, file: string, cwd: string): BuiltSide {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new SideError(ctx.name, ctx.spec, `the overlay file ${path} does not exist`);
  let overlay: unknown;
  try {
    overlay = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SideError(ctx.name, ctx.spec, `the overlay ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(overlay))
    throw new SideError(ctx.name, ctx.spec, `the overlay ${path} must be a JSON object of config keys, e.g. {"implementations": ["ort-node:cpu@2"]}`);
  return { kind: 'config', runtime: { name: ctx.name, spec: ctx.spec, root: ctx.repoRoot }, overlay: overlay as UserConfig, ...gitState(ctx.repoRoot) };
}
