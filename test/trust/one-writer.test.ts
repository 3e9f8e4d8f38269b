/**
 * One writer per run folder: a second run or resume is refused naming the owner, a lock left by a
 * dead process is taken over with a message, and report/compare refuse a results file in which a
 * job id appears twice (what two writers used to leave behind).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { resolveConfig } from '../../harness/config/schema.ts';
import { acquireRunLock, LOCK_FILE, RunLockedError } from '../../contract/lock.ts';
import { readResults, resultsPath, writeRunInfo } from '../../contract/store.ts';
import { CLI, runCli, STACK } from '../helpers/cli.ts';
import { jobLine, runInfo, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const LOCK_MODULE = join(import.meta.dirname, '..', '..', 'contract', 'lock.ts');

/** A separate process that takes the lock of `dir` and holds it until killed. */
async function lockHolder(dir: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { acquireRunLock } = await import(${JSON.stringify(LOCK_MODULE)}); acquireRunLock(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: join(import.meta.dirname, '..', '..') },
  );
  await once(child.stdout!, 'data');
  return child;
}

test("a second writer is refused naming the owner; a dead owner's lock is taken over with a message", async () => {
  const dir = tempDir('mnb-lock-');
  const holder = await lockHolder(dir);
  try {
    assert.throws(
      () => acquireRunLock(dir),
      (e: Error) => e instanceof RunLockedError && e.message.includes(`in use by PID ${holder.pid} on ${hostname()}`),
    );
  } finally {
    holder.kill('SIGKILL'); // our own child, by its PID
    await once(holder, 'exit');
  }
  assert.ok(existsSync(join(dir, LOCK_FILE)), 'SIGKILL left the lock behind');
  const lock = acquireRunLock(dir);
  assert.match(lock.tookOver!, new RegExp(`took over the lock of PID ${holder.pid} on ${hostname()} .*which no longer runs`));
  assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
  lock.release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
});

test('two `run --resume` on one folder at once: one runs, the other exits 2 naming it; no job written twice', { timeout: 120_000 }, async () => {
  const dir = tempDir('mnb-two-');
  const config = resolveConfig({
    variants: { alpha: [0.25], resolution: [128, 160] },
    implementations: ['reference'],
    sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 300, maxSamples: 50, maxTimeMs: 1000 },
    accuracy: { samples: 1 },
  });
  writeRunInfo(dir, { ...runInfo('two', ['node/reference/0.25_128', 'node/reference/0.25_160'], config), endedAt: null });
  const start = () => {
    const p = spawn(process.execPath, [CLI, 'run', '--resume', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d) => (err += d));
    return once(p, 'exit').then(([code]) => ({ code: code as number, err, pid: p.pid }));
  };
  const [a, b] = await Promise.all([start(), start()]);
  const codes = [a.code, b.code].sort();
  assert.deepEqual(codes, [0, 2], `exit codes ${a.code} and ${b.code}:\n${a.err}\n${b.err}`);
  const [winner, loser] = a.code === 0 ? [a, b] : [b, a];
  assert.match(loser.err, new RegExp(`is in use by PID ${winner.pid} on ${hostname()}.*one writer per run folder`));
  assert.doesNotMatch(loser.err, STACK);
  const ids = readResults(dir).map((r) => r.id);
  assert.deepEqual(ids.sort(), ['node/reference/0.25_128', 'node/reference/0.25_160']);
  assert.ok(!existsSync(join(dir, LOCK_FILE)), 'the winner released its lock');
});

test('report and compare refuse a results file with a job id twice, naming both lines', () => {
  const dir = writeRunFolder(tempDir('mnb-dup-'), [jobLine('node/reference/0.25_128'), jobLine('node/reference/0.5_128')]);
  writeFileSync(resultsPath(dir), readFileSync(resultsPath(dir), 'utf8') + JSON.stringify(jobLine('node/reference/0.25_128', [20, 21, 22])) + '\n');
  const before = readFileSync(resultsPath(dir), 'utf8');
  for (const args of [
    ['report', dir],
    ['compare', dir, dir],
  ]) {
    const r = runCli(args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /job node\/reference\/0\.25_128 is on lines 1 and 3: two writers ran on this folder/);
    assert.doesNotMatch(r.stderr, STACK);
  }
  assert.equal(readFileSync(resultsPath(dir), 'utf8'), before);
  assert.ok(!existsSync(join(dir, 'report.html')));
});
