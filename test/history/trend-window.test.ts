/**
 * The trend page's window: each series keeps its last runs (200 by default, `--all` for every
 * one), change points are searched within them, and the page says what it left out. A
 * 5,000-run × 128-job history made a 126 MB page in 48 s without it (`npm run bench:history-size`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordRun } from '../../analysis/history/record.ts';
import type { HistoryEntry } from '../../analysis/history/schema.ts';
import { readHistory } from '../../analysis/history/store.ts';
import { DEFAULT_TREND_WINDOW, trendSeries } from '../../analysis/history/trend.ts';
import { renderTrendPage } from '../../reports/trend.ts';
import { runCli } from '../helpers/cli.ts';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { syntheticHistory } from './fixture.ts';

const ID = 'node/reference/0.25_128';

function baseEntry(): HistoryEntry {
  const root = tempDir('mnb-window-');
  const run = writeRunFolder(join(root, 'run'), [jobLine(ID), jobLine('node/reference/0.5_160')], 'r');
  const dir = join(root, 'history');
  recordRun(run, dir, { env: { MOBILENET_BENCH_BRANCH: 'main' } });
  return readHistory(dir).entries[0];
}

test('trendSeries keeps the last `window` runs of each series, newest last, and counts the rest', () => {
  const entries = syntheticHistory(baseEntry(), 250);
  const series = trendSeries(entries);
  assert.equal(DEFAULT_TREND_WINDOW, 200);
  for (const s of series) {
    assert.equal(s.points.length, 200);
    assert.equal(s.omitted, 50);
    assert.equal(s.points[0].runId, 'synthetic-50');
    assert.equal(s.points.at(-1)!.runId, 'synthetic-249');
  }
  const all = trendSeries(entries, { window: null });
  assert.deepEqual(
    all.map((s) => [s.points.length, s.omitted]),
    series.map(() => [250, 0]),
  );
  // The same order of series as before the window: oldest first appearance.
  assert.deepEqual(
    all.map((s) => s.id),
    series.map((s) => s.id),
  );
});

test('a step inside the window is found at its place in the window', () => {
  const entries = syntheticHistory(baseEntry(), 260, { step: (i) => (i >= 200 ? 1.2 : 1) });
  const [s] = trendSeries(entries, { window: 100 });
  assert.equal(s.omitted, 160);
  assert.deepEqual(
    s.changes.map((c) => c.index),
    [40],
  );
});

test('the page says what the window left out, and how to see it', () => {
  const dir = tempDir('mnb-window-page-');
  const entries = syntheticHistory(baseEntry(), 230);
  const page = renderTrendPage({ dir, entries, problems: [] }, trendSeries(entries));
  assert.match(page, /Each chart shows the last 200 runs of its job series: older runs of 2 of 2 series were left out \(60 points in all\)/);
  assert.match(page, /mobilenet-bench trend --all<\/code> draws every run/);
  assert.match(page, /200 runs \(the last of 230\)/);
  const full = renderTrendPage({ dir, entries, problems: [] }, trendSeries(entries, { window: null }));
  assert.doesNotMatch(full, /were left out/);
});

test('trend --all through the CLI draws every run; the default says on stdout what it cut', () => {
  const root = tempDir('mnb-window-cli-');
  const dir = join(root, 'history');
  const base = baseEntry();
  mkdirSync(dir);
  for (const e of syntheticHistory(base, 205)) writeFileSync(join(dir, `${e.id}.json`), JSON.stringify(e));
  const cut = runCli(['trend', dir, '--out', join(root, 'cut.html')], { timeoutMs: 60_000 });
  assert.equal(cut.status, 0, cut.stderr);
  assert.match(cut.stdout, /2 cut to their last 200 runs \(--all for every run\)/);
  const all = runCli(['trend', dir, '--all', '--out', join(root, 'all.html')], { timeoutMs: 60_000 });
  assert.equal(all.status, 0, all.stderr);
  assert.doesNotMatch(all.stdout, /cut to/);
  assert.ok(statSync(join(root, 'all.html')).size > statSync(join(root, 'cut.html')).size);
  assert.match(readFileSync(join(root, 'all.html'), 'utf8'), /205 runs · latest/);
});
