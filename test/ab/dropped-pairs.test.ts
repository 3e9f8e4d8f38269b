/**
 * The controller with real Node workers: a side's worker process killed (by its PID) in the middle
 * of a job drops that pair, counts it, replaces the worker pair with a fresh one and runs the same
 * order again, so AB and BA stay balanced over the job.
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

test('a worker killed mid-job: the pair is dropped and counted, a fresh worker pair takes over, orders stay balanced', { timeout: 180_000 }, async () => {
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
        workerPairs: 2,
        pairsPerWorkerPerBatch: 4,
        maxPairs: 16,
        maxSeconds: 120,
        seed: 5,
        clock: () => performance.now() - t0,
        decide: (pairs: AbPair[]) => ({ done: pairs.length >= 16, verdict: null }),
        onPair: (p) => {
          if (p.index === 4 && !killed) {
            killed = true;
            // Side B's worker of worker pair 1 (the second B process started): its next block fails.
            process.kill(pids.filter((x) => x.side === 'B')[1].pid, 'SIGKILL');
          }
        },
      },
    );
    assert.equal(outcome.skipped, undefined);
    assert.equal(outcome.dropped, 1);
    assert.equal(outcome.workerPairs, 3, 'a third worker pair replaced the broken one');
    assert.equal(outcome.pairs.length, 16);
    assert.equal(outcome.pairs.filter((p) => p.order === 'AB').length, 8, 'as many AB as BA over the job');
    assert.ok(outcome.pairs.some((p) => p.workerPair === 2));
    assert.equal(outcome.results.A?.status, 'ok');
    assert.equal(outcome.results.B?.status, 'ok');
  } finally {
    await host.close();
  }
});
