/** What a side's checkout must hold, and where built sides are cached. */
import { join } from 'node:path';

/** The A/B block entry, relative to a side's checkout (a checkout without it predates A/B comparisons). */
export const BLOCK_ENTRY = join('harness', 'probe', 'block-job.ts');

/**
 * Where `ref:` and `pkg:` sides are built: inside the current checkout (git-ignored `.cache/`), so
 * that a `pkg:` side's folder, which holds only the swapped packages, finds every other dependency
 * in the checkout's own node_modules by Node's parent-folder lookup.
 */
export const sidesCache = (repoRoot: string) => join(repoRoot, '.cache', 'ab-sides');
