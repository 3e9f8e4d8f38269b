/** A side resolved to code on disk: the runtime the workers start from, the overlay its plan adds, and where its code came from. */
import type { UserConfig } from '../../config/schema.ts';
import type { SideRuntime } from '../block-worker.ts';

/** The kinds of side a spec can name. */
export type SideKind = 'current' | 'config' | 'dir' | 'ref' | 'pkg';

export interface BuiltSide {
  kind: SideKind;
  runtime: SideRuntime;
  /** `config:` sides: merged over the run's config before validation. */
  overlay?: UserConfig;
  /** The commit and dirty flag of the code that runs (null when not a git checkout). */
  commit: string | null;
  dirty: boolean | null;
  /** `pkg:` sides: the packages swapped in, name → version. */
  swapped?: Record<string, string>;
}

/** What every side builder is given. */
export interface SideContext {
  name: 'A' | 'B';
  spec: string;
  /** The current checkout (this package's root). */
  repoRoot: string;
  /** Progress lines (installs take minutes). */
  log: (line: string) => void;
}
