/**
 * The controller with real Node workers, in the design `ab` uses (a fresh worker pair per batch): a
 * side's worker process killed (by its PID) in the middle of a job drops that pair, counts it,
 * replaces the worker pair with a fresh one and runs the same order again, so AB and BA stay
 * balanced over the job; every batch starts a new worker pair (A first and B first in turn), so the
 * worker pairs (the interval's clusters) grow with the batches.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareJob } from '../../harness/ab/controller.ts';
import type { AbPair } from '../../contract/ab-pair.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { planJobs } from '../../harness/plan.ts';
import { projectRoot } from '../../models/platform/package-json.ts';
import { createNodeBlockHost } from '../../runners/node-blocks.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

test('fresh worker pairs per batch; a worker killed mid-job: the pair is dropped and counted, a fresh worker pair takes over, orders stay balanced', {
  timeout: 180_000,
}, async () => {
  const { config } = await loadConfig(undefined, {
    cwd: tempDir('ab-drop-'),
    overrides: { targets: ['node'], implementations: ['reference'], alpha: [0.25], resolution: [128], quick: true },
  });
  const job = planJobs(config).jobs[0];
  const pids: Array<{ pid: number; side: string }> = [];
  const host = createNodeBlockHost({ onSpawn: (pid, _job, side) => pids.push({ pid, side: side.name }) });
  const side = (name: 'A' | 'B') => ({ name, spec: 'current', root: projectRoot() });
  const t0 = performance.now();
  let killed = false;
  try {
    const outcome = await compareJob(
      host,
      { A: job, B: job },
      { A: side('A'), B: side('B') },
      {
        workerPairs: 1,
        pairsPerWorkerPerBatch: 4,
        freshPerBatch: true,
        // Starting may take nearly all of a batch: the batches stay at the least, 4 pairs.
        startShare: 0.99,
        maxPairs: 16,
        maxSeconds: 120,
        seed: 5,
        clock: () => performance.now() - t0,
        decide: (pairs: AbPair[]) => ({ done: pairs.length >= 16, verdict: null }),
        onPair: (p) => {
          if (p.index === 4 && !killed) {
            killed = true;
            // Side B's worker of worker pair 1 (the second batch's, the second B process started): its next block fails.
            process.kill(pids.filter((x) => x.side === 'B')[1].pid, 'SIGKILL');
          }
        },
      },
    );
    assert.equal(outcome.skipped, undefined);
    assert.equal(outcome.dropped, 1);
    // Batches 0–3 on worker pairs 0, 1, 3, 4; worker pair 2 replaced the broken 1 inside batch 1.
    assert.equal(outcome.workerPairs, 5, 'a fresh worker pair per batch, and one replacement');
    assert.equal(outcome.pairs.length, 16);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((w) => outcome.pairs.filter((p) => p.workerPair === w).length),
      [4, 1, 3, 4, 4],
    );
    for (let b = 0; b < 4; b++) {
      const batch = outcome.pairs.slice(4 * b, 4 * b + 4);
      assert.equal(batch.filter((p) => p.order === 'AB').length, 2, `batch ${b}: as many AB as BA, the dropped order run again`);
    }
    // Even worker pairs start A first, odd ones B first.
    assert.deepEqual(
      pids.map((p) => p.side),
      ['A', 'B', 'B', 'A', 'A', 'B', 'B', 'A', 'A', 'B'],
    );
    assert.equal(outcome.results.A?.status, 'ok');
    assert.equal(outcome.results.B?.status, 'ok');
  } finally {
    await host.close();
  }
});
