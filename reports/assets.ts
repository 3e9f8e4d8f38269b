/**
 * What the HTML report inlines: Chart.js (UMD build, read by path since it is not in the
 * package exports), the box-plot and matrix plugins, the page's own script (TypeScript,
 * transpiled here) and the stylesheet. Read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';
import { versionAt } from '../models/platform/package-json.ts';

const require = createRequire(import.meta.url);

/** Root folder of an installed package (works even where package.json is not exported). */
function packageRoot(name: string): string {
  // Resolve the main entry, then walk up to the folder that holds the package's package.json.
  let dir = dirname(require.resolve(name));
  while (!dir.endsWith(join('node_modules', name))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot locate the ${name} package folder`);
    dir = up;
  }
  return dir;
}

/** A vendored file, without its source-map comment (the report must not point at files it does not carry). */
function vendor(pkg: string, file: string): string {
  const text = readFileSync(join(packageRoot(pkg), file), 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
  if (/<\/script/i.test(text)) throw new Error(`${pkg}/${file} contains "</script" and cannot be inlined`);
  return text;
}

/** Scripts inlined in order, each its own <script> element (and CSP hash). */
export interface InlineScript {
  name: string;
  code: string;
}

let cached: { scripts: InlineScript[]; css: string } | undefined;

/** The scripts and stylesheet of the report page. */
export function reportAssets(): { scripts: InlineScript[]; css: string } {
  if (cached) return cached;
  const client = transformSync(readFileSync(join(import.meta.dirname, 'client', 'report.ts'), 'utf8'), {
    loader: 'ts',
    format: 'iife',
    target: 'es2020',
    minifyWhitespace: true,
    sourcefile: 'report.ts',
  }).code;
  cached = {
    scripts: [
      { name: 'chart.js', code: vendor('chart.js', 'dist/chart.umd.min.js') },
      { name: '@sgratzl/chartjs-chart-boxplot', code: vendor('@sgratzl/chartjs-chart-boxplot', 'build/index.umd.min.js') },
      { name: 'chartjs-chart-matrix', code: vendor('chartjs-chart-matrix', 'dist/chartjs-chart-matrix.min.js') },
      { name: 'report', code: client },
    ],
    css: readFileSync(join(import.meta.dirname, 'report.css'), 'utf8'),
  };
  return cached;
}

/** Versions of the inlined libraries, for the methodology section. */
export function inlinedLibraryVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pkg of ['chart.js', '@sgratzl/chartjs-chart-boxplot', 'chartjs-chart-matrix']) {
    out[pkg] = versionAt(packageRoot(pkg));
  }
  return out;
}
