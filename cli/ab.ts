/**
 * `mobilenet-bench ab`: a paired A/B comparison in one run. A thin client of the API's `ab`
 * (api/ab.ts): the options are read here; the sides, the interleaving, the decision and the files are the API's.
 */
import { ConfigError } from '../contract/config-error.ts';
import { EXIT } from '../contract/exit-codes.ts';
import { DEFAULT_CONTROLLER } from '../harness/ab/controller.ts';
import { ab } from '../api/ab.ts';
import { MATRIX_OPTIONS, overridesFromArgs, parseOptions } from './options.ts';

export const AB_USAGE = `mobilenet-bench ab --a SIDE --b SIDE [run options] [options]   paired A/B comparison: both sides loaded, short blocks
                             alternated in balanced random order, several fresh worker pairs per job; exit 0 = no job
                             slower, 1 = a job slower, 2 = a side or option cannot be used (docs/ab.md)
  --a SIDE, --b SIDE         current (A's default), config:<overlay.json>, dir:<checkout>, ref:<git ref>,
                             pkg:<name>@<version>[,…]
  --aa                       A against itself (B = A): the A/A check that calibrates a machine
  --min-effect F             the smallest change that counts (default 0.03 = 3 %)
  --worker-pairs N           fresh worker pairs per batch (default ${DEFAULT_CONTROLLER.workerPairs})
  --max-pairs N              cap per job in pairs (default ${DEFAULT_CONTROLLER.maxPairs})
  --max-seconds S            cap per job in seconds (default ${DEFAULT_CONTROLLER.maxSeconds})
  --seed N                   seed of the AB/BA orders (default: from the clock, recorded in verdicts.json)
  --duet                     Node jobs: both sides' blocks at once, each side's workers pinned to its own CPU
                             (taskset); where pinning is unavailable it says why and interleaves
  -o, --out DIR              where pairs.jsonl, verdicts.json, sides.json, results-A/B.jsonl go (default results/ab-<time>)
  run options: --config, --target, --impl, --alpha, --resolution, --precision, --quick, --weights-mirror, --eval-set,
               --model, --accuracy-samples, --crop
`;

export const AB_OPTIONS = {
  ...MATRIX_OPTIONS,
  a: { type: 'string' },
  b: { type: 'string' },
  aa: { type: 'boolean' },
  'min-effect': { type: 'string' },
  'worker-pairs': { type: 'string' },
  'max-pairs': { type: 'string' },
  'max-seconds': { type: 'string' },
  seed: { type: 'string' },
  duet: { type: 'boolean' },
} as const;

/** Run options that mean nothing in a paired comparison. */
const NOT_FOR_AB = ['resume', 'retry-failed', 'repeats', 'history', 'sustained', 'workers'] as const;

/** A positive number option, or a ConfigError naming it. */
function positive(flag: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new ConfigError(`--${flag}: '${value}' is not a positive ${integer ? 'whole number' : 'number'}`);
  }
  return n;
}

export async function abCommand(argv: string[]): Promise<number> {
  const args = parseOptions(argv, AB_OPTIONS);
  if (args.help) {
    process.stdout.write(AB_USAGE);
    return EXIT.ok;
  }
  const refused = NOT_FOR_AB.filter((k) => args[k] !== undefined);
  if (refused.length) throw new ConfigError(`ab does not take ${refused.map((k) => `--${k}`).join(', ')}: a comparison pairs blocks inside one run`);
  if (args.aa && args.b) throw new ConfigError('--aa compares A with itself: leave out --b, or leave out --aa');
  const a = args.a ?? 'current';
  const b = args.aa ? a : args.b;
  if (!b) throw new ConfigError('give side B with --b SIDE (e.g. --b ref:origin/main, --b config:threads2.json), or --aa for A against itself');
  return runAb(a, b, args);
}

/** The options `ab` and `ci --against` share. */
export type AbArgs = ReturnType<typeof parseOptions<typeof AB_OPTIONS>>;

/** Compare side `a` with side `b` through the API as the options say; prints where the files are and returns the exit code (0: no job slower, 1: a job slower). */
export async function runAb(a: string, b: string, args: AbArgs): Promise<number> {
  const { outDir, exitCode } = await ab(a, b, {
    ...(args.config ? { configFile: args.config } : {}),
    overrides: overridesFromArgs(args),
    ...(args.out ? { out: args.out } : {}),
    minEffect: positive('min-effect', args['min-effect'], 0.03),
    workerPairs: positive('worker-pairs', args['worker-pairs'], DEFAULT_CONTROLLER.workerPairs, true),
    maxPairs: positive('max-pairs', args['max-pairs'], DEFAULT_CONTROLLER.maxPairs, true),
    maxSeconds: positive('max-seconds', args['max-seconds'], DEFAULT_CONTROLLER.maxSeconds),
    ...(args.seed !== undefined ? { seed: positive('seed', args.seed, 1, true) } : {}),
    duet: Boolean(args.duet),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`A/B: ${outDir}\n`);
  return exitCode;
}
