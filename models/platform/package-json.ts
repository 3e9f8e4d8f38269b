/**
 * Versions read from package.json files in Node: this package's own (run.json, bundles) and
 * installed packages' (run.json, the report's inlined libraries). One reader, so every place
 * agrees. Paths are computed when called: a CommonJS bundle has no import.meta at load time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project's root folder (where its package.json is). */
export function projectRoot(): string {
  return join(import.meta.dirname, '..', '..');
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
  const folder = join(projectRoot(), 'node_modules', name);
  return existsSync(join(folder, 'package.json')) ? versionAt(folder) : null;
}
