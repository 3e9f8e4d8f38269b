/**
 * Duet mode with real Node workers: each side's worker process is pinned (every thread) to the CPU
 * the host was told, and both blocks of a pair run at once. Skipped, saying why, where pinning is
 * unavailable (then `ab --duet` interleaves and says so).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compareJob } from '../../harness/ab/controller.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { planJobs } from '../../harness/plan.ts';
import { projectRoot } from '../../models/platform/package-json.ts';
import { createNodeBlockHost } from '../../runners/node-blocks.ts';
import { allowedCpus, duetUnavailable } from '../../runners/pin-cpu.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const skip = duetUnavailable() ?? false;

/** The CPUs each thread of a process may run on (from /proc). */
const threadCpus = (pid: number) =>
  readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Cpus_allowed_list:'))!
    .split(':')[1]
    .trim();

test('duet: each side pinned to its own CPU, the blocks of a pair at once', { skip, timeout: 120_000 }, async () => {
  const { config } = await loadConfig(undefined, {
    cwd: tempDir('ab-duet-'),
    overrides: { targets: ['node'], implementations: ['reference'], alpha: [0.25], resolution: [128], quick: true },
  });
  const job = planJobs(config).jobs[0];
  const [cpuA, cpuB] = allowedCpus();
  const pids: Array<{ pid: number; side: 'A' | 'B' }> = [];
  const host = createNodeBlockHost({ onSpawn: (pid, _j, side) => pids.push({ pid, side: side.name }), pinCpu: (side) => (side.name === 'A' ? cpuA : cpuB) });
  const side = (name: 'A' | 'B') => ({ name, spec: 'current', root: projectRoot() });
  const t0 = performance.now();
  let pinned: string[] = [];
  try {
    const outcome = await compareJob(
      host,
      { A: job, B: job },
      { A: side('A'), B: side('B') },
      {
        workerPairs: 2,
        pairsPerWorkerPerBatch: 4,
        maxPairs: 8,
        maxSeconds: 60,
        seed: 1,
        duet: true,
        clock: () => performance.now() - t0,
        decide: (pairs) => {
          pinned = pids.map((p) => `${p.side}:${threadCpus(p.pid)}`);
          return { done: pairs.length >= 8, verdict: null };
        },
      },
    );
    assert.equal(outcome.pairs.length, 8);
    // Worker pair 1 starts B first (the controller alternates which side starts first).
    assert.deepEqual(pinned, [`A:${cpuA}`, `B:${cpuB}`, `B:${cpuB}`, `A:${cpuA}`]);
  } finally {
    await host.close();
  }
});
