/**
 * History order is by instant, not by string: a commit at 09:00 in Tokyo (+09:00) is an hour
 * before 01:00 UTC, though its string sorts after. And one run is one entry, however often it is
 * added: unfinished then finished, or after --resume --retry-failed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { recordRun } from '../../analysis/history/record.ts';
import { HistoryEntrySchema } from '../../analysis/history/schema.ts';
import { pruneHistory, readHistory } from '../../analysis/history/store.ts';
import { trendSeries } from '../../analysis/history/trend.ts';
import { appendResult, readRunInfo, writeRunInfo } from '../../contract/store.ts';
import { runCli } from '../helpers/cli.ts';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const TOKYO = '2026-12-04T09:00:00+09:00';
const UTC = '2026-12-04T01:00:00Z';
const ID = 'node/reference/0.25_128';
/** GitLab names the commit time with its offset. */
const gitlab = (time: string, sha: string) => ({ GITLAB_CI: 'true', CI_COMMIT_TIMESTAMP: time, CI_COMMIT_SHA: sha, CI_COMMIT_BRANCH: 'main' });

test('the arithmetic: 09:00+09:00 is 00:00Z, an hour before 01:00Z, though the strings sort the other way', () => {
  assert.equal(new Date(TOKYO).toISOString(), '2026-12-04T00:00:00.000Z');
  assert.ok(Date.parse(TOKYO) < Date.parse(UTC));
  assert.ok(TOKYO.localeCompare(UTC) > 0, 'as strings, Tokyo sorts later');
});

/** Two runs: `older` committed at 09:00+09:00, `newer` at 01:00Z. */
function twoRuns() {
  const root = tempDir('mnb-time-');
  const dir = join(root, 'history');
  const older = writeRunFolder(join(root, 'older'), [jobLine(ID, [10, 10, 10])], 'older');
  const newer = writeRunFolder(join(root, 'newer'), [jobLine(ID, [12, 12, 12])], 'newer');
  recordRun(newer, dir, { env: gitlab(UTC, 'b'.repeat(40)) });
  recordRun(older, dir, { env: gitlab(TOKYO, 'a'.repeat(40)) });
  return dir;
}

test('list and trend order by instant: the +09:00 commit comes first', () => {
  const dir = twoRuns();
  assert.deepEqual(
    readHistory(dir).entries.map((e) => e.runId),
    ['older', 'newer'],
  );
  const [s] = trendSeries(readHistory(dir).entries);
  assert.deepEqual(
    s.points.map((p) => p.runId),
    ['older', 'newer'],
  );
});

test('history prune --keep 1 keeps the newer run by instant', () => {
  const dir = twoRuns();
  const r = runCli(['history', 'prune', '--history', dir, '--keep', '1'], { timeoutMs: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    readHistory(dir).entries.map((e) => e.runId),
    ['newer'],
  );
});

test('pruneHistory keeps the newest by instant (the library call)', () => {
  const dir = twoRuns();
  pruneHistory(dir, 1);
  assert.deepEqual(
    readHistory(dir).entries.map((e) => e.runId),
    ['newer'],
  );
});

test('a time that is not a date is refused by the schema', () => {
  const dir = twoRuns();
  const [e] = readHistory(dir).entries;
  const bad = HistoryEntrySchema.safeParse({ ...e, source: { ...e.source, time: 'yesterday' } });
  assert.equal(bad.success, false);
});

test('the same run added unfinished, then finished after --retry-failed, stays one entry: the later replaces the earlier', () => {
  const root = tempDir('mnb-same-run-');
  const dir = join(root, 'history');
  const run = writeRunFolder(
    join(root, 'run'),
    [jobLine(ID, [10], { status: 'failed', latency: null, error: 'boom', startedAt: '2026-11-29T10:00:00.000Z' })],
    'r',
  );
  writeRunInfo(run, { ...readRunInfo(run), endedAt: null });
  const first = recordRun(run, dir, { env: { MOBILENET_BENCH_BRANCH: 'main' } });
  assert.equal(first.outcome, 'added');
  // --resume --retry-failed: attempt 2 at another time, ok; the run now ends.
  appendResult(run, jobLine(ID, [11, 11, 11], { attempt: 2, startedAt: '2026-11-29T11:00:00.000Z' }));
  writeRunInfo(run, { ...readRunInfo(run), endedAt: '2026-11-29T11:01:00.000Z' });
  const second = recordRun(run, dir, { env: { MOBILENET_BENCH_BRANCH: 'main' } });
  assert.equal(second.outcome, 'updated');
  assert.equal(second.file, first.file);
  const third = recordRun(run, dir, { env: { MOBILENET_BENCH_BRANCH: 'main' } });
  assert.equal(third.outcome, 'already');
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.json')).length, 1);
  const h = readHistory(dir);
  assert.equal(h.entries.length, 1);
  assert.equal(h.entries[0].jobs[0].status, 'ok');
  assert.equal(h.entries[0].jobs[0].medianMs, 11);
});
