/**
 * What the command line and the environment change in a configuration, as one typed object
 * (`ConfigOverrides`) applied in one place (`applyOverrides`), before validation so that a bad
 * value is named by its config key. The CLI builds the object from argv and reads the
 * environment once (cli/options.ts); nothing else in the harness reads those variables.
 *
 * Precedence, highest first:
 *   1. a command-line option (--impl, --alpha, --weights-mirror …);
 *   2. a target's own setting (its `implementations`; `--impl` replaces it);
 *   3. the config file's top level;
 *   4. the environment (MOBILENET_BENCH_MIRROR: official weights from that folder when the config
 *      names no weights, or names official ones without a mirror);
 *   5. the schema's default.
 * Whatever the environment supplied is written into the config itself (weights.mirror), so run.json
 * records it and `--resume` plans from it without the variable.
 */
import { z } from 'zod';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mirrorEvalSet } from '../../models/weights/mirror.ts';
import { ConfigError } from '../../contract/config-error.ts';
import { TARGET_PRESETS } from './presets.ts';
import type { UserConfig } from './schema.ts';

/** The environment variables a configuration draws on, read once by the CLI. */
export const ConfigEnvironmentSchema = z.strictObject({
  /** MOBILENET_BENCH_MIRROR: a local folder of official weights (or a data folder holding weights/ and images/). */
  mirror: z.string().min(1).optional(),
});
export type ConfigEnvironment = z.infer<typeof ConfigEnvironmentSchema>;

/** Read the variables a configuration draws on (an empty value counts as unset). */
export function configEnvironment(env: NodeJS.ProcessEnv): ConfigEnvironment {
  return ConfigEnvironmentSchema.parse({ mirror: env.MOBILENET_BENCH_MIRROR || undefined });
}

/** The environment as run.json records it: variable name → value, only those that were set. */
export function recordedEnvironment(e: ConfigEnvironment): Record<string, string> {
  return e.mirror ? { MOBILENET_BENCH_MIRROR: e.mirror } : {};
}

/** Every override the command line can make; absent = leave the config's value. */
export const ConfigOverridesSchema = z.strictObject({
  /** --target: these targets, by config name or preset name, in this order. */
  targets: z.array(z.string()).min(1).optional(),
  /** --impl: these implementations for every target (a target's own list included). */
  implementations: z.array(z.string()).min(1).optional(),
  alpha: z.array(z.number()).min(1).optional(),
  resolution: z.array(z.number()).min(1).optional(),
  precision: z.array(z.string()).min(1).optional(),
  /** --weights-mirror: official weights from this folder. */
  weightsMirror: z.string().min(1).optional(),
  evalSet: z.string().min(1).optional(),
  /** --model FILE[,FILE…]: the user's own models (added to the config's). */
  models: z.array(z.string().min(1)).min(1).optional(),
  accuracySamples: z.number().optional(),
  crop: z.number().optional(),
  quick: z.boolean().optional(),
  /** --sustained: sampling.mode 'sustained' (with --quick, the short pass QUICK_SUSTAINED). */
  sustained: z.boolean().optional(),
  profile: z.boolean().optional(),
  /** --ceilings: measure the targets' ceilings even with --quick. */
  ceilings: z.boolean().optional(),
  repeats: z.number().optional(),
  workers: z.number().optional(),
  environment: ConfigEnvironmentSchema.default({}),
});
export type ConfigOverrides = z.input<typeof ConfigOverridesSchema>;

/** Overrides that change only how jobs are scheduled, not which jobs run or what they measure. */
export const SCHEDULING_OVERRIDES = ['workers'] as const satisfies ReadonlyArray<keyof ConfigOverrides>;

/**
 * `--quick`: a fast pass with a looser target. At least 10 samples; then stop at ±5 %, or at the
 * budget of 30 samples, capped at 50 samples or 3 s (a slow job stops at the cap, as before).
 */
export const QUICK_SAMPLING = {
  warmupSamples: 5,
  warmupTimeMs: 200,
  minSamples: 10,
  minTimeMs: 0,
  budgetSamples: 30,
  budgetTimeMs: 0,
  maxSamples: 50,
  maxTimeMs: 3000,
  targetPrecision: 0.05,
};
/**
 * `--quick --sustained`: a short sustained pass, 10 s and ≥ 64 samples in 1 s windows. The quick caps
 * (50 samples, 3 s) would cut it, so they are left to sustained mode's defaults instead.
 */
export const QUICK_SUSTAINED = { sustainedMs: 10_000, sustainedSamples: 64, windowMs: 1000 };
/** Images per job in `--quick` (a fixed, seeded subset). */
export const QUICK_ACCURACY_SAMPLES = 16;

/** `labels.txt` beside a model file (or inside a model folder), when there is one. */
function labelsBeside(file: string): { labels?: string } {
  const dir = existsSync(file) && statSync(file).isDirectory() ? file : dirname(file);
  const labels = join(dir, 'labels.txt');
  return existsSync(labels) ? { labels } : {};
}

/** Step 4 of the precedence: the environment's mirror, where the config leaves the weights folder open. */
export function applyEnvironment(c: UserConfig, environment: ConfigEnvironment): UserConfig {
  const mirror = environment.mirror;
  if (!mirror) return c;
  if (!c.weights) return { ...c, weights: { source: 'official', mirror } };
  if (c.weights.source === 'official' && c.weights.mirror === undefined) return { ...c, weights: { ...c.weights, mirror } };
  return c;
}

/** Apply the overrides to a raw user config (steps 1, 2 and 4 of the precedence; the schema does 5). */
export function applyOverrides(config: UserConfig, overrides: ConfigOverrides): UserConfig {
  const o = ConfigOverridesSchema.parse(overrides);
  const c = applyEnvironment(config, o.environment);
  const out: UserConfig = { ...c };
  if (o.targets) {
    const wanted = o.targets;
    const targets = (c.targets ?? [{ name: 'node', type: 'node' as const }]) as Array<{ name?: string }>;
    const names = targets.map((t) => t.name ?? 'node');
    // A name the config does not define may be a built-in preset (node, chromium, firefox, webkit).
    const presets = TARGET_PRESETS as Record<string, { name: string }>;
    const unknown = wanted.filter((w) => !names.includes(w) && !(w in presets));
    if (unknown.length) {
      throw new ConfigError(
        `--target: no target named ${unknown.join(', ')} in the config; targets: ${names.join(', ')}; presets: ${Object.keys(presets).join(', ')}`,
      );
    }
    out.targets = wanted.map((w) => (names.includes(w) ? targets[names.indexOf(w)] : { ...presets[w] })) as UserConfig['targets'];
  }
  if (o.implementations) {
    out.implementations = o.implementations;
    // --impl wins over a target's own implementation list (browser presets carry one).
    out.targets = (out.targets ?? c.targets)?.map((t) => {
      const { implementations: _own, ...rest } = t as typeof t & { implementations?: unknown };
      return rest;
    }) as UserConfig['targets'];
  }
  if (o.alpha || o.resolution) {
    out.variants = { ...c.variants };
    if (o.alpha) out.variants.alpha = o.alpha;
    if (o.resolution) out.variants.resolution = o.resolution;
  }
  if (o.precision) out.precision = o.precision as UserConfig['precision'];
  if (o.weightsMirror) out.weights = { ...(c.weights?.source === 'official' ? c.weights : {}), source: 'official', mirror: o.weightsMirror };
  // A data-folder mirror (weights/, images/) also supplies the default eval set.
  const mirror = out.weights?.source === 'official' ? out.weights.mirror : undefined;
  const mirrorImages = mirror ? mirrorEvalSet(mirror) : undefined;
  if (mirrorImages && !c.accuracy?.evalSet && !o.evalSet) out.accuracy = { ...c.accuracy, evalSet: mirrorImages };
  if (o.quick) {
    out.sampling = { ...c.sampling, ...QUICK_SAMPLING };
    out.accuracy = { ...out.accuracy, samples: Math.min(c.accuracy?.samples ?? QUICK_ACCURACY_SAMPLES, QUICK_ACCURACY_SAMPLES) };
  }
  if (o.sustained) out.sampling = { ...out.sampling, mode: 'sustained' };
  // --quick on a sustained run (the flag or the config's mode) is the short sustained pass.
  if (o.quick && out.sampling?.mode === 'sustained') {
    const { maxSamples: _s, maxTimeMs: _t, ...rest } = out.sampling;
    out.sampling = { ...rest, ...QUICK_SUSTAINED };
  }
  if (o.profile) out.profile = c.profile && c.profile !== true ? c.profile : true;
  // A run measures the ceilings unless the config says otherwise; --quick skips them (the report
  // says so) and --ceilings measures them all the same.
  if (o.ceilings) out.ceilings = c.ceilings && c.ceilings !== true ? c.ceilings : true;
  else if (o.quick) out.ceilings = false;
  else if (c.ceilings === undefined) out.ceilings = true;
  if (o.repeats !== undefined) out.sampling = { ...out.sampling, repeats: o.repeats };
  if (o.workers !== undefined) out.workers = o.workers;
  if (o.evalSet) out.accuracy = { ...out.accuracy, evalSet: o.evalSet };
  // A labels file beside the model (labels.txt) is picked up, as most fine-tuning tools write one.
  if (o.models) out.models = [...(c.models ?? []), ...o.models.map((file) => ({ file, ...labelsBeside(file) }))];
  if (o.crop !== undefined) out.accuracy = { ...out.accuracy, crop: o.crop };
  if (o.accuracySamples !== undefined) out.accuracy = { ...out.accuracy, samples: o.accuracySamples };
  return out;
}
