/** A config overlay (an A/B `config:` side) merged over a raw config: objects merge key by key, anything else, arrays included, replaces. */
import type { UserConfig } from './schema.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `overlay` over `base`, before validation. */
export function mergeOverlay(base: UserConfig, overlay: UserConfig): UserConfig {
  return mergeObjects(base as Record<string, unknown>, overlay as Record<string, unknown>) as UserConfig;
}

function mergeObjects(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) out[k] = isObject(v) && isObject(base[k]) ? mergeObjects(base[k], v) : v;
  return out;
}
