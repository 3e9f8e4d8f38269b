/** `defineConfig` for `bench.config.ts`: typed, and merging several configs as Playwright's does. */
import type { UserConfig } from './schema.ts';

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What identifies a target across configs: its name, else its type (a preset such as `{ type: 'node' }`). */
function targetKey(t: unknown): unknown {
  return isPlain(t) ? (t.name ?? t.type) : t;
}

/** Targets merged by name (Playwright merges `projects` so): a later target of the same name merges over the earlier one, new ones are appended. */
function mergeTargets(base: unknown[], over: unknown[]): unknown[] {
  const out = [...base];
  for (const t of over) {
    const at = out.findIndex((b) => targetKey(b) === targetKey(t));
    if (at < 0) out.push(t);
    else out[at] = isPlain(out[at]) && isPlain(t) ? mergeObjects(out[at] as Plain, t) : t;
  }
  return out;
}

/** Deep merge: objects key by key, `targets` by name, anything else (arrays, values) replaced by the later config. */
function mergeObjects(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prev = out[key];
    if (key === 'targets' && Array.isArray(prev) && Array.isArray(value)) out[key] = mergeTargets(prev, value);
    else out[key] = isPlain(prev) && isPlain(value) ? mergeObjects(prev, value) : value;
  }
  return out;
}

/**
 * Typed identity for `bench.config.ts`: `export default defineConfig({ ... })`. Given several
 * configs, later ones merge over earlier ones (objects key by key, `targets` by name, arrays and
 * values replaced), as Playwright's `defineConfig(base, overrides)`; e.g. a team's shared config and a machine's overlay.
 */
export function defineConfig(config: UserConfig, ...more: UserConfig[]): UserConfig {
  return more.reduce<UserConfig>((acc, next) => mergeObjects(acc as Plain, next as Plain) as UserConfig, config);
}
