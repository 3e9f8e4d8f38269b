/** `mobilenet-bench publish <run dir>... --out DIR`: a static comparison site from several runs (reports/site/). */
import { parseArgs } from 'node:util';
import { ConfigError } from '../contract/config-error.ts';
import { publishSite } from '../reports/site/write.ts';
import { EXIT } from '../contract/exit-codes.ts';

export const PUBLISH_USAGE = `mobilenet-bench publish <run dir>... --out DIR    a static site (index, one page per device, method, published figures, data with SHA256SUMS)

Options:
  -o, --out DIR              the site's folder (new, empty, or a site publish wrote before: the files it listed are replaced)
  --force                    write into a non-empty folder publish did not write (a git checkout): nothing of its own is removed
`;

/** `publish`: returns the exit code. */
export async function publishCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${PUBLISH_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(PUBLISH_USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new ConfigError(`publish needs at least one run folder\n\n${PUBLISH_USAGE}`);
  if (!values.out) throw new ConfigError(`publish needs --out DIR (the site's folder)\n\n${PUBLISH_USAGE}`);
  const files = publishSite(positionals, values.out, { force: values.force });
  process.stdout.write(
    `Site: ${values.out} (${files.length} files; open ${values.out}/index.html; check the data with \`cd ${values.out}/data && sha256sum -c SHA256SUMS\`)\n`,
  );
  return EXIT.ok;
}
