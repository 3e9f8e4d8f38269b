/**
 * `npm run bench:ci`: a real history and what `ci` and `trend` make of it. RUNS (default 31)
 * quick runs of a small Node matrix (0.25_128 and 0.5_160 × reference, tfjs:wasm, ort-node:cpu,
 * ort-web:wasm); from run 20 on, node/reference/0.25_128 is slowed ×1.10 from test code (the
 * slow-layer preload busy-waits after one layer; models/ is untouched). Prints: the change points
 * PELT finds per job, the verdicts of run 21 judged alone against runs 1–20, and the share of
 * runs with any false alarm over the runs with no injection. Figures on a shared machine are
 * disturbed by its load; `uptime` is printed with them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type Config } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { appendResult, readResults } from '../../contract/store.ts';
import { recordRun } from '../../analysis/history/record.ts';
import { readHistory } from '../../analysis/history/store.ts';
import { judgeFromHistory } from '../../analysis/history/verdict.ts';
import { trendSeries } from '../../analysis/history/trend.ts';
import { median } from '../../contract/stats/describe.ts';
import { SLOW_LAYER_ENV, SLOW_LAYER_EXEC_ARGV } from '../helpers/slow-layer.ts';

const RUNS = Number(process.env.RUNS ?? 31);
const INJECT_FROM = 20;
const SLOWED = 'node/reference/0.25_128';
const root = process.env.BENCH_CI_DIR ?? mkdtempSync(join(tmpdir(), 'mnb-bench-ci-'));
const history = join(root, 'history');

const base = (alpha: number, resolution: number, implementations: string[]): Config =>
  resolveConfig({
    targets: [{ name: 'node', type: 'node', execArgv: SLOW_LAYER_EXEC_ARGV }],
    variants: { alpha: [alpha], resolution: [resolution] },
    implementations,
    sampling: { warmupSamples: 2, warmupTimeMs: 0, minSamples: 10, minTimeMs: 0, maxSamples: 40, maxTimeMs: 600 },
    accuracy: { samples: 1, referenceSamples: 1 },
  } as never);

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const refMedians: number[] = [];
const started = Date.now();
for (let i = 1; i <= RUNS; i++) {
  const dir = join(root, `run-${String(i).padStart(2, '0')}`);
  await runBenchmark({ config: base(0.25, 128, ['tfjs:wasm', 'ort-node:cpu', 'ort-web:wasm']), runnerFor, outDir: dir });
  // The slowed job runs on its own so that the busy-wait reaches no other job's process.
  const slowMs = i >= INJECT_FROM ? 0.1 * median(refMedians) : 0;
  if (slowMs > 0) process.env[SLOW_LAYER_ENV] = `pw1:${slowMs.toFixed(3)}`;
  try {
    await runBenchmark({ config: base(0.25, 128, ['reference']), runnerFor, outDir: join(dir, 'reference') });
  } finally {
    delete process.env[SLOW_LAYER_ENV];
  }
  await runBenchmark({ config: base(0.5, 160, ['reference', 'tfjs:wasm', 'ort-node:cpu', 'ort-web:wasm']), runnerFor, outDir: join(dir, '0.5_160') });
  for (const sub of ['reference', '0.5_160']) for (const r of readResults(join(dir, sub))) appendResult(dir, r);
  const ref = readResults(dir).find((r) => r.id === SLOWED);
  if (i < INJECT_FROM && ref?.latency) refMedians.push(ref.latency.medianMs);
  // A commit per run, so the trend's change point names a commit range.
  recordRun(dir, history, { branch: 'main', commit: `run${String(i).padStart(2, '0')}` });
  process.stdout.write(
    `run ${i}/${RUNS}${slowMs ? ` (slowed by ${slowMs.toFixed(2)} ms)` : ''}: ${SLOWED} ${ref?.latency?.medianMs.toFixed(2) ?? '?'} ms · ${((Date.now() - started) / 60000).toFixed(1)} min · ${uptime()}\n`,
  );
}

const h = readHistory(history);
const entries = h.entries;
process.stdout.write(`\nHistory: ${history} (${entries.length} runs)\n\nChange points (PELT):\n`);
for (const s of trendSeries(entries)) {
  process.stdout.write(
    `  ${s.id.padEnd(28)} ${s.changes.length ? s.changes.map((c) => `run ${c.index + 1} (${c.fromCommit}…${c.toCommit}) ${((c.step - 1) * 100).toFixed(1)} %`).join(', ') : 'none'}\n`,
  );
}
const r21 = entries[INJECT_FROM];
if (r21) {
  const verdicts = judgeFromHistory(r21, entries.slice(0, INJECT_FROM));
  process.stdout.write(`\nci on run ${INJECT_FROM + 1} alone (against runs 1–${INJECT_FROM}):\n`);
  for (const j of verdicts.jobs)
    process.stdout.write(
      `  ${j.verdict.padEnd(12)} ${j.id.padEnd(28)} ${j.ratio ? `${((j.ratio - 1) * 100).toFixed(1)} % [${((j.interval![0] - 1) * 100).toFixed(1)}, ${((j.interval![1] - 1) * 100).toFixed(1)}]` : j.reason}\n`,
    );
}
// False alarms: each run without injection judged against the other runs without injection (leave one out), then the un-injected jobs of the later runs against runs 1–19.
const clean = entries.slice(0, INJECT_FROM - 1);
let judged = 0;
let alarms = 0;
for (const e of clean) {
  const v = judgeFromHistory(
    e,
    clean.filter((x) => x !== e),
  );
  judged++;
  if (v.jobs.some((j) => j.verdict === 'slower' || j.verdict === 'faster')) alarms++;
}
for (const e of entries.slice(INJECT_FROM - 1)) {
  const v = judgeFromHistory({ ...e, jobs: e.jobs.filter((j) => j.id !== SLOWED) }, clean);
  judged++;
  if (v.jobs.some((j) => j.verdict === 'slower' || j.verdict === 'faster')) alarms++;
}
process.stdout.write(`\nFalse alarms: ${alarms} of ${judged} runs with no injected change had any (${((alarms / judged) * 100).toFixed(1)} %; target ≤ 5 %)\n`);
process.stdout.write(
  `Wall time ${((Date.now() - started) / 60000).toFixed(1)} min · ${uptime()}\nBuilt in ${root}; the trend page: mobilenet-bench trend ${history} --out trend.html\n`,
);
