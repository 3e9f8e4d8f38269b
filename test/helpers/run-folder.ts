/** Schema-valid job lines and run folders built by hand, for tests of the store, compare and report. */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JobResultSchema, RunInfoSchema, SCHEMA_VERSION, type JobResult, type RunInfo } from '../../contract/results.ts';
import { appendResult, writeRunInfo } from '../../contract/store.ts';

/** One ok job line for `id` (`target/impl/α_res`) with the given latency samples. */
export function jobLine(id: string, samplesMs: number[] = [10, 11, 12, 10.5, 11.5], over: Partial<JobResult> = {}): JobResult {
  const [target, impl, variant] = id.split('/');
  const [alpha, resolution] = variant.split('_').map(Number);
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const med = sorted[Math.floor(sorted.length / 2)];
  return JobResultSchema.parse({
    schemaVersion: SCHEMA_VERSION,
    id,
    target,
    impl,
    backend: 'js',
    threads: null,
    alpha,
    resolution,
    precision: 'float32',
    weightsSource: 'synthetic(seed 0)',
    status: 'ok',
    startedAt: '2026-11-29T10:00:00.000Z',
    durationMs: 100,
    effective: null,
    coldStart: null,
    latency: {
      samplesMs,
      medianMs: med,
      p90Ms: med,
      p99Ms: med,
      meanMs: med,
      minMs: sorted[0],
      maxMs: sorted.at(-1)!,
      madMs: 0,
      ci95Ms: [sorted[0], sorted.at(-1)!],
      warmupSamples: 1,
      stoppedBy: 'minimums',
      drift: null,
    },
    memory: null,
    analytic: { macs: 1, params: 1, gmacPerSecond: null },
    accuracy: null,
    ...over,
  });
}

/** A valid run.json for the given job ids. */
export function runInfo(runId: string, ids: string[], config: unknown = { sampling: { minSamples: 1 } }): RunInfo {
  return RunInfoSchema.parse({
    schemaVersion: SCHEMA_VERSION,
    runId,
    startedAt: '2026-11-29T10:00:00.000Z',
    endedAt: '2026-11-29T10:01:00.000Z',
    gitCommit: null,
    harnessVersion: '0.1.0',
    packages: {},
    host: { cpuModel: 'cpu', cores: 2, totalMemoryBytes: 1, os: 'Linux', arch: 'x64', nodeVersion: 'v20' },
    config,
    plannedJobIds: ids,
    orderSeed: 1,
    resumes: [],
  });
}

/** Write a run folder holding these job lines (through the store, as a run would). */
export function writeRunFolder(dir: string, jobs: JobResult[], runId = 'r'): string {
  mkdirSync(dir, { recursive: true });
  writeRunInfo(
    dir,
    runInfo(
      runId,
      jobs.map((j) => j.id),
    ),
  );
  for (const j of jobs) appendResult(dir, j);
  return dir;
}

/** Every file under a folder (subfolders as `sub/file`) with its size, mtime and hash: "nothing changed on disk" means two of these are equal. */
export function folderSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    const st = statSync(p);
    if (st.isDirectory()) Object.assign(out, Object.fromEntries(Object.entries(folderSnapshot(p)).map(([k, v]) => [`${f}/${k}`, v])));
    else out[f] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
  }
  return out;
}
