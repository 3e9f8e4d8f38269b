/**
 * A `dir:` side in Chromium is served its OWN probe page: a worktree of HEAD whose package.json
 * version is changed (test/helpers/worktree.ts), so that the page built from that tree reports
 * another version than this checkout's. Both sides run in one
 * browser, each from its own page host; the results say which build and tree served each side.
 */
import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findBrowserExecutable } from '../../harness/browsers.ts';
import { projectRoot } from '../../models/platform/package-json.ts';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { versionedWorktree } from '../helpers/worktree.ts';

const ROOT = projectRoot();
const skip = findBrowserExecutable('chromium') ? false : "no Chromium found (CHROME_PATH or /usr/bin/chromium): install Debian's chromium (.ci/run does)";

test("a dir: side runs in Chromium from its own page, built from that side's tree", { skip, timeout: 180_000 }, async (t) => {
  const dir = tempDir('ab-side-page-');
  const worktree = versionedWorktree(join(dir, 'side'), t);
  if (!worktree) return;
  const side = worktree.root;
  const [ours, theirs] = [worktree.ourVersion, worktree.version];

  const out = join(dir, 'out');
  const args = ['--target', 'chromium', '--impl', 'reference', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
  const caps = ['--worker-pairs', '2', '--max-pairs', '16', '--max-seconds', '10', '--seed', '3'];
  const r = await runCliAsync(['ab', '--b', `dir:${side}`, ...args, ...caps, '-o', out], { timeoutMs: 150_000 });
  assert.doesNotMatch(r.stderr, STACK);
  assert.equal(r.status, 0, r.stderr);
  const [job] = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8')).jobs;
  assert.equal(job.skipped, undefined, `compared, not skipped: ${job.skipped}`);
  assert.ok(job.pairsUsed >= 8, `${job.pairsUsed} pairs`);
  const result = (s: string) => JSON.parse(readFileSync(join(out, `results-${s}.jsonl`), 'utf8').split('\n')[0]);
  const [a, b] = [result('A'), result('B')];
  for (const res of [a, b]) assert.equal(res.status, 'ok', res.error);
  // The version is compiled into the page by its build: B's page came from B's tree.
  assert.equal(a.effective.version, ours);
  assert.equal(b.effective.version, theirs);
  assert.equal(realpathSync(a.effective.details.pageRoot), realpathSync(ROOT));
  assert.equal(realpathSync(b.effective.details.pageRoot), realpathSync(side));
  assert.notEqual(a.effective.details.pageBuild, b.effective.details.pageBuild);
  const sides = JSON.parse(readFileSync(join(out, 'sides.json'), 'utf8'));
  assert.equal(sides[1].kind, 'dir');
});
