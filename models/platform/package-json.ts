/**
 * Versions read from package.json files in Node: this package's own (run.json, bundles) and
 * installed packages' (run.json, the report's inlined libraries). One reader, so every place
 * agrees. Paths are computed when called: a CommonJS bundle has no import.meta at load time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package's root folder (where its package.json is): the first folder up from this module
 * with a package.json, from the sources (models/platform/) and from the build (dist/models/platform/) alike.
 */
export function projectRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
    dir = parent;
  }
  return dir;
}

/**
 * The folder of an installed npm package, found as Node does (node_modules of this package's
 * folder and its parents: an installed mobilenet-bench finds its dependencies hoisted beside it); null when absent.
 */
export function packageDir(name: string): string | null {
  return packageDirFrom(name, projectRoot());
}

/** The folder of an installed npm package as Node finds it from the folder `from` (another checkout's); null when absent. */
export function packageDirFrom(name: string, from: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The `version` of the package whose folder is `root`. */
export function versionAt(root: string): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** This package's version (mobilenet-bench). */
export function harnessVersion(): string {
  return versionAt(projectRoot());
}

/** The installed version of a dependency, or null when it is not installed. */
export function installedVersion(name: string): string | null {
  const folder = packageDir(name);
  return folder ? versionAt(folder) : null;
}
