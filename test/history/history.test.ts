/**
 * The history folder from real runs: a real tiny Node run (0.25_128, reference + ort-node) and
 * copies of it as other runs. Summaries carry per-job figures, device fingerprints and the CI's
 * provenance; two `history add` processes at once keep both runs once; hostile files are named
 * and not counted; `compare --history` judges a slowed copy slower; exports keep their shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { recordRun, entryOfRunFolder } from '../../analysis/history/record.ts';
import { addEntry, pruneHistory, readHistory } from '../../analysis/history/store.ts';
import { provenanceOf, readCi } from '../../analysis/history/provenance.ts';
import { loadRunFolder } from '../../contract/run-data.ts';
import { toBmf, toCustomBiggerIsBetter, toCustomSmallerIsBetter } from '../../reports/exports.ts';
import { runCli, runCliAsync, STACK } from '../helpers/cli.ts';
import { SLOW_LAYER_ENV, SLOW_LAYER_EXEC_ARGV } from '../helpers/slow-layer.ts';
import { derivedRun, realRun, syntheticHistory } from './fixture.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const tmp = () => tempDir('mnb-hist-');
const MAIN = { MOBILENET_BENCH_BRANCH: 'main', GITHUB_ACTIONS: '', GITLAB_CI: '', CI: '' };

test('a real run becomes one summary: per-job medians, CI, memory, agreement, device and provenance from GitHub Actions', async () => {
  const run = await realRun();
  const data = loadRunFolder(run);
  const env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_REF: 'refs/pull/42/merge',
    GITHUB_HEAD_REF: 'feature-x',
    GITHUB_REF_NAME: '42/merge',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '7',
  };
  const entry = entryOfRunFolder(run, { env });
  assert.equal(entry.runId, data.run.runId);
  assert.deepEqual(entry.source, {
    ...entry.source,
    commit: 'f'.repeat(40),
    branch: 'feature-x',
    ci: 'github-actions',
    url: 'https://github.com/o/r/actions/runs/7',
    pullRequest: '42',
  });
  assert.equal(entry.jobs.length, data.results.length);
  for (const j of entry.jobs) {
    const r = data.results.find((x) => x.id === j.id)!;
    assert.equal(j.status, r.status);
    assert.equal(j.medianMs, r.latency!.medianMs);
    assert.deepEqual(j.ci95Ms, r.latency!.ci95Ms);
    assert.equal(j.peakRssBytes, r.memory!.peakRssBytes);
    assert.equal(j.agreementTop1, r.accuracy!.agreementTop1);
    assert.equal(j.device, entry.device, 'a Node job runs on the host');
    assert.ok(j.relativeHalfWidth! >= 0);
  }
  assert.ok(entry.jobs.some((j) => j.impl === 'reference') && entry.jobs.some((j) => j.impl === 'ort-node'));
});

test('provenance: GitLab and Jenkins variables, and git names the branch only for its own commit', () => {
  assert.deepEqual(
    readCi({
      GITLAB_CI: 'true',
      CI_COMMIT_SHA: 'abc',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'mr',
      CI_COMMIT_REF_NAME: 'x',
      CI_PIPELINE_URL: 'u',
      CI_MERGE_REQUEST_IID: '3',
      CI_COMMIT_TIMESTAMP: '2026-01-01T00:00:00Z',
    }),
    { ci: 'gitlab-ci', commit: 'abc', branch: 'mr', url: 'u', pullRequest: '3', time: '2026-01-01T00:00:00Z' },
  );
  assert.equal(readCi({ JENKINS_URL: 'j', GIT_BRANCH: 'origin/main', GIT_COMMIT: 'c' })?.branch, 'main');
  const git = { commit: 'head', branch: 'main', dirty: true, commitTime: '2026-02-02T00:00:00Z' };
  assert.deepEqual(provenanceOf({ env: {}, git, recordedCommit: 'head', startedAt: 's' }), {
    commit: 'head',
    branch: 'main',
    dirty: true,
    time: '2026-02-02T00:00:00Z',
    ci: null,
    url: null,
    pullRequest: null,
  });
  // The run was made at another commit than the work tree's HEAD: git's branch and dirty flag do not describe it.
  assert.deepEqual(provenanceOf({ env: {}, git, recordedCommit: 'older', startedAt: 's' }), {
    commit: 'older',
    branch: null,
    dirty: null,
    time: 's',
    ci: null,
    url: null,
    pullRequest: null,
  });
});

test('two `history add` at once, of different runs and of the same run twice: each run is kept exactly once', async () => {
  const run = await realRun();
  const root = tmp();
  const other = derivedRun(run, join(root, 'other'), 'other-run');
  const history = join(root, 'history');
  const results = await Promise.all([
    runCliAsync(['history', 'add', run, '--history', history], { env: MAIN }),
    runCliAsync(['history', 'add', other, '--history', history], { env: MAIN }),
    runCliAsync(['history', 'add', run, '--history', history], { env: MAIN }),
  ]);
  for (const r of results) assert.equal(r.status, 0, r.stderr);
  assert.equal(results.filter((r) => /^already in the history/m.test(r.stdout)).length, 1, results.map((r) => r.stdout).join(''));
  const files = readdirSync(history);
  assert.equal(files.length, 2, `no temp file left, one file per run: ${files.join(', ')}`);
  const h = readHistory(history);
  assert.deepEqual(h.problems, []);
  assert.deepEqual(h.entries.map((e) => e.runId).sort(), [loadRunFolder(run).run.runId, 'other-run'].sort());
  assert.ok(h.entries.every((e) => e.source.branch === 'main'));
  const list = runCli(['history', 'list', '--history', history]);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /2 runs in .*\n\nbranch main · device [0-9a-f]{12} .*: 2 runs/);
});

test('a hostile history: truncated, another schema version, a copied entry, a renamed file — each named, none counted', async () => {
  const run = await realRun();
  const history = join(tmp(), 'history');
  const { file, entry } = recordRun(run, history, { env: MAIN });
  writeFileSync(join(history, 'truncated.json'), readFileSync(file, 'utf8').slice(0, 80));
  writeFileSync(join(history, 'future.json'), JSON.stringify({ ...entry, schemaVersion: 99 }));
  copyFileSync(file, join(history, 'zz-copy.json'));
  writeFileSync(join(history, 'renamed.json'), JSON.stringify({ ...entry, id: 'some-other-run' }));
  const h = readHistory(history);
  assert.equal(h.entries.length, 1);
  const named = (name: string) => h.problems.find((p) => p.file.endsWith(name))?.message ?? '';
  assert.match(named('truncated.json'), /not valid JSON .* truncated/);
  assert.match(named('future.json'), /schemaVersion 99, this harness reads history schemaVersion 1/);
  assert.match(named('zz-copy.json'), new RegExp(`holds entry ${entry.id}, which .* holds too`));
  assert.match(named('renamed.json'), /holds entry some-other-run but is not named some-other-run\.json/);
  const list = runCli(['history', 'list', '--history', history]);
  assert.equal(list.status, 2);
  assert.doesNotMatch(list.stderr, STACK);
  for (const name of ['truncated.json', 'future.json', 'zz-copy.json', 'renamed.json'])
    assert.match(list.stderr, new RegExp(`history: .*${name} not counted: `));
  assert.match(list.stdout, /1 run in .* \(4 files not counted, see above\)/);
});

test('compare --history: a copy slowed ×1.25 is slower, the unchanged run no change, a run from another device is left out with a note', async () => {
  const run = await realRun();
  const root = tmp();
  const history = join(root, 'history');
  // Ten earlier runs of main on this device: the real summary with seeded 1 % noise.
  const base = entryOfRunFolder(run, { env: MAIN });
  for (const e of syntheticHistory(base, 10, { noise: 0.01, seed: 11 })) addEntry(history, e);
  const foreign = syntheticHistory(base, 1, { seed: 12 })[0];
  addEntry(history, { ...foreign, id: 'foreign-device', device: 'deadbeef0000', jobs: foreign.jobs.map((j) => ({ ...j, device: 'deadbeef0000' })) });
  const slowId = base.jobs.find((j) => j.impl === 'reference')!.id;
  const slowed = derivedRun(run, join(root, 'slowed'), 'slowed', (id) => (id === slowId ? 1.25 : 1));
  const md = join(root, 'comment.md');
  const r = runCli(['compare', '--history', history, slowed, '--markdown', md, '--junit', join(root, 'junit.xml')], { env: MAIN });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const row = (id: string) => r.stdout.split('\n').find((l) => l.includes(id))!;
  assert.match(row(slowId), /^slower /);
  for (const j of base.jobs.filter((x) => x.id !== slowId)) assert.match(row(j.id), /^no change /);
  assert.match(r.stdout, /note: 1 run of these jobs on another device not used \(foreign-device\.json: device deadbeef0000/);
  assert.match(readFileSync(md, 'utf8'), /^### mobilenet-bench: regression/);
  assert.match(readFileSync(join(root, 'junit.xml'), 'utf8'), /<failure message="slower">/);
  const same = runCli(['compare', '--history', history, run], { env: MAIN });
  assert.equal(same.status, 0, same.stdout + same.stderr);
  // Too short a history: inconclusive, never a silent pass.
  const short = runCli(['compare', '--history', history, run, '--min-runs', '12'], { env: MAIN });
  assert.match(short.stdout, /inconclusive: 10 earlier runs of this job on branch main on this device, 12 needed: 2 missing/);
  // Writing into the history folder is refused: it would be read back as a run.
  const into = runCli(['compare', '--history', history, run, '--json', join(history, 'out.json')]);
  assert.equal(into.status, 2);
  assert.match(into.stderr, /refusing to write there, it is inside the history folder/);
});

test('history prune --keep N keeps the newest N of each branch and device', async () => {
  const run = await realRun();
  const history = join(tmp(), 'history');
  const base = entryOfRunFolder(run, { env: MAIN });
  for (const e of [...syntheticHistory(base, 6, { seed: 1 }), ...syntheticHistory(base, 3, { seed: 2, branch: 'dev' })]) addEntry(history, e);
  assert.equal(pruneHistory(history, 4).length, 2);
  const kept = readHistory(history).entries;
  assert.deepEqual(
    kept.filter((e) => e.source.branch === 'main').map((e) => e.runId),
    ['synthetic-2', 'synthetic-3', 'synthetic-4', 'synthetic-5'],
  );
  assert.equal(kept.filter((e) => e.source.branch === 'dev').length, 3);
  const bad = runCli(['history', 'prune', '--history', history, '--keep', '0']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--keep N needs a whole number ≥ 1/);
});

// Bencher's published JSON schema (https://bencher.dev/bmf.json), as zod: benchmark → measure → { value, lower_value?, upper_value? }.
const BmfSchema = z.record(
  z.string().min(1),
  z.record(z.string().min(1).max(64), z.object({ value: z.number(), lower_value: z.number().optional(), upper_value: z.number().optional() }).strict()),
);
// github-action-benchmark's custom tools: an array of { name, unit, value, range?, extra? }.
const CustomSchema = z.array(
  z.object({ name: z.string().min(1), unit: z.string().min(1), value: z.number(), range: z.string().optional(), extra: z.string().optional() }).strict(),
);

test("exports: BMF and github-action-benchmark JSON match their documented shapes and the run's figures", async () => {
  const run = await realRun();
  const data = loadRunFolder(run);
  const bmf = BmfSchema.parse(toBmf(data));
  const ref = data.results.find((r) => r.impl === 'reference')!;
  assert.deepEqual(
    bmf[ref.id].latency,
    { value: ref.latency!.medianMs * 1e6, lower_value: ref.latency!.ci95Ms[0] * 1e6, upper_value: ref.latency!.ci95Ms[1] * 1e6 },
    'Bencher latency is in nanoseconds',
  );
  assert.equal(bmf[ref.id]['peak-rss-bytes'].value, ref.memory!.peakRssBytes);
  assert.equal(bmf[ref.id]['agreement-top1'].value, ref.accuracy!.agreementTop1);
  const smaller = CustomSchema.parse(toCustomSmallerIsBetter(data));
  assert.deepEqual(smaller.find((e) => e.name === `${ref.id} latency`)!.value, ref.latency!.medianMs);
  assert.equal(smaller.find((e) => e.name === `${ref.id} peak RSS`)!.unit, 'MiB');
  const bigger = CustomSchema.parse(toCustomBiggerIsBetter(data));
  assert.equal(bigger.find((e) => e.name === `${ref.id} agreement`)!.value, ref.accuracy!.agreementTop1! * 100);
  // Through the CLI: the default file in the run folder, and stdout.
  const out = join(tmp(), 'x');
  mkdirSync(out);
  const cli = runCli(['report', run, '--format', 'bmf', '--out', join(out, 'bmf.json')]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'bmf.json'), 'utf8')), bmf);
  const gab = runCli(['report', run, '--format', 'github-action-benchmark', '--out', '-']);
  assert.deepEqual(JSON.parse(gab.stdout), smaller);
});

test('ci --history: a reference slowed from test code is slower, the CI files are written, --record adds the run', async () => {
  const run = await realRun();
  const root = tmp();
  const history = join(root, 'history');
  const base = entryOfRunFolder(run, { env: MAIN });
  for (const e of syntheticHistory(base, 8, { noise: 0.03, seed: 21 })) addEntry(history, e);
  const config = join(root, 'bench.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      targets: [{ name: 'node', type: 'node', execArgv: SLOW_LAYER_EXEC_ARGV }],
      variants: { alpha: [0.25], resolution: [128] },
      implementations: ['reference', 'ort-node:cpu'],
      sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 8, minTimeMs: 0, maxSamples: 20, maxTimeMs: 1000 },
      accuracy: { samples: 2 },
    }),
  );
  const refId = base.jobs.find((j) => j.impl === 'reference')!.id;
  const slowMs = Math.ceil(base.jobs.find((j) => j.id === refId)!.medianMs! * 1.5);
  const out = join(root, 'run');
  const r = await runCliAsync(['ci', '--history', history, '-c', config, '--out', out, '--max-repeats', '2', '--record'], {
    env: { ...MAIN, [SLOW_LAYER_ENV]: `pw1:${slowMs}` },
    timeoutMs: 240_000,
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const verdicts = JSON.parse(readFileSync(join(out, 'ci', 'verdicts.json'), 'utf8')) as { jobs: { id: string; verdict: string }[] };
  assert.equal(verdicts.jobs.find((j) => j.id === refId)!.verdict, 'slower');
  const comment = readFileSync(join(out, 'ci', 'comment.md'), 'utf8');
  assert.match(comment, /^### mobilenet-bench: regression/);
  assert.ok(comment.indexOf(refId.replace(/[_]/g, '\\_')) < comment.indexOf('ort-node'), 'the changed job comes first');
  assert.match(comment, /\[Full report\]\(\.\.\/report\.html\)/);
  assert.match(readFileSync(join(out, 'ci', 'junit.xml'), 'utf8'), /<failure message="slower">/);
  BmfSchema.parse(JSON.parse(readFileSync(join(out, 'ci', 'bmf.json'), 'utf8')));
  CustomSchema.parse(JSON.parse(readFileSync(join(out, 'ci', 'benchmark-smaller-is-better.json'), 'utf8')));
  // The slowed job was decided at the first look: only undecided jobs are re-run.
  assert.doesNotMatch(r.stdout, new RegExp(`re-run 1 of 1: .*${refId}`));
  assert.equal(readHistory(history).entries.length, 9, '--record added the run');
});

test('run with the config key `history` adds its summary when the run ends', async () => {
  const root = tmp();
  const history = join(root, 'history');
  const config = join(root, 'bench.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      targets: [{ name: 'node', type: 'node' }],
      variants: { alpha: [0.25], resolution: [128] },
      implementations: ['ort-node:cpu'],
      sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 10, maxTimeMs: 500 },
      accuracy: { samples: 1 },
      history,
    }),
  );
  const r = await runCliAsync(['run', '-c', config, '--out', join(root, 'run')], { env: MAIN, timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /History: .*history\/.*\.json/);
  const h = readHistory(history);
  assert.equal(h.entries.length, 1);
  assert.equal(h.entries[0].jobs[0].id, 'node/ort-node-cpu/0.25_128');
  assert.equal(h.entries[0].source.branch, 'main');
});
