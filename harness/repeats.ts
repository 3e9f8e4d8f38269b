/**
 * A job repeated in several fresh processes (or pages): between-process variation (memory
 * placement, core, allocator state) is often larger than the noise inside one process, and
 * only repeats can show it. The merged result pools the samples and keeps each process's
 * median and sample count (`latency.processes`), which `compare` uses as runs.
 */
import type { JobResult } from '../contract/results.ts';
import { checkDrift, summarizeLatency } from '../contract/stats/describe.ts';
import { finitePrecision, relativePrecision, stoppedShort } from '../contract/stats/stopping.ts';

/** Merge the results of one job's repeats (all ok) into one; any failed repeat fails the job with its reason. */
export function mergeRepeats(results: JobResult[], driftThreshold: number): JobResult {
  if (results.length === 1) return results[0];
  const bad = results.find((r) => r.status === 'failed' || r.status === 'invalid');
  const first = results[0];
  if (bad) {
    const which = results.indexOf(bad) + 1;
    return { ...bad, error: `repeat ${which} of ${results.length}: ${bad.error ?? bad.status}`, durationMs: results.reduce((s, r) => s + r.durationMs, 0) };
  }
  const runs = results.map((r) => r.latency!);
  const samplesMs = runs.flatMap((l) => l.samplesMs);
  const summary = summarizeLatency(samplesMs);
  // Drift is a within-process property: report the repeat that drifted most.
  const drifts = runs.map((l) => checkDrift(l.samplesMs, driftThreshold)).filter((d) => d !== null);
  const drift = drifts.sort((a, b) => Math.abs(b.ratio - 1) - Math.abs(a.ratio - 1))[0] ?? null;
  const peaks = results.map((r) => r.memory?.peakRssBytes).filter((x): x is number => x != null);
  return {
    ...first,
    durationMs: results.reduce((s, r) => s + r.durationMs, 0),
    latency: {
      samplesMs,
      ...summary,
      warmupSamples: runs.reduce((s, l) => s + l.warmupSamples, 0),
      stoppedBy: first.latency!.stoppedBy,
      // A cap in any repeat is the pooled job's reason (it is what the report must flag); the precision is the pool's.
      ...(first.latency!.stopReason ? { stopReason: runs.find((l) => stoppedShort(l.stopReason))?.stopReason ?? first.latency!.stopReason } : {}),
      ...(first.latency!.precision !== undefined ? { precision: finitePrecision(relativePrecision(samplesMs)) } : {}),
      ...(first.latency!.targetPrecision !== undefined ? { targetPrecision: first.latency!.targetPrecision } : {}),
      drift,
      processes: runs.map((l) => ({ medianMs: l.medianMs, samples: l.samplesMs.length })),
      // Windows are a within-process time series: the first process's stand (each repeat starts its own clock).
      ...(first.latency!.sustained ? { sustained: first.latency!.sustained } : {}),
    },
    // Cold start is the first process's (the others are just as cold; the first is kept whole).
    memory: first.memory && { ...first.memory, peakRssBytes: peaks.length ? Math.max(...peaks) : first.memory.peakRssBytes },
    analytic: { ...first.analytic, gmacPerSecond: first.analytic.macs / (summary.medianMs * 1e6) },
  };
}
