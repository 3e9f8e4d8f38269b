/**
 * `npm run bench:stopping`: does precision-based stopping tell the truth, and what does it save?
 *
 * 1. Coverage (in this process): for each job (runtime × variant, several speeds) and target
 *    precision, stop R times under the rule, and compare each stopped median's interval with the
 *    median of a long reference run of the same model in the same process (≥ 20× the samples of
 *    the longest stopped run, taken in chunks between the stopped runs, so slow drift of the
 *    machine is shared). Both intervals are checked: the rule's (median ± precision) and the
 *    bootstrap ci95Ms every result carries. Nominal rate: 95 %.
 * 2. Fixed vs precision (whole runs through the CLI, one after the other): a ≥ 32-job matrix
 *    (Node and Chromium, α × resolution × runtimes) with targetPrecision 0 and with the default;
 *    wall time, the CI half-width of the median (median, p90, max), samples per job, and the
 *    share of job time that is not sampling.
 *
 *   node --import tsx test/bench/stopping.ts [--part coverage|matrix|both] [--replicates 6] [--target 0.01] [--keep DIR]
 * Timings depend on the machine's load: print `uptime` with them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createOrtNodeModel } from '../../models/onnx/ort-node.ts';
import { createReferenceModel } from '../../models/reference/index.ts';
import type { CreateModel } from '../../models/runtime.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { SamplingSchema } from '../../harness/config/schema.ts';
import { sampleLatency, syntheticInput } from '../../harness/probe/probe.ts';
import { median, quantile, summarizeLatency } from '../../contract/stats/describe.ts';
import { JobResultSchema, type JobResult } from '../../contract/results.ts';

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'both' },
    replicates: { type: 'string', default: '6' },
    keep: { type: 'string' },
    /** The target of the precision run (default: the config default, or ±1 % while the default is off). */
    target: { type: 'string' },
  },
});
const replicates = Math.max(2, Number(values.replicates));
const now = () => performance.now();
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

interface CoverageJob {
  name: string;
  create: CreateModel;
  backend: string;
  alpha: number;
  resolution: number;
}
const COVERAGE_JOBS: CoverageJob[] = [
  { name: 'ort-node 0.25_128', create: createOrtNodeModel, backend: 'cpu', alpha: 0.25, resolution: 128 },
  { name: 'ort-node 0.75_160', create: createOrtNodeModel, backend: 'cpu', alpha: 0.75, resolution: 160 },
  { name: 'reference 0.25_128', create: createReferenceModel, backend: 'js', alpha: 0.25, resolution: 128 },
  { name: 'reference 0.25_192', create: createReferenceModel, backend: 'js', alpha: 0.25, resolution: 192 },
];
const TARGETS = [0.02, 0.01, 0.005];
/** Caps of each stopped run: short, so that the reference runs (20× the longest) stay minutes, not hours. */
const CAPS = { maxSamples: 1000, maxTimeMs: 4000 };

async function coverage(): Promise<void> {
  console.log(
    `\n## Coverage of the stopped median's interval (nominal 95 %), ${replicates} stopped runs per job and target (caps ${CAPS.maxSamples} samples, ${CAPS.maxTimeMs} ms); load ${load()}`,
  );
  console.log(
    'job                 | target | median ms | stopped by precision | samples (median) | ref samples (× longest) | rule ±precision covers | bootstrap ci95 covers',
  );
  console.log(
    '--------------------|--------|-----------|----------------------|------------------|-------------------------|------------------------|----------------------',
  );
  const byClass = new Map<string, { rule: number; boot: number; n: number }>();
  for (const j of COVERAGE_JOBS) {
    const model = await j.create(syntheticWeights(j.alpha, j.resolution), { backend: j.backend, threads: 1 });
    const input = syntheticInput(j.resolution, 12345);
    const run = () => model.run(input);
    for (let i = 0; i < 10; i++) await run();
    const reference: number[] = [];
    const stopped = new Map<number, { samples: number[]; precision: number | null; reason: string }[]>(TARGETS.map((t) => [t, []]));
    let longest = 0;
    for (let r = 0; r < replicates; r++) {
      let roundMax = 0;
      for (const t of TARGETS) {
        const s = SamplingSchema.parse({ warmupSamples: 0, warmupTimeMs: 0, targetPrecision: t, ...CAPS });
        const out = await sampleLatency(run, s, now);
        stopped.get(t)!.push({ samples: out.samplesMs, precision: out.precision, reason: out.stopReason });
        roundMax = Math.max(roundMax, out.samplesMs.length);
      }
      longest = Math.max(longest, roundMax);
      // This round's share of the reference run, interleaved so that both see the same machine.
      for (let i = 0; i < Math.ceil((20 * roundMax) / replicates); i++) {
        const t0 = now();
        await run();
        reference.push(now() - t0);
      }
    }
    while (reference.length < 20 * longest) {
      const t0 = now();
      await run();
      reference.push(now() - t0);
    }
    await model.dispose();
    const truth = median(reference);
    const speed = truth < 2 ? 'fast (< 2 ms)' : truth < 20 ? 'medium (2–20 ms)' : 'slow (≥ 20 ms)';
    for (const t of TARGETS) {
      const runs = stopped.get(t)!;
      let rule = 0;
      let boot = 0;
      for (const x of runs) {
        const m = median(x.samples);
        if (x.precision !== null && Math.abs(m - truth) <= x.precision * m) rule++;
        const [lo, hi] = summarizeLatency(x.samples).ci95Ms;
        if (lo <= truth && truth <= hi) boot++;
      }
      const c = byClass.get(speed) ?? { rule: 0, boot: 0, n: 0 };
      byClass.set(speed, { rule: c.rule + rule, boot: c.boot + boot, n: c.n + runs.length });
      const ns = runs.map((x) => x.samples.length);
      console.log(
        `${j.name.padEnd(19)} | ${pct(t).padStart(6)} | ${truth.toFixed(3).padStart(9)} | ${`${runs.filter((x) => x.reason === 'precision').length}/${runs.length}`.padStart(20)} | ${String(median(ns)).padStart(16)} | ${`${reference.length} (${(reference.length / longest).toFixed(1)}×)`.padStart(23)} | ${`${rule}/${runs.length}`.padStart(22)} | ${`${boot}/${runs.length}`.padStart(20)}`,
      );
    }
  }
  console.log("\nBy speed class (the reference median is each job's long run):");
  for (const [speed, c] of byClass)
    console.log(`  ${speed.padEnd(17)} rule interval ${pct(c.rule / c.n)} (${c.rule}/${c.n}), bootstrap ci95 ${pct(c.boot / c.n)} (${c.boot}/${c.n})`);
}

/** The ≥ 32-job subset: Node and Chromium, α × resolution, the reference and an ONNX Runtime each. */
const MATRIX = {
  implementations: ['reference', 'ort-node:cpu'],
  targets: [
    { name: 'node', type: 'node' },
    { name: 'chromium', type: 'chromium', implementations: ['reference', 'ort-web:wasm@1'] },
  ],
  variants: { alpha: [0.25, 0.5, 0.75, 1.0], resolution: [128, 224] },
  weights: { source: 'synthetic' },
  accuracy: { referenceSamples: 2, samples: 2 },
};

interface RunFigures {
  wallS: number;
  jobs: JobResult[];
}

function runMatrix(dir: string, targetPrecision: number): RunFigures {
  const config = join(dir, `config-${targetPrecision}.json`);
  writeFileSync(config, JSON.stringify({ ...MATRIX, sampling: { targetPrecision } }));
  const out = join(dir, `run-${targetPrecision}`);
  const t0 = now();
  const r = spawnSync(process.execPath, ['bin/mobilenet-bench.js', 'run', '-c', config, '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const wallS = (now() - t0) / 1000;
  if (r.status !== 0) console.log(`(the run with targetPrecision ${targetPrecision} exited ${r.status}; its failed jobs are left out below)`);
  const jobs = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JobResultSchema.parse(JSON.parse(l)));
  return { wallS, jobs };
}

function describe(label: string, f: RunFigures): number {
  const ok = f.jobs.filter((j) => j.status === 'ok' && j.latency);
  const half = ok.map((j) => (j.latency!.ci95Ms[1] - j.latency!.ci95Ms[0]) / 2 / j.latency!.medianMs);
  const rule = ok.map((j) => j.latency!.precision ?? Number.POSITIVE_INFINITY);
  const samples = ok.map((j) => j.latency!.samplesMs.length);
  const sampling = ok.reduce((s, j) => s + j.latency!.samplesMs.reduce((a, b) => a + b, 0), 0);
  const jobTime = ok.reduce((s, j) => s + j.durationMs, 0);
  const reasons = new Map<string, number>();
  for (const j of ok) reasons.set(j.latency!.stopReason ?? j.latency!.stoppedBy, (reasons.get(j.latency!.stopReason ?? j.latency!.stoppedBy) ?? 0) + 1);
  console.log(
    `${label.padEnd(22)} | ${f.wallS.toFixed(0).padStart(6)} s | ${`${ok.length}/${f.jobs.length}`.padStart(7)} | ${pct(median(half)).padStart(7)} ${pct(quantile(half, 0.9)).padStart(7)} ${pct(Math.max(...half)).padStart(7)} | ${pct(median(rule)).padStart(7)} ${pct(quantile(rule, 0.9)).padStart(7)} | ${String(median(samples)).padStart(5)} ${String(Math.min(...samples)).padStart(5)}–${String(Math.max(...samples)).padEnd(5)} | ${pct(1 - sampling / jobTime).padStart(8)} | ${[...reasons].map(([k, n]) => `${k} ${n}`).join(', ')}`,
  );
  return f.wallS;
}

async function matrix(): Promise<void> {
  const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'mb-stopping-'));
  console.log(
    `\n## Fixed sampling vs precision stopping, ${JSON.stringify(MATRIX.variants)} × ${MATRIX.targets.map((t) => `${t.name} (${(('implementations' in t ? t.implementations : undefined) ?? MATRIX.implementations).join(', ')})`).join(', ')}; load before ${load()}`,
  );
  writeFileSync(join(dir, 'list.json'), JSON.stringify(MATRIX));
  console.log(execFileSync(process.execPath, ['bin/mobilenet-bench.js', 'list', '-c', join(dir, 'list.json')], { encoding: 'utf8' }).split('\n')[0]);
  const target = values.target !== undefined ? Number(values.target) : SamplingSchema.parse({}).targetPrecision || 0.01;
  const fixed = runMatrix(dir, 0);
  const precise = runMatrix(dir, target);
  console.log('run                    |   wall   | ok jobs | bootstrap ½CI med p90 max | rule ±  med p90 | samples med min–max | not sampling | stopped by');
  const a = describe('fixed (target 0)', fixed);
  const b = describe(`precision (±${pct(target)})`, precise);
  console.log(`precision / fixed wall time: ${pct(b / a)}; load after ${load()}`);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`run folders kept in ${dir}`);
}

if (values.part !== 'matrix') await coverage();
if (values.part !== 'coverage') await matrix();
