/**
 * The factory for an implementation from one platform's loaders, or the registry's reason why
 * that platform cannot run it (the plan skips such pairs first; this is the last guard).
 */
import type { CreateModel, Loaders } from '../runtime.ts';
import { type ImplName, type Platform, unsupportedOn } from '../registry.ts';

export async function loadFactory<I extends ImplName>(platform: Platform, loaders: Loaders<I>, impl: ImplName): Promise<CreateModel> {
  const why = unsupportedOn(platform, impl);
  if (why !== null) throw new Error(why);
  const load = (loaders as Partial<Record<ImplName, () => Promise<CreateModel>>>)[impl];
  if (!load) throw new Error(`${impl} has no ${platform} loader in models/loaders/${platform}.ts (the registry says it runs there)`);
  return load();
}
