/**
 * The results store under faults: a last line missing only its newline, a garbage line, a
 * truncated run.json, a full disk, a read-only folder. Nothing written is lost or invented, a
 * refused command changes nothing on disk, and the user gets a message and exit 2, not a stack.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import fs, { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import type { Job } from '../../harness/plan.ts';
import { runBenchmark } from '../../harness/run.ts';
import { appendResult, readResults, readRunInfo, resultsPath, runInfoPath, StoreWriteError } from '../../contract/store.ts';
import { renderReport, writeReport } from '../../reports/build.ts';
import type { Runner } from '../../harness/runner.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { jobLine, folderSnapshot } from '../helpers/run-folder.ts';
import { mountTmpfs } from '../helpers/tmpfs.ts';
import { tempDir, tempRunDir } from '../helpers/temp-dirs.ts';

const CONFIG = resolveConfig({ variants: { alpha: [0.25, 0.5], resolution: [128, 160] }, implementations: ['reference'] });
const IDS = ['node/reference/0.25_128', 'node/reference/0.25_160', 'node/reference/0.5_128', 'node/reference/0.5_160'];

/**
 * A runner that answers each job at once with a fixed result line (`samples` latency samples):
 * these tests are about what the store does with results, not about measuring.
 */
function answering(calls: string[], samples = 5) {
  return (): Runner => ({
    runJob: async (job: Job) => {
      calls.push(job.id);
      return jobLine(
        job.id,
        Array.from({ length: samples }, (_, i) => 10 + (i % 7) * 0.123456789),
      );
    },
    close: async () => {},
  });
}

test('a complete last line missing only its newline is kept: report shows it and --resume does not run it again', async () => {
  const dir = tempRunDir('mnb-nl-');
  const calls: string[] = [];
  await runBenchmark({ config: CONFIG, runnerFor: answering(calls), outDir: dir });
  assert.equal(calls.length, 4);
  const text = readFileSync(resultsPath(dir), 'utf8');
  writeFileSync(resultsPath(dir), text.slice(0, -1)); // the newline of the last line lost
  assert.equal(readResults(dir).length, 4);
  assert.match(renderReport(dir, 'markdown'), /\*\*4 ok\*\*/);
  const again: string[] = [];
  await runBenchmark({ config: CONFIG, runnerFor: answering(again), resumeDir: dir });
  assert.deepEqual(again, [], 'no job run twice');
  assert.equal(readFileSync(resultsPath(dir), 'utf8'), text, 'the newline is restored, nothing else changes');
});

test('a line cut by a crash is still dropped and its job run again on resume', async () => {
  const dir = tempRunDir('mnb-cut-');
  await runBenchmark({ config: CONFIG, runnerFor: answering([]), outDir: dir });
  const text = readFileSync(resultsPath(dir), 'utf8');
  writeFileSync(resultsPath(dir), text.slice(0, -40));
  assert.equal(readResults(dir).length, 3);
  const again: string[] = [];
  await runBenchmark({ config: CONFIG, runnerFor: answering(again), resumeDir: dir });
  assert.equal(again.length, 1);
  assert.deepEqual(
    readResults(dir)
      .map((r) => r.id)
      .sort(),
    [...IDS].sort(),
  );
});

test('a resume refused for a garbage line in the middle changes nothing on disk (library and CLI)', async () => {
  const dir = tempRunDir('mnb-garbage-');
  await runBenchmark({ config: CONFIG, runnerFor: answering([]), outDir: dir });
  const lines = readFileSync(resultsPath(dir), 'utf8').split('\n');
  // Garbage in the middle and a torn tail: the refusal must not even repair the tail.
  writeFileSync(resultsPath(dir), [lines[0], 'garbage', ...lines.slice(1, 3)].join('\n') + '\n' + lines[3].slice(0, 30));
  const before = folderSnapshot(dir);
  const calls: string[] = [];
  await assert.rejects(runBenchmark({ config: CONFIG, runnerFor: answering(calls), resumeDir: dir }), /results\.jsonl:2: not valid JSON/);
  assert.deepEqual(calls, []);
  assert.deepEqual(folderSnapshot(dir), before, 'run.json, results.jsonl and the folder unchanged; no lock left');

  const cli = runCli(['run', '--resume', dir]);
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /results\.jsonl:2: not valid JSON; fix or delete that line/);
  assert.doesNotMatch(cli.stderr, STACK);
  assert.deepEqual(folderSnapshot(dir), before);
});

test('a truncated or invalid run.json: run --resume, report and compare exit 2 naming the file, no stack', async () => {
  const dir = tempRunDir('mnb-runjson-');
  await runBenchmark({ config: CONFIG, runnerFor: answering([]), outDir: dir });
  const good = readFileSync(runInfoPath(dir), 'utf8');
  for (const [what, text] of [
    ['truncated', good.slice(0, good.length / 2)],
    ['invalid', '{"schemaVersion":1}'],
  ] as const) {
    writeFileSync(runInfoPath(dir), text);
    const before = folderSnapshot(dir);
    for (const args of [
      ['run', '--resume', dir],
      ['report', dir],
      ['compare', dir, dir],
    ]) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args[0]} on a ${what} run.json: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${runInfoPath(dir).replace(/[./]/g, '\\$&')}: ${what === 'truncated' ? 'not valid JSON' : 'runId'}`));
      assert.doesNotMatch(r.stderr, STACK);
    }
    assert.deepEqual(folderSnapshot(dir), before, `nothing written after a ${what} run.json`);
  }
});

test('a write error mid-line (injected ENOSPC after half a line) leaves the file as it was and says so', () => {
  const dir = tempDir('mnb-inject-');
  appendResult(dir, jobLine(IDS[0]));
  const before = readFileSync(resultsPath(dir));
  const real = fs.writeSync;
  let calls = 0;
  // The first write gets half the bytes through, the next finds the disk full: a torn line on disk.
  (fs as { writeSync: unknown }).writeSync = (fd: number, buf: Uint8Array, off = 0, len = buf.byteLength - off) => {
    if (calls++ === 0) return real(fd, buf, off, Math.floor(len / 2));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  syncBuiltinESMExports();
  try {
    assert.throws(
      () => appendResult(dir, jobLine(IDS[1])),
      (e: Error) =>
        e instanceof StoreWriteError &&
        /cannot write .*results\.jsonl: no space left on the device \(ENOSPC\)\. Every result written before is intact; .*--resume/.test(e.message),
    );
  } finally {
    (fs as { writeSync: unknown }).writeSync = real;
    syncBuiltinESMExports();
  }
  assert.ok(calls >= 2, 'the injected error was hit');
  assert.deepEqual(readFileSync(resultsPath(dir)), before, 'the half line was cut away');
});

test('disk full (a real 160 KiB tmpfs) mid-run: exit-2 error, whole lines only, no temp or empty files; resume finishes with no duplicate', async (t) => {
  const fsys = mountTmpfs(160);
  if (typeof fsys === 'string') return t.skip(fsys);
  try {
    const dir = join(fsys.dir, 'run');
    const calls: string[] = [];
    // ~65 KB a line: two fit, the third does not.
    await assert.rejects(runBenchmark({ config: CONFIG, runnerFor: answering(calls, 5000), outDir: dir }), (e: Error) => {
      assert.equal(e.name, 'StoreWriteError');
      assert.match(
        e.message,
        /cannot write .*results\.jsonl: no space left on the device \(ENOSPC\)\. Every result written before is intact; free space .* then continue with `mobilenet-bench run --resume /,
      );
      return true;
    });
    const kept = readResults(dir);
    assert.equal(readFileSync(resultsPath(dir), 'utf8').split('\n').length - 1, kept.length, 'only whole lines');
    assert.ok(kept.length >= 1 && kept.length < 4, `${kept.length} lines kept`);
    assert.deepEqual(readdirSync(dir).sort(), ['results.jsonl', 'run.json'], 'no temp file, no lock left');
    for (const f of readdirSync(dir)) assert.ok(statSync(join(dir, f)).size > 0, `${f} is not empty`);
    assert.equal(readRunInfo(dir).endedAt, null);

    fsys.resize(2048);
    const rest: string[] = [];
    await runBenchmark({ config: CONFIG, runnerFor: answering(rest, 5000), resumeDir: dir });
    assert.equal(rest.length, 4 - kept.length, 'only the jobs not written run again');
    assert.deepEqual(
      readResults(dir)
        .map((r) => r.id)
        .sort(),
      [...IDS].sort(),
    );

    // report.html on a full disk: the previous report stays whole, no temp file.
    writeFileSync(join(dir, 'report.html'), '<p>previous report</p>');
    // Room for the results, not for a ~1 MB self-contained report.
    fsys.resize(Math.ceil((statSync(resultsPath(dir)).size + statSync(runInfoPath(dir)).size) / 1024) + 24);
    assert.throws(
      () => writeReport(dir),
      /cannot write .*report\.html: no space left on the device \(ENOSPC\)\. Every result written before is intact; the previous .*report\.html \(if any\) is untouched/,
    );
    assert.equal(readFileSync(join(dir, 'report.html'), 'utf8'), '<p>previous report</p>');
    assert.ok(!readdirSync(dir).some((f) => f.includes('.tmp')), 'no temp file left');
  } finally {
    fsys.unmount();
  }
});

test('a read-only run folder (tmpfs remounted ro): run --resume exits 2 naming EROFS and changes nothing', async (t) => {
  const fsys = mountTmpfs(512);
  if (typeof fsys === 'string') return t.skip(fsys);
  try {
    const dir = join(fsys.dir, 'run');
    await runBenchmark({ config: CONFIG, runnerFor: answering([]), outDir: dir });
    writeFileSync(resultsPath(dir), readFileSync(resultsPath(dir), 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
    const before = folderSnapshot(dir);
    fsys.readOnly(true);
    const r = runCli(['run', '--resume', dir]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /cannot write .*run\.lock: the file system is read-only \(EROFS\)/);
    assert.doesNotMatch(r.stderr, STACK);
    assert.deepEqual(folderSnapshot(dir), before);
  } finally {
    fsys.readOnly(false);
    fsys.unmount();
  }
});
