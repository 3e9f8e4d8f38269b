/**
 * Command-line options shared by `run` and `list`: argv becomes one typed ConfigOverrides object
 * (harness/config/overrides.ts applies it), with the environment read here and nowhere else.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../contract/config-error.ts';
import { applyOverrides, configEnvironment, SCHEDULING_OVERRIDES, type ConfigOverrides } from '../harness/config/overrides.ts';
import type { UserConfig } from '../harness/config/schema.ts';

export { QUICK_ACCURACY_SAMPLES, QUICK_SAMPLING } from '../harness/config/overrides.ts';

/** Options accepted by run/list (parseArgs spec). */
export const MATRIX_OPTIONS = {
  config: { type: 'string', short: 'c' },
  target: { type: 'string' },
  impl: { type: 'string' },
  alpha: { type: 'string' },
  resolution: { type: 'string' },
  precision: { type: 'string' },
  quick: { type: 'boolean' },
  sustained: { type: 'boolean' },
  profile: { type: 'boolean' },
  ceilings: { type: 'boolean' },
  repeats: { type: 'string' },
  workers: { type: 'string' },
  'weights-mirror': { type: 'string' },
  'eval-set': { type: 'string' },
  model: { type: 'string' },
  'accuracy-samples': { type: 'string' },
  crop: { type: 'string' },
  out: { type: 'string', short: 'o' },
  resume: { type: 'string' },
  'retry-failed': { type: 'boolean' },
  history: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type MatrixArgs = ReturnType<typeof parseMatrixArgs>;

/** Parse argv, turning unknown options into a readable error; an option given an empty value is refused (it would silently mean "the default"). */
export function parseMatrixArgs(argv: string[]) {
  return parseOptions(argv, MATRIX_OPTIONS);
}

/** What parseArgs gives for these options. */
type ValuesOf<O extends ParseArgsConfig['options']> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: false; strict: true }>
>['values'];

/** `parseMatrixArgs` for a command that takes more options than run's (`ab`, `ci`): the same errors. */
export function parseOptions<const O extends ParseArgsConfig['options']>(argv: string[], options: O): ValuesOf<O> {
  let values: ValuesOf<O>;
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as ValuesOf<O>;
  } catch (e) {
    throw new ConfigError(
      `${(e as Error).message}. Options: ${Object.keys(options ?? {})
        .map((o) => `--${o}`)
        .join(' ')}`,
    );
  }
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string' && v.split(',').every((x) => x.trim() === '')) {
      throw new ConfigError(
        `--${k}: empty value${EXAMPLES[k] ? `; give at least one, e.g. --${k} ${EXAMPLES[k]}` : ''} (leave the option out for the default)`,
      );
    }
  }
  return values;
}

/** Example values shown when an option is given empty. */
const EXAMPLES: Record<string, string> = { impl: 'reference,tfjs:wasm', target: 'node', alpha: '1,0.5', resolution: '224,128', precision: 'float32' };

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const numbers = (flag: string, s: string) =>
  list(s).map((x) => {
    const n = Number(x);
    if (!Number.isFinite(n)) throw new ConfigError(`--${flag}: '${x}' is not a number`);
    return n;
  });
const number = (flag: string, s: string | undefined) => (s === undefined ? undefined : numbers(flag, s)[0]);

/** Which override each option sets (options without one, like --out and --resume, are not config). */
const OVERRIDE_OF: Partial<Record<keyof typeof MATRIX_OPTIONS, keyof ConfigOverrides>> = {
  target: 'targets',
  impl: 'implementations',
  alpha: 'alpha',
  resolution: 'resolution',
  precision: 'precision',
  quick: 'quick',
  sustained: 'sustained',
  profile: 'profile',
  ceilings: 'ceilings',
  repeats: 'repeats',
  workers: 'workers',
  'weights-mirror': 'weightsMirror',
  'eval-set': 'evalSet',
  model: 'models',
  'accuracy-samples': 'accuracySamples',
  crop: 'crop',
};

/** The typed overrides of these options and this environment (the one place MOBILENET_BENCH_MIRROR is read). */
export function overridesFromArgs(args: MatrixArgs, env: NodeJS.ProcessEnv = process.env): ConfigOverrides {
  const o: ConfigOverrides = { environment: configEnvironment(env) };
  if (args.target) o.targets = list(args.target);
  if (args.impl) o.implementations = list(args.impl);
  if (args.alpha) o.alpha = numbers('alpha', args.alpha);
  if (args.resolution) o.resolution = numbers('resolution', args.resolution);
  if (args.precision) o.precision = list(args.precision);
  if (args['weights-mirror']) o.weightsMirror = args['weights-mirror'];
  if (args['eval-set']) o.evalSet = args['eval-set'];
  if (args.model) o.models = list(args.model);
  o.accuracySamples = number('accuracy-samples', args['accuracy-samples']);
  o.crop = number('crop', args.crop);
  if (args.quick) o.quick = true;
  if (args.sustained) o.sustained = true;
  if (args.profile) o.profile = true;
  if (args.ceilings) o.ceilings = true;
  o.repeats = number('repeats', args.repeats);
  o.workers = number('workers', args.workers);
  for (const k of Object.keys(o) as Array<keyof ConfigOverrides>) if (o[k] === undefined) delete o[k];
  return o;
}

/** Apply command-line options (and the environment) to a raw user config. */
export function applyMatrixArgs(args: MatrixArgs, env: NodeJS.ProcessEnv = process.env) {
  return (c: UserConfig): UserConfig => applyOverrides(c, overridesFromArgs(args, env));
}

/**
 * `--resume DIR` continues the run that run.json recorded, so an option that would change its
 * plan (which jobs, on which weights, measured how) is refused by name instead of silently
 * ignored; scheduling options (--workers) are allowed. `--retry-failed` needs `--resume`.
 */
export function checkResumeOptions(args: MatrixArgs): void {
  if (args['retry-failed'] && !args.resume) {
    throw new ConfigError('--retry-failed re-runs the failed and invalid jobs of an existing run: give the run folder with --resume DIR');
  }
  if (!args.resume) return;
  const scheduling: readonly string[] = SCHEDULING_OVERRIDES;
  const planChanging = (Object.keys(args) as Array<keyof typeof MATRIX_OPTIONS>).filter((k) => {
    if (k === 'config' || k === 'out') return true;
    const override = OVERRIDE_OF[k];
    return override !== undefined && !scheduling.includes(override);
  });
  if (!planChanging.length) return;
  const named = planChanging.map((k) => `--${k}`).join(', ');
  throw new ConfigError(
    `--resume continues ${args.resume} exactly as its run.json recorded it (configuration, weights, folder), so ${named} would change its plan and ${planChanging.length === 1 ? 'is' : 'are'} not accepted with it. ` +
      `Leave ${planChanging.length === 1 ? 'it' : 'them'} out to continue the run (--workers and --retry-failed are allowed), or start a new run with ${planChanging.length === 1 ? 'it' : 'them'} instead of --resume.`,
  );
}
