/**
 * The report pages' own browser code and stylesheets, read from the package's source folder
 * (reports/) whether this module runs from the sources or from the build (dist/reports/), and
 * compiled once per process for inlining.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { projectRoot } from '../models/platform/package-json.ts';

/** The text of reports/<path> (a stylesheet, a client script's TypeScript). */
export function reportSource(path: string): string {
  return readFileSync(join(projectRoot(), 'reports', path), 'utf8');
}

const compiled = new Map<string, string>();

/** reports/<path>, a page's TypeScript client, compiled to one minified IIFE for a <script> tag (cached per process). */
export function clientScript(path: string): string {
  let code = compiled.get(path);
  if (code === undefined) {
    code = transformSync(reportSource(path), { loader: 'ts', format: 'iife', target: 'es2020', minifyWhitespace: true, sourcefile: path }).code;
    compiled.set(path, code);
  }
  return code;
}
