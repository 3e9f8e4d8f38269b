/**
 * A run folder for the report tests: a real small Node run (two variants × reference and
 * ort-node, fast sampling) plus hand-written lines for the cases a short real run does not
 * produce — a hostile target name, failed, skipped and invalid jobs, labelled accuracy and
 * a uint8 row — each validated by the results schema as it is appended.
 */
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import { JobResultSchema, type JobResult } from '../../contract/results.ts';
import { appendResult, readResults } from '../../contract/store.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { tempRunDir } from '../helpers/temp-dirs.ts';

/** The target name every string-escaping check looks for. */
export const HOSTILE = '<img src=x onerror=alert(1)>';

const FAST_SAMPLING = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 8, minTimeMs: 0, maxSamples: 20, maxTimeMs: 1500 };

let cached: Promise<string> | undefined;

/** Build the fixture once per process; returns the run folder. */
export function reportFixture(): Promise<string> {
  cached ??= build();
  return cached;
}

async function build(): Promise<string> {
  const dir = tempRunDir('mnb-report-');
  const config = resolveConfig({
    targets: [{ name: 'node', type: 'node' }],
    variants: { alpha: [0.25, 0.5], resolution: [128, 160] },
    implementations: ['reference', 'ort-node:cpu'],
    sampling: FAST_SAMPLING,
    accuracy: { samples: 2 },
  });
  // 0.25_128 and 0.5_160 only: drop the other two pairs by running the plan, then keep the file as is.
  await runBenchmark({ config: { ...config, variants: { alpha: [0.25], resolution: [128] } }, runnerFor, outDir: dir });
  await runBenchmark({ config: { ...config, variants: { alpha: [0.5], resolution: [160] } }, runnerFor, outDir: join(dir, '..', 'second') });
  for (const r of readResults(join(dir, '..', 'second'))) appendResult(dir, r);

  const real = readResults(dir);
  const ref = real.find((r) => r.impl === 'reference' && r.alpha === 0.25)!;
  const ort = real.find((r) => r.impl === 'ort-node' && r.alpha === 0.25)!;
  const hostile = (r: JobResult, patch: Partial<JobResult>): JobResult =>
    JobResultSchema.parse({ ...r, target: HOSTILE, id: `${HOSTILE}/${r.id.split('/').slice(1).join('/')}`, ...patch });
  const lines: JobResult[] = [
    // A target with a hostile name, labelled accuracy, a browser-like effective config and a uint8 row.
    hostile(ref, {
      effective: { ...ref.effective!, details: { renderer: HOSTILE, adapter: '"quoted" & <b>bold</b>' } },
      accuracy: { ...ref.accuracy!, n: 20, top1: 0.45, top5: 0.7, note: `note with ${HOSTILE}` },
    }),
    hostile(ort, { accuracy: { ...ort.accuracy!, n: 20, top1: 0.5, top5: 0.75 } }),
    hostile(ort, {
      id: `${HOSTILE}/ort-node-cpu/0.25_128-uint8`,
      precision: 'uint8-dequantized',
      accuracy: { ...ort.accuracy!, n: 20, top1: 0.4, top5: 0.65, agreementTop1: 0.9 },
    }),
    hostile(ref, {
      id: `${HOSTILE}/reference/1.0_224`,
      alpha: 1,
      resolution: 224,
      status: 'failed',
      error: `loading weights: ${HOSTILE}\n  at stack line`,
      effective: null,
      coldStart: null,
      latency: null,
      memory: null,
      accuracy: null,
      analytic: { ...ref.analytic, gmacPerSecond: null },
    }),
    hostile(ref, {
      id: `${HOSTILE}/tfjs-webgpu/0.25_128`,
      impl: 'tfjs',
      backend: 'webgpu',
      status: 'skipped',
      error: 'no WebGPU adapter on this target',
      effective: null,
      coldStart: null,
      latency: null,
      memory: null,
      accuracy: null,
    }),
    hostile(ort, {
      id: `${HOSTILE}/tfjs-webgl/0.25_128`,
      impl: 'tfjs',
      backend: 'webgl',
      status: 'invalid',
      error: 'asked for backend webgl, ran on cpu (silent fallback)',
      effective: { ...ort.effective!, impl: 'tfjs', backend: 'cpu' },
    }),
  ];
  for (const l of lines) appendResult(dir, l);
  return dir;
}
