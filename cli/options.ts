/** Command-line options shared by `run` and `list`, and how they narrow the configuration. */
import { parseArgs } from 'node:util';
import { ConfigError, TARGET_PRESETS, type UserConfig } from '../harness/config.ts';
import { mirrorEvalSet } from '../models/weights/mirror.ts';

/** Options accepted by run/list (parseArgs spec). */
export const MATRIX_OPTIONS = {
  config: { type: 'string', short: 'c' },
  target: { type: 'string' },
  impl: { type: 'string' },
  alpha: { type: 'string' },
  resolution: { type: 'string' },
  precision: { type: 'string' },
  quick: { type: 'boolean' },
  profile: { type: 'boolean' },
  repeats: { type: 'string' },
  workers: { type: 'string' },
  'weights-mirror': { type: 'string' },
  'eval-set': { type: 'string' },
  'accuracy-samples': { type: 'string' },
  crop: { type: 'string' },
  out: { type: 'string', short: 'o' },
  resume: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type MatrixArgs = ReturnType<typeof parseMatrixArgs>;

/** Parse argv, turning unknown options into a readable error; an option given an empty value is refused (it would silently mean "the default"). */
export function parseMatrixArgs(argv: string[]) {
  let values;
  try {
    values = parseArgs({ args: argv, options: MATRIX_OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}. Options: ${Object.keys(MATRIX_OPTIONS).map((o) => `--${o}`).join(' ')}`);
  }
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string' && v.split(',').every((x) => x.trim() === '')) {
      throw new ConfigError(`--${k}: empty value${EXAMPLES[k] ? `; give at least one, e.g. --${k} ${EXAMPLES[k]}` : ''} (leave the option out for the default)`);
    }
  }
  return values;
}

/** Example values shown when an option is given empty. */
const EXAMPLES: Record<string, string> = { impl: 'reference,tfjs:wasm', target: 'node', alpha: '1,0.5', resolution: '224,128', precision: 'float32' };

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const numbers = (flag: string, s: string) =>
  list(s).map((x) => {
    const n = Number(x);
    if (!Number.isFinite(n)) throw new ConfigError(`--${flag}: '${x}' is not a number`);
    return n;
  });

/** Settings of `--quick`: a fast pass that still yields medians with a confidence interval. */
export const QUICK_SAMPLING = { warmupSamples: 5, warmupTimeMs: 200, minSamples: 10, minTimeMs: 0, maxSamples: 50, maxTimeMs: 3000 };
/** Images per job in `--quick` (a fixed, seeded subset). */
export const QUICK_ACCURACY_SAMPLES = 16;

/** Apply command-line options to a raw user config. */
export function applyMatrixArgs(args: MatrixArgs) {
  return (c: UserConfig): UserConfig => {
    const out: UserConfig = { ...c };
    if (args.target) {
      const wanted = list(args.target);
      const targets = (c.targets ?? [{ name: 'node', type: 'node' as const }]) as Array<{ name?: string }>;
      const names = targets.map((t) => t.name ?? 'node');
      // A name the config does not define may be a built-in preset (node, chromium, firefox, webkit).
      const presets = TARGET_PRESETS as Record<string, { name: string }>;
      const unknown = wanted.filter((w) => !names.includes(w) && !(w in presets));
      if (unknown.length) {
        throw new ConfigError(`--target: no target named ${unknown.join(', ')} in the config; targets: ${names.join(', ')}; presets: ${Object.keys(presets).join(', ')}`);
      }
      out.targets = wanted.map((w) => (names.includes(w) ? targets[names.indexOf(w)] : { ...presets[w] })) as UserConfig['targets'];
    }
    if (args.impl) {
      out.implementations = list(args.impl);
      // --impl wins over a target's own implementation list (browser presets carry one).
      out.targets = (out.targets ?? c.targets)?.map((t) => {
        const { implementations: _own, ...rest } = t as typeof t & { implementations?: unknown };
        return rest;
      }) as UserConfig['targets'];
    }
    if (args.alpha || args.resolution) {
      out.variants = { ...c.variants };
      if (args.alpha) out.variants.alpha = numbers('alpha', args.alpha);
      if (args.resolution) out.variants.resolution = numbers('resolution', args.resolution);
    }
    if (args.precision) out.precision = list(args.precision) as UserConfig['precision'];
    if (args['weights-mirror']) out.weights = { ...(c.weights?.source === 'official' ? c.weights : {}), source: 'official', mirror: args['weights-mirror'] };
    else if (!c.weights && process.env.MOBILENET_BENCH_MIRROR) out.weights = { source: 'official' };
    // A data-folder mirror (weights/, images/) also supplies the default eval set.
    const mirror = args['weights-mirror'] ?? (out.weights?.source === 'official' ? out.weights.mirror : undefined) ?? process.env.MOBILENET_BENCH_MIRROR;
    const mirrorImages = mirror && out.weights?.source === 'official' ? mirrorEvalSet(mirror) : undefined;
    if (mirrorImages && !c.accuracy?.evalSet && !args['eval-set']) out.accuracy = { ...c.accuracy, evalSet: mirrorImages };
    if (args.quick) {
      out.sampling = { ...c.sampling, ...QUICK_SAMPLING };
      out.accuracy = { ...out.accuracy, samples: Math.min(c.accuracy?.samples ?? QUICK_ACCURACY_SAMPLES, QUICK_ACCURACY_SAMPLES) };
    }
    if (args.profile) out.profile = c.profile && c.profile !== true ? c.profile : true;
    if (args.repeats) out.sampling = { ...out.sampling, repeats: numbers('repeats', args.repeats)[0] };
    if (args.workers) out.workers = numbers('workers', args.workers)[0];
    if (args['eval-set']) out.accuracy = { ...out.accuracy, evalSet: args['eval-set'] };
    if (args.crop) out.accuracy = { ...out.accuracy, crop: numbers('crop', args.crop)[0] };
    if (args['accuracy-samples']) out.accuracy = { ...out.accuracy, samples: numbers('accuracy-samples', args['accuracy-samples'])[0] };
    if (args.out && !args.resume) out.outDir = out.outDir ?? 'results';
    return out;
  };
}
