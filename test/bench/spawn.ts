/**
 * `npm run bench:spawn`: what running built JavaScript saves a job process, measured back to back
 * in one invocation. The two ways a Node job process can start are interleaved in random order:
 *   - `tsx`: the TypeScript entry through tsx's loader (how every job process started before dist/);
 *   - `built`: dist/harness/probe/node-job.js on plain Node (how they start now).
 * Part 1 times spawn → the process's `ready` message. Part 2 runs a small matrix of Node jobs
 * (reference and ort-node, α 0.25/0.5 × 128/160, default sampling; --quick for the quick pass) once each way, and reports the
 * share of each job's wall time (spawn → result) that is not sampling.
 *
 *   npm run bench:spawn [-- --rounds 12] [--quick]
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, quantile } from '../../contract/stats/describe.ts';
import { mulberry32 } from '../../contract/stats/random.ts';
import { configFromObject } from '../../harness/config/load.ts';
import { planJobs } from '../../harness/plan.ts';
import { runJobInChild } from '../../runners/node.ts';

process.env.ORT_DISABLE_TELEMETRY = '1';
const ROOT = join(import.meta.dirname, '..', '..');
const ENTRIES = {
  tsx: join(ROOT, 'harness', 'probe', 'node-job.ts'),
  built: join(ROOT, 'dist', 'harness', 'probe', 'node-job.js'),
} as const;
type Mode = keyof typeof ENTRIES;
if (!existsSync(ENTRIES.built)) throw new Error('dist/ is not built: run `npm run build` first');

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '12' }, quick: { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
const random = mulberry32(20261207);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
/** Both modes once per round, in a random order. */
const orders = Array.from({ length: rounds }, () => (random() < 0.5 ? (['tsx', 'built'] as Mode[]) : (['built', 'tsx'] as Mode[])));

/** Spawn → `ready` (the entry loaded and listening for its job), in ms; the process is then ended. */
function spawnToReady(mode: Mode): Promise<number> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const execArgv = mode === 'tsx' ? ['--conditions=source', '--import', import.meta.resolve('tsx')] : [];
    const child = fork(ENTRIES[mode], [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    child.on('message', (m: { type?: string }) => {
      if (m?.type !== 'ready') return;
      const ms = performance.now() - t0;
      child.kill('SIGKILL');
      done(ms);
    });
    child.on('error', fail);
  });
}

const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (p25 ${quantile(xs, 0.25).toFixed(0)}, p75 ${quantile(xs, 0.75).toFixed(0)})`;

console.log(`# Job process start: tsx loader vs built JavaScript, ${rounds} interleaved rounds; load before ${load()}`);
const ready: Record<Mode, number[]> = { tsx: [], built: [] };
for (const order of orders) for (const mode of order) ready[mode].push(await spawnToReady(mode));
console.log(`spawn → ready   tsx ${fmt(ready.tsx)} | built ${fmt(ready.built)} | built/tsx ${(median(ready.built) / median(ready.tsx)).toFixed(2)}`);

const config = configFromObject(
  {
    targets: [{ type: 'node' }],
    implementations: ['reference', 'ort-node:cpu'],
    variants: { alpha: [0.25, 0.5], resolution: [128, 160] },
    accuracy: { samples: 16 },
  },
  'bench:spawn',
  { quick: values.quick },
);
const jobs = planJobs(config).jobs;
const wall: Record<Mode, number> = { tsx: 0, built: 0 };
const sampling: Record<Mode, number> = { tsx: 0, built: 0 };
for (const [i, job] of jobs.entries()) {
  for (const mode of orders[i % orders.length]) {
    const t0 = performance.now();
    const r = await runJobInChild(job, {}, { entry: ENTRIES[mode] });
    wall[mode] += performance.now() - t0;
    if (r.status !== 'ok' || !r.latency) throw new Error(`${job.id} (${mode}): ${r.status} ${r.error ?? ''}`);
    sampling[mode] += r.latency.samplesMs.reduce((a, b) => a + b, 0);
  }
}
const share = (m: Mode) => `${((1 - sampling[m] / wall[m]) * 100).toFixed(0)} % of ${(wall[m] / 1000).toFixed(1)} s`;
console.log(`${jobs.length} Node jobs (${values.quick ? '--quick' : 'default sampling'}), not sampling: tsx ${share('tsx')} | built ${share('built')}; load after ${load()}`);
