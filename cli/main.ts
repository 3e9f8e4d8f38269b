/** The `mobilenet-bench` command line: parses the subcommand and hands over. */
import { ConfigError } from '../contract/config-error.ts';
import { redactText } from '../contract/secrets.ts';
import { printModelsTable } from './models-table.ts';
import { FETCH_USAGE, modelsFetchCommand } from './models-fetch.ts';
import { listCommand, runCommand, RUN_USAGE } from './run.ts';
import { compareCommand, COMPARE_USAGE } from './compare.ts';
import { baselineCommand, BASELINE_USAGE } from './baseline.ts';
import { reportCommand, REPORT_USAGE } from './report.ts';
import { EXIT } from '../contract/exit-codes.ts';
import { publishCommand, PUBLISH_USAGE } from './publish.ts';
import { historyCommand, HISTORY_USAGE } from './history.ts';
import { ciCommand, CI_USAGE } from './ci.ts';
import { trendCommand, TREND_USAGE } from './trend.ts';
import { abCommand, AB_USAGE } from './ab.ts';

const USAGE = `mobilenet-bench <command>

Commands:
${RUN_USAGE}
mobilenet-bench models table [--json]    analytic MACs and parameters of the 16 MobileNet V1 variants
${FETCH_USAGE}${AB_USAGE}${COMPARE_USAGE}${BASELINE_USAGE}${REPORT_USAGE}${PUBLISH_USAGE}${HISTORY_USAGE}${CI_USAGE}${TREND_USAGE}`;

/** Errors that describe bad input, not a bug: printed without a stack trace. */
const EXPECTED_ERRORS = new Set([
  'ConfigError',
  'ResultsError',
  'StoreWriteError',
  'RunLockedError',
  'WeightsError',
  'EvalSetError',
  'ImageDecodeError',
  'ResumeError',
  'HistoryError',
  'RunIdCollisionError',
  'OutputOverwritesInputError',
  'SideError',
  'PlanMismatchError',
]);

/** Run one CLI invocation; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'list':
        return await listCommand(rest);
      case 'ab':
        return await abCommand(rest);
      case 'compare':
        return await compareCommand(rest);
      case 'baseline':
        return await baselineCommand(rest);
      case 'report':
        return await reportCommand(rest);
      case 'publish':
        return await publishCommand(rest);
      case 'history':
        return await historyCommand(rest);
      case 'ci':
        return await ciCommand(rest);
      case 'trend':
        return await trendCommand(rest);
      case 'models':
        if (rest[0] === 'table') {
          printModelsTable(rest.includes('--json'));
          return EXIT.ok;
        }
        if (rest[0] === 'fetch') return await modelsFetchCommand(rest.slice(1));
        break;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE);
        return EXIT.ok;
    }
  } catch (e) {
    // Expected problems (bad config, bad option, unreadable run folder) get their message alone, no stack.
    if (e instanceof ConfigError || EXPECTED_ERRORS.has((e as Error).name)) {
      process.stderr.write(`mobilenet-bench: ${redactText((e as Error).message)}\n`);
      return EXIT.usage;
    }
    // A bug's stack is printed by Node: still without a URL's credentials.
    if (e instanceof Error) {
      e.message = redactText(e.message);
      if (e.stack) e.stack = redactText(e.stack);
    }
    throw e;
  }
  process.stderr.write(`mobilenet-bench: unknown command '${argv.join(' ')}'\n\n${USAGE}`);
  return EXIT.usage;
}

// A reader that stops early (`mobilenet-bench list | head`) closes the pipe: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
