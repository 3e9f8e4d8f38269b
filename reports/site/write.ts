/**
 * Write the published site into a folder. The folder is refused when it is, or lies inside, an
 * input run folder (outputs never overwrite inputs), or holds an input; a folder that is not
 * empty must be a site this command wrote (it holds the marker file, with the list of the files
 * it wrote), or be given with --force. Publishing again removes only the files the last publish
 * listed, so a rebuilt site keeps no page of a device that is gone, and a git checkout keeps
 * its .git and CNAME.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { ConfigError } from '../../contract/config-error.ts';
import { resolvedPath } from '../../contract/output-guard.ts';
import { ResultsError, writeFailure, writeFileAtomic } from '../../contract/store.ts';
import { buildSite } from './build.ts';
import { loadSiteModel } from './model.ts';

/**
 * Marks a folder as a published site and lists, one a line after its first, every file publish
 * wrote there: publishing again removes those and nothing else, so a git checkout's `.git`, a
 * `CNAME` or any file the user put beside the site survives.
 */
const SITE_MARKER = '.mobilenet-bench-site';
const MARKER_HEADER = 'written by mobilenet-bench publish; publishing again into this folder replaces the files listed below';
/** Never removed, even when a (hand-edited) manifest lists them. */
const NEVER_REMOVED = new Set(['.git', 'CNAME', SITE_MARKER]);

const inside = (child: string, parent: string) => child === parent || child.startsWith(parent + sep);

/** The files a previous publish listed in its marker (relative, inside the folder); null when there is no marker. */
function previousFiles(out: string): string[] | null {
  const marker = join(out, SITE_MARKER);
  if (!existsSync(marker)) return null;
  const lines = readFileSync(marker, 'utf8').split('\n').slice(1).filter(Boolean);
  const root = resolvedPath(out);
  return lines.filter((f) => {
    const segments = f.split('/');
    return !isAbsolute(f) && !segments.includes('..') && !NEVER_REMOVED.has(segments[0]) && inside(resolvedPath(join(out, ...segments)), root);
  });
}

/** Refuse an output folder that would overwrite, or delete, an input, or a folder publish did not write (unless `force`). */
function checkSiteOutput(out: string, runDirs: readonly string[], force: boolean): void {
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
  if (!force && existsSync(o) && readdirSync(o).length > 0 && !existsSync(join(o, SITE_MARKER))) {
    throw new ConfigError(
      `--out ${out}: the folder is not empty and is not a site written by publish (no ${SITE_MARKER}); choose a new or empty folder, or add --force to write the site's files into it (nothing else there is removed)`,
    );
  }
}

/** Remove the files a previous publish wrote (and folders they leave empty); nothing else. */
function removePrevious(out: string, files: readonly string[]): void {
  const dirs = new Set<string>();
  for (const f of files) {
    rmSync(join(out, ...f.split('/')), { force: true });
    for (let d = dirname(f); d !== '.'; d = dirname(d)) dirs.add(d);
  }
  // Deepest first; a folder that still holds something (the user's) stays.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(join(out, ...d.split('/')));
    } catch {
      /* not empty, or already gone */
    }
  }
}

/** Build and write the site; returns the files written (relative, sorted). `force`: write into a non-empty folder publish did not write. */
export function publishSite(runDirs: readonly string[], out: string, opts: { force?: boolean } = {}): string[] {
  checkSiteOutput(out, runDirs, Boolean(opts.force));
  const files = buildSite(loadSiteModel(runDirs));
  if (files.size === 0) throw new ResultsError('nothing to publish');
  for (const path of files.keys()) {
    // Every path the site writes stays inside it (run ids are slugged by contract/run-id.ts; this is the last check).
    if (isAbsolute(path) || path.split('/').some((s) => s === '..' || s === '.' || s === '') || NEVER_REMOVED.has(path.split('/')[0]))
      throw new ResultsError(`refusing to write the site file ${JSON.stringify(path)}: it would land outside ${out} or on a file publish never writes`);
  }
  removePrevious(out, previousFiles(out) ?? []);
  mkdirSync(out, { recursive: true });
  const written = [...files.keys()].sort();
  files.set(SITE_MARKER, Buffer.from(`${MARKER_HEADER}\n${written.join('\n')}\n`));
  for (const [path, bytes] of files) {
    const file = join(out, ...path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, bytes, (e) => writeFailure(file, e, `the site in ${out} is incomplete; free space or choose another --out, then publish again`));
  }
  return [...files.keys()].sort();
}
