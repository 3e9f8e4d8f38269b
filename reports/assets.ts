/**
 * What the HTML report inlines: Chart.js (UMD build, read by path since it is not in the
 * package exports), the box-plot and matrix plugins, the page's own script (TypeScript,
 * transpiled here) and the stylesheet. Read once per process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientScript, reportSource } from './report-sources.ts';
import { packageDir, versionAt } from '../models/platform/package-json.ts';

/** An installed package's folder, or an error naming it (the report inlines its files). */
function vendorDir(name: string): string {
  const dir = packageDir(name);
  if (!dir) throw new Error(`cannot locate the ${name} package folder: reinstall the dependencies (npm ci)`);
  return dir;
}

/** A vendored file, without its source-map comment (the report must not point at files it does not carry). */
function vendor(pkg: string, file: string): string {
  const text = readFileSync(join(vendorDir(pkg), file), 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
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
  const client = clientScript('client/report.ts');
  cached = {
    scripts: [
      { name: 'chart.js', code: vendor('chart.js', 'dist/chart.umd.min.js') },
      { name: '@sgratzl/chartjs-chart-boxplot', code: vendor('@sgratzl/chartjs-chart-boxplot', 'build/index.umd.min.js') },
      { name: 'chartjs-chart-matrix', code: vendor('chartjs-chart-matrix', 'dist/chartjs-chart-matrix.min.js') },
      { name: 'report', code: client },
    ],
    css: reportSource('report.css'),
  };
  return cached;
}

/** Versions of the inlined libraries, for the methodology section. */
export function inlinedLibraryVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pkg of ['chart.js', '@sgratzl/chartjs-chart-boxplot', 'chartjs-chart-matrix']) {
    out[pkg] = versionAt(vendorDir(pkg));
  }
  return out;
}
