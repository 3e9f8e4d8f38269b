/**
 * Write the published site into a folder. The folder is refused when it is, or lies inside, an
 * input run folder (outputs never overwrite inputs), or holds an input; a folder that is not
 * empty must be a site this command wrote (it holds the marker file), whose files are then
 * replaced, so a rebuilt site keeps no page of a device that is gone.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { ConfigError } from '../../contract/config-error.ts';
import { resolvedPath } from '../../contract/output-guard.ts';
import { ResultsError, writeFailure, writeFileAtomic } from '../../contract/store.ts';
import { buildSite } from './build.ts';
import { loadSiteModel } from './model.ts';

/** Marks a folder as a published site (so publishing again may replace its files). */
const SITE_MARKER = '.mobilenet-bench-site';

const inside = (child: string, parent: string) => child === parent || child.startsWith(parent + sep);

/** Refuse an output folder that would overwrite, or delete, an input. */
function checkSiteOutput(out: string, runDirs: readonly string[]): void {
  const o = resolvedPath(out);
  for (const dir of runDirs) {
    const d = resolvedPath(dir);
    if (inside(o, d))
      throw new ConfigError(
        `--out ${out}: refusing to write there, it is inside the input run folder ${dir}; choose a folder outside the runs (e.g. site/ beside them)`,
      );
    if (inside(d, o))
      throw new ConfigError(
        `--out ${out}: refusing to write there, it holds the input run folder ${dir}, which replacing the site's files could delete; choose a folder that holds no run`,
      );
  }
  if (existsSync(o) && readdirSync(o).length > 0 && !existsSync(join(o, SITE_MARKER))) {
    throw new ConfigError(`--out ${out}: the folder is not empty and is not a site written by publish (no ${SITE_MARKER}); choose a new or empty folder`);
  }
}

/** Build and write the site; returns the files written (relative, sorted). */
export function publishSite(runDirs: readonly string[], out: string): string[] {
  checkSiteOutput(out, runDirs);
  const files = buildSite(loadSiteModel(runDirs));
  if (files.size === 0) throw new ResultsError('nothing to publish');
  if (existsSync(out)) for (const name of readdirSync(out)) rmSync(join(out, name), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  files.set(SITE_MARKER, Buffer.from('written by mobilenet-bench publish; publishing again into this folder replaces its files\n'));
  for (const [path, bytes] of files) {
    const file = join(out, ...path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, bytes, (e) => writeFailure(file, e, `the site in ${out} is incomplete; free space or choose another --out, then publish again`));
  }
  return [...files.keys()].sort();
}
