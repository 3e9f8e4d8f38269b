/**
 * The ceilings of a target as a job its runner can carry: `<target>/ceilings`, which the probe
 * routes to the micro-benchmarks (harness/probe/ceilings) instead of a network, so every
 * transport (a Node child, a page, a WebDriver session, a board over SSH) runs them unchanged.
 * It names the cheapest network (0.25_128, synthetic weights, one reference input) only because
 * runners prepare a job's data before it starts; nothing of it is run.
 */
import type { NominalPeak, TargetCeilings } from '../contract/ceilings.ts';
import type { Config, Target } from './config/schema.ts';
import type { Job } from './plan.ts';
import { DEFAULT_CEILINGS_REQUEST, type CeilingsRequest } from './probe/ceilings/measure-ceilings.ts';
import { mobilenetV1 } from '../models/spec.ts';

/** Time limit of a ceilings job: the budget is 8 s, but an emulated board starts its Node under qemu. */
const CEILINGS_TIMEOUT_MS = 180_000;

/** The ceilings settings of a config: null when they are off (`ceilings: false`, `--quick`). */
export function ceilingsRequestOf(config: Config): CeilingsRequest | null {
  const c = config.ceilings;
  if (c === false) return null;
  return c === true ? { ...DEFAULT_CEILINGS_REQUEST } : { ...DEFAULT_CEILINGS_REQUEST, budgetMs: c.budgetMs, targetPrecision: c.targetPrecision };
}

/** The id of a target's ceilings job (never a network job's: those have three parts). */
export const ceilingsJobId = (target: string) => `${target}/ceilings`;

/** The job that measures `target`'s ceilings. `lastLevelCache`: this machine's, for a browser that runs here. */
export function ceilingsJob(target: Target, config: Config, request: CeilingsRequest, lastLevelCache: CeilingsRequest['lastLevelCache']): Job {
  const net = mobilenetV1(0.25, 128);
  return {
    id: ceilingsJobId(target.name),
    target,
    implementation: { impl: 'reference', backend: 'js', threads: null },
    alpha: 0.25,
    resolution: 128,
    precision: 'float32',
    weights: { kind: 'synthetic', seed: 0 },
    sampling: { ...config.sampling, mode: 'ordinary', repeats: 1 },
    accuracy: { ...config.accuracy, evalSet: undefined, samples: 1, referenceSamples: 1 },
    timeoutMs: CEILINGS_TIMEOUT_MS,
    analytic: { macs: net.macs, params: net.params },
    ceilings: { ...request, lastLevelCache },
  };
}

/** Where a target's jobs run, for a record of ceilings that could not be measured. */
function environmentOf(target: Target): TargetCeilings['environment'] {
  if (target.type === 'node') return 'node';
  if (target.type === 'ssh') return target.browser === 'chromium' ? 'browser' : 'board';
  return 'browser';
}

/** Every ceiling unavailable, with why (the job failed, the target never started). */
export function unavailableCeilings(target: Target, reason: string, nominalPeak?: NominalPeak): TargetCeilings {
  const none = { available: false as const, reason };
  return {
    target: target.name,
    measuredAt: new Date().toISOString(),
    durationMs: 0,
    environment: environmentOf(target),
    compute: { jsScalar: none, wasmSimd: none, wasmRelaxedSimd: none, wasmSimdThreaded: none, native: none },
    bandwidth: [],
    ...(nominalPeak ? { nominalPeak } : {}),
    notes: [reason],
  };
}
