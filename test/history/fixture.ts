/**
 * History fixtures: one real tiny Node run (0.25_128, reference + ort-node, fast sampling),
 * built once per test process, and synthetic entries derived from its summary (medians scaled
 * by seeded noise or a step), so verdict and store tests see real job ids, devices and figures.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { mulberry32 } from '../../contract/stats/describe.ts';
import type { HistoryEntry } from '../../analysis/history/schema.ts';
import { appendResult, readResults, readRunInfo, writeRunInfo } from '../../contract/store.ts';
import { JobResultSchema } from '../../contract/results.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

let cached: Promise<string> | undefined;

/** The real run folder (built on first call). */
export function realRun(): Promise<string> {
  cached ??= (async () => {
    const dir = join(tempDir('mnb-history-'), 'run');
    const config = resolveConfig({
      targets: [{ name: 'node', type: 'node' }],
      variants: { alpha: [0.25], resolution: [128] },
      implementations: ['reference', 'ort-node:cpu'],
      sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 8, minTimeMs: 0, maxSamples: 20, maxTimeMs: 1000 },
      accuracy: { samples: 2 },
    });
    await runBenchmark({ config, runnerFor, outDir: dir });
    return dir;
  })();
  return cached;
}

/** A copy of a run folder as another run: new run id and start, latencies scaled per job (`scale(id)`). */
export function derivedRun(from: string, to: string, runId: string, scale: (id: string) => number = () => 1): string {
  const info = readRunInfo(from);
  mkdirSync(to, { recursive: true });
  writeRunInfo(to, { ...info, runId, startedAt: new Date(Date.parse(info.startedAt) + 1000).toISOString() });
  for (const r of readResults(from)) {
    const f = scale(r.id);
    const l = r.latency;
    appendResult(
      to,
      JobResultSchema.parse({
        ...r,
        latency: l && {
          ...l,
          samplesMs: l.samplesMs.map((x) => x * f),
          medianMs: l.medianMs * f,
          p90Ms: l.p90Ms * f,
          p99Ms: l.p99Ms * f,
          meanMs: l.meanMs * f,
          minMs: l.minMs * f,
          maxMs: l.maxMs * f,
          madMs: l.madMs * f,
          ci95Ms: [l.ci95Ms[0] * f, l.ci95Ms[1] * f],
        },
      }),
    );
  }
  return to;
}

/** Gaussian draws from a seeded uniform (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * `n` synthetic history entries from one real entry: each job's median × exp(σ·z), σ = `noise`
 * (log scale), times `step(i, jobId)`; branch, commit and time set per run, oldest first.
 */
export function syntheticHistory(
  base: HistoryEntry,
  n: number,
  {
    noise = 0.02,
    seed = 1,
    branch = 'main',
    step = (_i: number, _id: string): number => 1,
  }: { noise?: number; seed?: number; branch?: string; step?: (i: number, id: string) => number } = {},
): HistoryEntry[] {
  const z = gaussian(seed);
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    id: `synthetic-${seed}-${String(i).padStart(3, '0')}`,
    runId: `synthetic-${i}`,
    source: { ...base.source, branch, commit: `c${String(i).padStart(3, '0')}`, time: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString() },
    jobs: base.jobs.map((j) => {
      const f = Math.exp(noise * z()) * step(i, j.id);
      return { ...j, medianMs: j.medianMs === null ? null : j.medianMs * f, ci95Ms: j.ci95Ms && [j.ci95Ms[0] * f, j.ci95Ms[1] * f] };
    }),
  }));
}
