/**
 * `mobilenet-bench ci --against REF`: the pull-request check as a paired A/B comparison, the
 * baseline side A being this repository at REF (`ref:REF`, e.g. origin/main) and side B the
 * checkout as it is. Writes into --ci-out (default: the comparison folder) what `ab --out` writes:
 * the files `ci` writes (comment.md, junit.xml, verdicts.json, bmf.json, the github-action-benchmark
 * export) and the pairs, the sides and the page.
 */
import { ConfigError } from '../contract/config-error.ts';
import { AB_OPTIONS, runAb } from './ab.ts';
import { parseOptions } from './options.ts';

export const CI_AGAINST_USAGE = `mobilenet-bench ci --against REF [run options] [ab options]   paired A/B comparison of this checkout (B) with
                             the repository at REF (A, e.g. origin/main): for pull requests; exit 0 / 1 / 2 as ab
  --ci-out DIR               where its files go (default results/ab-<time>)
`;

const CI_AGAINST_OPTIONS = {
  ...AB_OPTIONS,
  against: { type: 'string' },
  'ci-out': { type: 'string' },
  history: { type: 'string' },
  baseline: { type: 'string' },
} as const;

/** Whether `ci`'s arguments ask for the paired comparison. */
export const asksAgainst = (argv: string[]) => argv.some((a) => a === '--against' || a.startsWith('--against='));

export async function ciAgainstCommand(argv: string[]): Promise<number> {
  const args = parseOptions(argv, CI_AGAINST_OPTIONS);
  if (args.history || args.baseline) {
    throw new ConfigError('ci --against compares with a ref in the same run; --history and --baseline judge against earlier runs: give one of them');
  }
  if (args.a || args.b || args.aa)
    throw new ConfigError('ci --against REF sets the sides itself (A = ref:REF, B = this checkout): leave out --a, --b and --aa');
  const { against, 'ci-out': ciOut, history: _h, baseline: _b, ...rest } = args;
  return runAb(`ref:${against}`, 'current', { ...rest, ...(ciOut ? { out: ciOut } : {}) });
}
