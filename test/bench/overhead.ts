/**
 * `npm run bench:overhead`: what the harness's sampling loop (tinybench + our per-sample
 * bookkeeping) costs per sample, against a bare timing loop around the same model call,
 * as a fraction of the fastest job's median latency (0.25-128 on onnxruntime-node).
 * Target: under 1 %. Rounds alternate bare/harness so machine drift hits both alike, and each
 * round compares median cycle times (call start to next call start), robust to preemption.
 */
import { performance } from 'node:perf_hooks';
import { createOrtNodeModel } from '../../models/onnx/ort-node.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import type { Sampling } from '../../harness/config/schema.ts';
import { sampleLatency, syntheticInput } from '../../harness/probe/probe.ts';
import { mad, median } from '../../contract/stats/describe.ts';

process.env.ORT_DISABLE_TELEMETRY = '1';
const ROUNDS = 31;
const SAMPLES_PER_ROUND = 400;
const now = () => performance.now();

/**
 * Median cycle time (start of one call to the start of the next) of a loop driving `run`:
 * medians shrug off the preemptions a shared machine inflicts on means.
 */
function cycleTimer(run: () => Promise<unknown>) {
  const starts: number[] = [];
  const tracked = () => {
    starts.push(now());
    return run();
  };
  const medianCycle = () => median(starts.slice(1).map((t, i) => t - starts[i]));
  return { tracked, medianCycle };
}

/** A bare loop that times each call, as the simplest honest benchmark would. */
async function bareLoop(run: () => Promise<unknown>, n: number): Promise<number> {
  const { tracked, medianCycle } = cycleTimer(run);
  const samples = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await tracked();
    samples[i] = now() - t0;
  }
  return medianCycle();
}

/** The harness's sampling (tinybench, stopping rule, ordered samples). */
async function harnessLoop(run: () => Promise<unknown>, n: number): Promise<number> {
  const sampling: Sampling = {
    warmupSamples: 0,
    warmupTimeMs: 0,
    minSamples: n,
    minTimeMs: 0,
    maxSamples: n,
    maxTimeMs: 600_000,
    targetPrecision: 0,
    driftThreshold: 0.1,
    repeats: 1,
  };
  const { tracked, medianCycle } = cycleTimer(run);
  await sampleLatency(tracked, sampling, now);
  return medianCycle();
}

/** Per-sample overhead (harness − bare median cycle) over interleaved rounds: median and MAD in microseconds. */
async function overheadOf(run: () => Promise<unknown>): Promise<{ medianUs: number; madUs: number }> {
  await bareLoop(run, 100);
  await harnessLoop(run, 100);
  const diffs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const bare = await bareLoop(run, SAMPLES_PER_ROUND);
    const harness = await harnessLoop(run, SAMPLES_PER_ROUND);
    diffs.push((harness - bare) * 1000);
  }
  return { medianUs: median(diffs), madUs: mad(diffs) };
}

const weights = syntheticWeights(0.25, 128);
const model = await createOrtNodeModel(weights, { backend: 'cpu', threads: 1 });
const input = syntheticInput(128, 12345);
const run = () => model.run(input);

const latencies: number[] = [];
for (let i = 0; i < 500; i++) {
  const t0 = now();
  await run();
  latencies.push(now() - t0);
}
const latencyMs = median(latencies);
const noop = await overheadOf(async () => {});
const real = await overheadOf(run);
await model.dispose();

const pct = (us: number) => ((us / 1000 / latencyMs) * 100).toFixed(2);
console.log(`fastest job: 0.25-128 on onnxruntime-node (1 thread), median ${(latencyMs * 1000).toFixed(0)} µs (MAD ${(mad(latencies) * 1000).toFixed(0)} µs)`);
console.log(`harness overhead per sample, ${ROUNDS} interleaved rounds of ${SAMPLES_PER_ROUND} samples (median ± MAD):`);
console.log(`  empty async call: ${noop.medianUs.toFixed(2)} ± ${noop.madUs.toFixed(2)} µs = ${pct(noop.medianUs)} % of the median latency`);
console.log(`  the model call:   ${real.medianUs.toFixed(2)} ± ${real.madUs.toFixed(2)} µs = ${pct(real.medianUs)} % of the median latency`);
// The empty call isolates the harness's own cost; with the model call the same cost sits under the
// model's run-to-run noise, so that figure is a cross-check, judged only when its spread is small.
const budgetUs = latencyMs * 1000 * 0.01;
const realResolved = real.madUs < budgetUs;
const over = noop.medianUs > budgetUs || (realResolved && real.medianUs > budgetUs);
if (!realResolved)
  console.log(
    `  (the model-call figure's spread, ${real.madUs.toFixed(1)} µs, exceeds the 1 % budget of ${budgetUs.toFixed(1)} µs: this machine is too noisy to resolve it; the empty-call figure decides)`,
  );
console.log(over ? 'OVER BUDGET: more than 1 % of the fastest job' : 'PASS: under 1 % of the fastest job');
process.exitCode = over ? 1 : 0;
