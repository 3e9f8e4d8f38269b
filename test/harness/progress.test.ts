/** The progress display across workers: a live block per busy worker on a terminal, plain lines in logs. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { baseResult } from '../../harness/probe/probe.ts';
import { progressReporter } from '../../cli/progress.ts';

const jobs = planJobs(resolveConfig({ variants: { alpha: [0.25], resolution: [128, 160] }, implementations: ['reference'] })).jobs;

function feed(tty: boolean): string {
  let out = '';
  const stream = { isTTY: tty, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  const on = progressReporter(stream, () => 1000);
  on({ type: 'start', dir: 'results/x', total: 2, done: 0, resumed: false });
  on({ type: 'job-start', job: jobs[0], worker: 'pool#0', index: 1, total: 2 });
  on({ type: 'job-start', job: jobs[1], worker: 'pool#1', index: 2, total: 2 });
  on({ type: 'job-end', result: baseResult(jobs[1], 'failed', 'node lost'), worker: 'pool#1', index: 1, total: 2 });
  on({ type: 'job-end', result: baseResult(jobs[0], 'failed', 'boom'), worker: 'pool#0', index: 2, total: 2 });
  on({ type: 'end', dir: 'results/x', results: [] });
  return out;
}

test('on a terminal each busy worker has a line with its job, under the overall count', () => {
  const out = feed(true);
  assert.match(out, / {2}pool#0: node\/reference\/0\.25_128 … 0:00\n {2}pool#1: node\/reference\/0\.25_160 … 0:00\n\[0\/2\] 2 running\n/);
  // Finished lines replace the block (cursor up + clear), then the block is drawn again with one worker.
  assert.match(
    out,
    /\x1b\[3F\x1b\[J\[1\/2\] node\/reference\/0\.25_160 on pool#1 {2}FAILED {2}node lost\n {2}pool#0: node\/reference\/0\.25_128 … 0:00\n\[1\/2\] 1 running/,
  );
});

test('in a log, plain lines only: one per finished job, no escape codes', () => {
  const out = feed(false);
  assert.doesNotMatch(out, /\x1b/);
  assert.deepEqual(out.trim().split('\n'), [
    'Running 2 jobs into results/x',
    '[1/2] node/reference/0.25_160 on pool#1  FAILED  node lost',
    '[2/2] node/reference/0.25_128 on pool#0  FAILED  boom',
    'Done in 0:00: results/x',
  ]);
});
