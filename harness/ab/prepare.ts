/**
 * Everything an A/B comparison settles before its first job: both sides built (worktree snapshot,
 * installs, overlay), each side's plan from its own config, the jobs matched one to one, and each
 * side's provenance. Any problem here is a SideError, PlanMismatchError or ConfigError: exit 2
 * before any job runs.
 */
import { ConfigError } from '../../contract/config-error.ts';
import { secretsOf } from '../../contract/secrets.ts';
import { loadConfig } from '../config/load.ts';
import type { ConfigOverrides } from '../config/overrides.ts';
import { planJobs, type Plan } from '../plan.ts';
import type { SideRuntime } from './block-worker.ts';
import { pairJobs, type PairedJob, type SkippedPair } from './pair-jobs.ts';
import { sideProvenance, type SideProvenance } from './provenance.ts';
import { buildSide } from './sides/resolve.ts';
import { SideError } from './sides/side-error.ts';
import type { BuiltSide } from './sides/side.ts';

export interface AbSetup {
  sides: { A: SideRuntime; B: SideRuntime };
  jobs: PairedJob[];
  skipped: SkippedPair[];
  provenance: SideProvenance[];
  /** Secrets of both sides' configs (targets' credentials), for redacting every output. */
  secrets: string[];
}

export interface PrepareOptions {
  a: string;
  b: string;
  /** The run's config file (else ./bench.config.* or the built-in defaults). */
  configPath?: string;
  overrides: ConfigOverrides;
  /** The current checkout (this package's root). */
  repoRoot: string;
  cwd?: string;
  log?: (line: string) => void;
  /** Extra flags and environment for a side's workers (tests inject a slowdown this way). */
  extra?: { A?: Pick<SideRuntime, 'execArgv' | 'env'>; B?: Pick<SideRuntime, 'execArgv' | 'env'> };
}

/** Build both sides, plan them and match their jobs. */
export async function prepareComparison(o: PrepareOptions): Promise<AbSetup> {
  const cwd = o.cwd ?? process.cwd();
  const log = o.log ?? (() => {});
  const built: Record<'A' | 'B', BuiltSide> = {
    A: await buildSide({ name: 'A', spec: o.a, repoRoot: o.repoRoot, log }, cwd),
    B: await buildSide({ name: 'B', spec: o.b, repoRoot: o.repoRoot, log }, cwd),
  };
  const plans = {} as Record<'A' | 'B', Plan>;
  const secrets: string[] = [];
  for (const name of ['A', 'B'] as const) {
    const side = built[name];
    let config;
    try {
      ({ config } = await loadConfig(o.configPath, { cwd, overrides: o.overrides, ...(side.overlay ? { overlay: side.overlay } : {}) }));
    } catch (e) {
      // The run's own config is the user's to fix as for `run`; an overlay's problem names its side.
      if (e instanceof ConfigError && side.overlay) throw new SideError(name, side.runtime.spec, `with its overlay the config is not valid: ${e.message}`);
      throw e;
    }
    plans[name] = planJobs(config);
    secrets.push(...secretsOf(config.targets));
    side.runtime = { ...side.runtime, ...o.extra?.[name] };
  }
  const { jobs, skipped } = pairJobs(plans.A, plans.B, { A: o.a, B: o.b });
  return {
    sides: { A: built.A.runtime, B: built.B.runtime },
    jobs,
    skipped,
    provenance: [sideProvenance(built.A, plans.A), sideProvenance(built.B, plans.B)],
    secrets,
  };
}
