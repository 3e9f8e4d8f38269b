/** What the browser A/B tests share: the verdicts of one comparison with both sides' results checked, and the one-batch slowdown check. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One job's line of verdicts.json (the fields the tests read). */
export interface JobVerdict {
  id: string;
  verdict: string;
  ratio: number;
  interval: [number, number];
  pairsUsed: number;
  seconds: number;
  /** Each side's ms per inference over its blocks. */
  aMsPerInference: number;
  bMsPerInference: number;
}

/**
 * The verdicts of the comparison written to `out`, by job id: every job was compared (none
 * skipped), and each side's result of each job is ok with the page's memory and accuracy.
 */
export function verdictsOf(out: string, ids: string[]): Map<string, JobVerdict> {
  const v = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8')) as { jobs: Array<JobVerdict & { skipped?: string }> };
  const all = JSON.stringify(v.jobs);
  assert.deepEqual(v.jobs.map((j) => j.id).sort(), [...ids].sort());
  for (const j of v.jobs) assert.equal(j.skipped, undefined, `${j.id}: ${j.skipped}`);
  for (const side of ['A', 'B'] as const) {
    const results = sideResults(out, side);
    assert.equal(results.length, ids.length, `side ${side}: a result per job (${all})`);
    for (const r of results) {
      assert.equal(r.status, 'ok', `side ${side}, ${r.id}: ${r.error}`);
      assert.ok(r.memory && r.accuracy, `side ${side}, ${r.id}: memory and accuracy measured`);
      assert.equal(r.accuracy.agreementTop1, 1, `side ${side}, ${r.id}: agrees with the reference`);
    }
  }
  return new Map(v.jobs.map((j) => [j.id, j]));
}

/** Side A's or B's results of the comparison written to `out` (results-A.jsonl, results-B.jsonl). */
// biome-ignore lint/suspicious/noExplicitAny: the tests read a few fields of results they check themselves.
export function sideResults(out: string, side: 'A' | 'B'): any[] {
  return readFileSync(join(out, `results-${side}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/**
 * The known difference of a one-batch, one-worker-pair comparison (CI's time): one worker pair gives
 * no interval (nor ratio), so the difference is read off each side's ms per inference. The pairs
 * ran, B/A is above `minSlowdown`, the verdict is not `faster`, and the exit code is the verdict's.
 */
export function assertMeasuredSlower(
  job: Pick<JobVerdict, 'pairsUsed' | 'verdict' | 'aMsPerInference' | 'bMsPerInference'>,
  minSlowdown: number,
  exit: { status: number | null; stderr: string },
): void {
  assert.ok(job.pairsUsed >= 4, JSON.stringify(job));
  assert.notEqual(job.verdict, 'faster', JSON.stringify(job));
  const slowdown = job.bMsPerInference / job.aMsPerInference;
  assert.ok(slowdown > minSlowdown, `B/A ms per inference ${slowdown}: ${JSON.stringify(job)}`);
  assert.equal(exit.status, job.verdict === 'slower' ? 1 : 0, exit.stderr);
}
