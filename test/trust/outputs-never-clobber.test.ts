/**
 * Outputs never clobber (issue 28, item 6): `trend --out` and `ci --ci-out`/`--out` never write
 * into the history folder they read (contract/output-guard.ts, a folder input); `publish --out`
 * replaces only the files it listed in its marker, refuses a non-empty folder it did not write
 * unless --force, and never removes `.git` or `CNAME`; run ids go through one sanitizer
 * (contract/run-id.ts): `a b` and `a-b` both keep their data, `..` stays inside data/, and two ids
 * written under one name are refused. Each refusal exits 2 with nothing changed on disk.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIdSlug, runIdSlugs } from '../../contract/run-id.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { folderSnapshot, jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const MAIN = { GITHUB_REF_NAME: 'main', GITHUB_SHA: 'a'.repeat(40), CI_PIPELINE_URL: '', GITHUB_ACTIONS: '' };
const run = (root: string, name: string, runId: string) => writeRunFolder(join(root, name), [jobLine('node/reference/0.25_128')], runId);

/** A history folder holding one entry, and that entry's file. */
function history(root: string): { dir: string; entry: string } {
  const dir = join(root, 'history');
  const r = runCli(['history', 'add', run(root, 'r1', 'run-1'), '--history', dir], { env: MAIN });
  assert.equal(r.status, 0, r.stderr);
  const entry = readdirSync(dir).find((f) => f.endsWith('.json'))!;
  return { dir, entry: join(dir, entry) };
}

test('trend --out onto a history entry, into the history folder or onto a hard link of an entry: exit 2, the history unchanged', () => {
  const root = tempDir('mnb-clobber-trend-');
  const h = history(root);
  linkSync(h.entry, join(root, 'linked.html'));
  const before = folderSnapshot(h.dir);
  for (const out of [h.entry, join(h.dir, 'trend.html'), h.dir, join(root, 'linked.html')]) {
    const r = runCli(['trend', h.dir, '--out', out]);
    assert.equal(r.status, 2, `${out}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /--out .*: refusing to write there, it is .*history folder/);
    assert.doesNotMatch(r.stderr, STACK);
    assert.deepEqual(folderSnapshot(h.dir), before, `${out}: the history is unchanged`);
  }
  const beside = runCli(['trend', h.dir, '--out', join(root, 'trend.html')]);
  assert.equal(beside.status, 0, beside.stderr);
  assert.ok(existsSync(join(root, 'trend.html')));
});

test('ci --ci-out (or --out) in the history folder is refused before the run; the history unchanged', () => {
  const root = tempDir('mnb-clobber-ci-');
  const h = history(root);
  const before = folderSnapshot(h.dir);
  for (const args of [
    ['--ci-out', h.dir],
    ['--ci-out', join(h.dir, 'ci')],
    ['--out', join(h.dir, 'run')],
  ]) {
    const r = runCli(['ci', '--history', h.dir, ...args, '--target', 'node', '--impl', 'reference', '--alpha', '0.25', '--resolution', '128'], { env: MAIN });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${args[0]} .*: refusing to write there, it is .*history folder`));
    assert.doesNotMatch(r.stderr + r.stdout, /Progress|\[\d+\/\d+\]/, 'refused before any job ran');
    assert.deepEqual(folderSnapshot(h.dir), before);
  }
});

test('compare --history: --json/--markdown/--junit anywhere in the history folder (a subfolder too) are refused by the same guard', () => {
  const root = tempDir('mnb-clobber-compare-');
  const h = history(root);
  const current = run(root, 'cur', 'run-cur');
  const before = folderSnapshot(h.dir);
  for (const [flag, path] of [
    ['--json', join(h.dir, 'out.json')],
    ['--markdown', join(h.dir, 'sub', 'comment.md')],
    ['--junit', join(h.dir, 'sub', 'deeper', 'junit.xml')],
  ]) {
    const r = runCli(['compare', '--history', h.dir, current, flag, path], { env: MAIN });
    assert.equal(r.status, 2, `${flag} ${path}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${flag} .*: refusing to write there, it is inside the history folder`));
    assert.deepEqual(folderSnapshot(h.dir), before);
  }
});

test('publish into a git checkout: refused without --force; with it .git, CNAME and the user files stay, also when publishing again', () => {
  const root = tempDir('mnb-clobber-publish-');
  const a = run(root, 'a', 'run-a');
  const b = run(root, 'b', 'run-b');
  const site = join(root, 'pages');
  mkdirSync(join(site, '.git'), { recursive: true });
  writeFileSync(join(site, '.git', 'HEAD'), 'ref: refs/heads/gh-pages\n');
  writeFileSync(join(site, 'CNAME'), 'bench.example.org\n');
  writeFileSync(join(site, 'notes.md'), 'mine\n');
  const before = folderSnapshot(site);
  const refused = runCli(['publish', a, '--out', site]);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /not a site written by publish .* or add --force/);
  assert.deepEqual(folderSnapshot(site), before, 'nothing written or removed');

  assert.equal(runCli(['publish', a, b, '--out', site, '--force']).status, 0);
  const kept = () => {
    assert.equal(readFileSync(join(site, '.git', 'HEAD'), 'utf8'), 'ref: refs/heads/gh-pages\n');
    assert.equal(readFileSync(join(site, 'CNAME'), 'utf8'), 'bench.example.org\n');
    assert.equal(readFileSync(join(site, 'notes.md'), 'utf8'), 'mine\n');
  };
  kept();
  assert.ok(existsSync(join(site, 'data', 'run-b', 'run.json')));
  // Again, now a site publish wrote: only the files it listed are replaced; run-b's data, no longer published, is gone.
  assert.equal(runCli(['publish', a, '--out', site]).status, 0);
  kept();
  assert.ok(!existsSync(join(site, 'data', 'run-b')), 'the files of the last publish that this one does not write are removed');
  assert.ok(existsSync(join(site, 'data', 'run-a', 'run.json')));
});

test('a manifest edited to list .git, CNAME or a path outside the site removes none of them', () => {
  const root = tempDir('mnb-clobber-manifest-');
  const site = join(root, 'site');
  assert.equal(runCli(['publish', run(root, 'a', 'run-a'), '--out', site]).status, 0);
  mkdirSync(join(site, '.git'));
  writeFileSync(join(site, '.git', 'HEAD'), 'x');
  writeFileSync(join(site, 'CNAME'), 'x');
  writeFileSync(join(root, 'outside.txt'), 'x');
  const marker = join(site, '.mobilenet-bench-site');
  writeFileSync(marker, `${readFileSync(marker, 'utf8')}.git/HEAD\nCNAME\n../outside.txt\n`);
  assert.equal(runCli(['publish', run(root, 'b', 'run-b'), '--out', site]).status, 0);
  for (const f of [join(site, '.git', 'HEAD'), join(site, 'CNAME'), join(root, 'outside.txt')]) assert.ok(existsSync(f), `${f} kept`);
});

test('run ids that slug alike (`a b`, `a-b`, `a_b`) each keep their data; `..` stays inside data/ and SHA256SUMS never leaves it', () => {
  const root = tempDir('mnb-clobber-ids-');
  const runs = [run(root, 'r1', 'a b'), run(root, 'r2', 'a-b'), run(root, 'r3', 'a_b'), run(root, 'r4', '..'), run(root, 'r5', 'x/../../y')];
  const site = join(root, 'out', 'site');
  const r = runCli(['publish', ...runs, '--out', site]);
  assert.equal(r.status, 0, r.stderr);
  const sums = readFileSync(join(site, 'data', 'SHA256SUMS'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(sums.length, runs.length * 3, 'three files of every run');
  for (const line of sums) assert.doesNotMatch(line, /\s(\.\.?\/|\/)|\/\.\.\//, `${line}: inside data/`);
  const ids = readdirSync(join(site, 'data'))
    .filter((d) => d !== 'SHA256SUMS')
    .map((d) => JSON.parse(readFileSync(join(site, 'data', d, 'run.json'), 'utf8')).runId)
    .sort();
  assert.deepEqual(ids, ['..', 'a b', 'a-b', 'a_b', 'x/../../y'].sort(), 'every run has its own folder with its own run.json');
  assert.deepEqual(readdirSync(join(root, 'out')), ['site'], 'nothing written beside the site');
  assert.ok(!existsSync(join(site, 'run.json')));
});

test('one sanitizer: safe ids unchanged, others made safe and kept apart; two ids with one slug are refused naming both', () => {
  assert.equal(runIdSlug('2026-11-24T07-30-05Z'), '2026-11-24T07-30-05Z');
  for (const id of ['..', '.', '.hidden', 'a/b', 'a b', '', 'x'.repeat(300)]) {
    const s = runIdSlug(id);
    assert.match(s, /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/, `${JSON.stringify(id)} → ${s}`);
  }
  assert.notEqual(runIdSlug('a b'), runIdSlug('a_b'));
  assert.notEqual(runIdSlug('a b'), runIdSlug('a/b'));
  assert.throws(
    () => runIdSlugs(['a b', runIdSlug('a b')], 'data/<slug>/'),
    /runs "a b" and "a_b-[0-9a-f]{8}" would both be written as data\/a_b-[0-9a-f]{8}\//,
  );
  const root = tempDir('mnb-clobber-collide-');
  const r = runCli(['publish', run(root, 'r1', 'a b'), run(root, 'r2', runIdSlug('a b')), '--out', join(root, 'site')]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /would both be written as data\/a_b-/);
  assert.doesNotMatch(r.stderr, STACK);
  assert.ok(!existsSync(join(root, 'site')), 'nothing written');
});
