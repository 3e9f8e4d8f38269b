/**
 * Folders we read from are untrusted: a history folder, a run folder, a baseline, an eval set
 * may hold a symlink to /dev/zero, a FIFO or a huge file. Each is named and skipped (or the
 * input refused), never read: no command hangs or reads gigabytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordRun } from '../../analysis/history/record.ts';
import { readHistory } from '../../analysis/history/store.ts';
import { MAX_ENTRY_BYTES, readRegularFile, UnsafeFileError } from '../../contract/safe-read.ts';
import { decodeAll } from '../../harness/eval-set.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const mkfifo = (path: string) => assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo');
/** A sparse file of `bytes` (no disk used). */
const sparse = (path: string, bytes: number) => {
  const fd = openSync(path, 'w');
  writeFileSync(fd, 'x');
  closeSync(fd);
  spawnSync('truncate', ['-s', String(bytes), path]);
};

/** A history folder with one real entry beside a /dev/zero symlink, a FIFO, a 65 MiB file and a folder, all named *.json. */
function hostileHistory(): { dir: string; run: string } {
  const root = tempDir('mnb-hostile-');
  const run = writeRunFolder(join(root, 'run'), [jobLine('node/reference/0.25_128')], 'r1');
  const dir = join(root, 'history');
  recordRun(run, dir, { env: { MOBILENET_BENCH_BRANCH: 'main' } });
  symlinkSync('/dev/zero', join(dir, 'zero.json'));
  mkfifo(join(dir, 'pipe.json'));
  sparse(join(dir, 'big.json'), MAX_ENTRY_BYTES + 1024);
  mkdirSync(join(dir, 'folder.json'));
  return { dir, run };
}

test('history: a symlink to /dev/zero, a FIFO, a 65 MiB file and a folder are named and skipped, never read', () => {
  const { dir } = hostileHistory();
  const h = readHistory(dir);
  assert.equal(h.entries.length, 1);
  const why = Object.fromEntries(h.problems.map((p) => [p.file.slice(dir.length + 1), p.message]));
  assert.match(why['zero.json'], /symlink to a character device, not read/);
  assert.match(why['pipe.json'], /FIFO \(named pipe\), not read/);
  assert.match(why['big.json'], /64\.0 MiB.*over the limit of 64\.0 MiB/);
  assert.match(why['folder.json'], /a folder, not read/);
});

test('history list, compare --history and trend finish on the hostile folder (no hang, no 17 GB read)', () => {
  const { dir, run } = hostileHistory();
  const list = runCli(['history', 'list', '--history', dir], { timeoutMs: 30_000 });
  assert.equal(list.status, 2, list.stderr);
  assert.match(list.stderr, /pipe\.json not counted: a FIFO/);
  assert.match(list.stderr, /zero\.json not counted: a symlink to a character device/);
  assert.match(list.stdout, /^1 run in /);
  const cmp = runCli(['compare', '--history', dir, run], { timeoutMs: 30_000, env: { MOBILENET_BENCH_BRANCH: 'main' } });
  assert.notEqual(cmp.status, null, 'compare --history finished');
  assert.match(cmp.stderr, /pipe\.json not counted/);
  const out = join(tempDir('mnb-hostile-out-'), 'trend.html');
  const trend = runCli(['trend', dir, '--out', out], { timeoutMs: 60_000 });
  assert.equal(trend.status, 0, trend.stderr);
  assert.doesNotMatch(trend.stderr, STACK);
});

test('a run folder whose results.jsonl is a FIFO, or whose run.json links to /dev/zero, is refused by name', () => {
  const root = tempDir('mnb-hostile-run-');
  const run = writeRunFolder(join(root, 'run'), [jobLine('node/reference/0.25_128')], 'r1');
  rmSync(join(run, 'results.jsonl'));
  mkfifo(join(run, 'results.jsonl'));
  const r = runCli(['report', run, '--out', join(root, 'r.html')], { timeoutMs: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /results\.jsonl: a FIFO \(named pipe\), not read/);
  assert.doesNotMatch(r.stderr, STACK);
  rmSync(join(run, 'run.json'));
  symlinkSync('/dev/zero', join(run, 'run.json'));
  const r2 = runCli(['report', run, '--out', join(root, 'r.html')], { timeoutMs: 30_000 });
  assert.equal(r2.status, 2, r2.stderr);
  assert.match(r2.stderr, /run\.json: a symlink to a character device, not read/);
});

test('a baseline file that links to /dev/zero is refused by name', () => {
  const root = tempDir('mnb-hostile-base-');
  const run = writeRunFolder(join(root, 'run'), [jobLine('node/reference/0.25_128')], 'r1');
  symlinkSync('/dev/zero', join(root, 'base.json'));
  const r = runCli(['compare', join(root, 'base.json'), run], { timeoutMs: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /base\.json: a symlink to a character device, not read/);
});

test('an eval-set image that is a FIFO or links to /dev/zero is named in the skipped list, the others count', () => {
  const root = tempDir('mnb-hostile-eval-');
  mkfifo(join(root, 'n01440764_pipe.JPEG'));
  symlinkSync('/dev/zero', join(root, 'n01440764_zero.JPEG'));
  const { meta } = decodeAll(
    [
      { file: join(root, 'n01440764_pipe.JPEG'), label1000: 0 },
      { file: join(root, 'n01440764_zero.JPEG'), label1000: 0 },
    ],
    [128],
    0.875,
  );
  assert.deepEqual(
    meta.skipped.map((s) => s.reason.replace(/,.*/, '')),
    ['a FIFO (named pipe)', 'a symlink to a character device'],
  );
});

test('readRegularFile: a symlink to a regular file is read; a file over the cap is refused', () => {
  const root = tempDir('mnb-safe-read-');
  writeFileSync(join(root, 'a.json'), '{"x":1}');
  symlinkSync(join(root, 'a.json'), join(root, 'b.json'));
  assert.equal(readRegularFile(join(root, 'b.json')).toString(), '{"x":1}');
  assert.throws(
    () => readRegularFile(join(root, 'a.json'), 3),
    (e) => e instanceof UnsafeFileError && /over the limit/.test(e.reason),
  );
});

test('baseline list: a FIFO among the baselines is named and left out, never read', () => {
  const root = tempDir('mnb-hostile-list-');
  const run = writeRunFolder(join(root, 'run'), [jobLine('node/reference/0.25_128')], 'r1');
  const dir = join(root, 'baselines');
  assert.equal(runCli(['baseline', 'save', run, '--dir', dir, '--name', 'good'], { timeoutMs: 30_000 }).status, 0);
  mkfifo(join(dir, 'pipe.json'));
  const r = runCli(['baseline', 'list', '--dir', dir], { timeoutMs: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^good /m);
  assert.match(r.stderr, /baseline: .*pipe\.json left out: .*a FIFO \(named pipe\), not read/);
});
