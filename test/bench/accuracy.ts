/**
 * `npm run bench:accuracy [-- --samples N]`: every real model found in the mirror
 * (MOBILENET_BENCH_MIRROR, else ../shared/data) over its labelled photos (or
 * MOBILENET_BENCH_EVAL_SET), with the reference, tfjs-wasm and onnxruntime-node;
 * prints variant, precision, implementation, top-1, top-5, n and agreement with the reference.
 * The reference runs every image (it is the slow one: expect minutes per model).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mirrorEvalSet } from '../../models/weights/mirror.ts';
import { runnerFor } from '../../runners/index.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { progressReporter } from '../../cli/progress.ts';
import { newRunId, runBenchmark } from '../../harness/run.ts';

const { values } = parseArgs({ options: { samples: { type: 'string' } } });
const fallback = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const mirror = process.env.MOBILENET_BENCH_MIRROR ?? (existsSync(fallback) ? fallback : undefined);
const evalSet = process.env.MOBILENET_BENCH_EVAL_SET ?? (mirror ? mirrorEvalSet(mirror) : undefined);
if (!mirror || !evalSet) {
  console.error(
    'bench:accuracy needs real weights and labelled photos: set MOBILENET_BENCH_MIRROR to a folder laid out like shared/data (weights/, images/), or MOBILENET_BENCH_EVAL_SET',
  );
  process.exit(2);
}
const samples = values.samples ? Number(values.samples) : undefined;
const config = resolveConfig({
  weights: { source: 'official', mirror, fallback: 'skip' },
  implementations: ['reference', 'tfjs:wasm', 'ort-node:cpu'],
  precision: ['float32', 'uint8'],
  sampling: { warmupSamples: 0, warmupTimeMs: 0, minSamples: 3, minTimeMs: 0, maxSamples: 3, maxTimeMs: 5000 },
  accuracy: { evalSet, ...(samples ? { samples } : {}), referenceSamples: samples ?? 100_000 },
  jobTimeoutMs: 3_600_000,
  outDir: 'results',
});
const { dir, results } = await runBenchmark({ config, runnerFor, outDir: join('results', `accuracy-${newRunId()}`), onEvent: progressReporter() });

const real = results.filter((r) => r.status === 'ok' && !r.weightsSource.startsWith('synthetic'));
const pct = (x: number | null | undefined) => (x == null ? '–' : `${(x * 100).toFixed(1)}%`);
const header = ['variant', 'precision', 'weights', 'implementation', 'top-1', 'top-5', 'n', 'agree', 'max |Δ logit|'];
const rows = real.map((r) => [
  r.id.split('/')[2],
  r.precision,
  r.weightsSource.split(':')[0],
  `${r.impl}:${r.backend}`,
  pct(r.accuracy?.top1),
  pct(r.accuracy?.top5),
  String(r.accuracy?.n ?? '–'),
  `${pct(r.accuracy?.agreementTop1)} of ${r.accuracy?.agreementN ?? '–'}`,
  r.accuracy?.maxAbsLogitDelta?.toExponential(1) ?? '–',
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}`);
const unavailable = [...new Set(results.filter((r) => r.weightsSource.startsWith('synthetic') || r.status === 'skipped').map((r) => `${r.id.split('/')[2]}`))];
if (unavailable.length) console.log(`\nweights not available in ${mirror}: ${unavailable.join(', ')}`);
console.log(`\nResults: ${dir}/results.jsonl`);
