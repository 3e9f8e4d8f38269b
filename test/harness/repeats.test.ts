import test from 'node:test';
import assert from 'node:assert/strict';
import { mergeRepeats } from '../../harness/repeats.ts';
import { baseResult } from '../../harness/probe/probe.ts';
import { planJobs } from '../../harness/plan.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import type { JobResult } from '../../contract/results.ts';
import { summarizeLatency } from '../../contract/stats/describe.ts';

const job = planJobs(resolveConfig({ variants: { alpha: [0.25], resolution: [128] }, implementations: ['reference'] })).jobs[0];

function ok(samplesMs: number[], peak: number): JobResult {
  const r = baseResult(job, 'ok');
  return {
    ...r,
    durationMs: 100,
    latency: { samplesMs, ...summarizeLatency(samplesMs), warmupSamples: 2, stoppedBy: 'minimums', drift: null },
    memory: {
      peakRssBytes: peak,
      peakRssSource: 'VmHWM',
      jsHeapUsedBytes: 1,
      jsHeapTotalBytes: 1,
      externalBytes: 1,
      arrayBuffersBytes: 1,
      wasmMemoryBytes: null,
      tfjs: null,
    },
    analytic: { ...r.analytic, gmacPerSecond: 1 },
  };
}

test('repeats pool the samples, keep each process median and count, and take the highest peak RSS', () => {
  const merged = mergeRepeats([ok([1, 1, 1], 100), ok([2, 2, 2, 2], 300), ok([3, 3], 200)], 0.1);
  assert.deepEqual(merged.latency!.samplesMs, [1, 1, 1, 2, 2, 2, 2, 3, 3]);
  assert.equal(merged.latency!.medianMs, 2);
  assert.deepEqual(merged.latency!.processes, [
    { medianMs: 1, samples: 3 },
    { medianMs: 2, samples: 4 },
    { medianMs: 3, samples: 2 },
  ]);
  assert.equal(merged.memory!.peakRssBytes, 300);
  assert.equal(merged.durationMs, 300);
  assert.equal(merged.latency!.warmupSamples, 6);
});

test('a failed repeat fails the job and says which repeat', () => {
  const failed = { ...baseResult(job), error: "the job's process died (signal SIGKILL) before reporting" };
  const merged = mergeRepeats([ok([1, 1], 100), failed], 0.1);
  assert.equal(merged.status, 'failed');
  assert.match(merged.error!, /^repeat 2 of 2: the job's process died/);
  assert.equal(mergeRepeats([ok([1], 1)], 0.1).latency!.processes, undefined, 'a single run is unchanged');
});
