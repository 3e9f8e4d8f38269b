/** `mobilenet-bench baseline save <run dir> [--name N]` and `baseline list`: saved runs to compare against. */
import { parseArgs } from 'node:util';
import { DEFAULT_BASELINE_DIR, listBaselines, saveBaseline } from '../analysis/compare/load.ts';
import { EXIT } from '../contract/exit-codes.ts';

export const BASELINE_USAGE = `mobilenet-bench baseline save <run dir>... [--name N] [--dir DIR] [--force]
                                   store finished runs of one config as DIR/N.json (default ${DEFAULT_BASELINE_DIR}/<run id>.json);
                                   save 3 or more runs so compare can measure the between-run noise
mobilenet-bench baseline list [--dir DIR]
                                   the saved baselines
`;

const OPTIONS = {
  name: { type: 'string' },
  dir: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `baseline …`: returns the exit code (2 on any problem, with the reason). */
export async function baselineCommand(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help || sub === undefined || sub === 'help') {
      out(BASELINE_USAGE);
      return EXIT.ok;
    }
    const dir = values.dir ?? DEFAULT_BASELINE_DIR;
    if (sub === 'save') {
      if (positionals.length < 1) throw new Error('baseline save takes one or more run folders');
      const { file, data } = saveBaseline(positionals, { dir, force: Boolean(values.force), ...(values.name ? { name: values.name } : {}) });
      out(
        `Saved baseline '${data.name}' (${data.runs[0].results.length} jobs, ${data.runs.length} run${data.runs.length > 1 ? 's' : ''}: ${data.runs.map((r) => r.run.runId).join(', ')}) to ${file}\n`,
      );
      return EXIT.ok;
    }
    if (sub === 'list') {
      const skipped: { file: string; reason: string }[] = [];
      const list = listBaselines(dir, skipped);
      for (const x of skipped) err(`baseline: ${x.file} left out: ${x.reason}\n`);
      if (!list.length) out(`No baselines in ${dir}\n`);
      for (const b of list)
        out(
          `${b.name.padEnd(20)} ${String(b.jobs).padStart(4)} jobs × ${b.runs} run${b.runs > 1 ? 's' : ''}  first run ${b.runId}  saved ${b.savedAt}  ${b.file}\n`,
        );
      return EXIT.ok;
    }
    throw new Error(`unknown subcommand '${sub}'\n\n${BASELINE_USAGE}`);
  } catch (e) {
    err(`mobilenet-bench baseline: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
}
