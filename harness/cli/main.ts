/** The `mobilenet-bench` command line: parses the subcommand and hands over. */
import { printModelsTable } from './models-table.ts';

const USAGE = `mobilenet-bench <command>

Commands:
  models table [--json]     analytic MACs and parameters of the 16 MobileNet V1 variants
`;

/** Run one CLI invocation; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'models' && rest[0] === 'table') {
    printModelsTable(rest.includes('--json'));
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`mobilenet-bench: unknown command '${argv.join(' ')}'\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
