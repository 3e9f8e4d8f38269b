/**
 * `run --resume` through the CLI, on real uint8 weights (issue 23): without the original
 * MOBILENET_BENCH_MIRROR it reproduces the recorded plan and files or exits 2 naming what differs;
 * options that would change the plan are refused by name; `--retry-failed` re-runs a job whose
 * weights file was corrupt and is now fixed, after which the folder reads as one result per id.
 * Each refusal leaves the run folder byte for byte as it was.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobResult } from '../../contract/results.ts';
import { readResults, readRunInfo, resultsPath } from '../../contract/store.ts';
import { loadRunFolder } from '../../reports/data.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { skipWithoutSharedData, WEIGHTS_DIR } from '../helpers/data.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { folderSnapshot } from '../helpers/run-folder.ts';

const skip = skipWithoutSharedData();
const IDS = ['node/reference/0.25_128-uint8', 'node/reference/0.25_160-uint8'];
const QUANT = (res: number) => `mobilenet_v1_0.25_${res}_quant.tflite`;

/** A work folder with a bench.config.json naming no weights (they come from the environment) and a mirror of two real uint8 files. */
function setup(prefix: string) {
  const work = tempDir(prefix);
  const mirror = join(work, 'mirror');
  mkdirSync(join(mirror, 'tflite'), { recursive: true });
  for (const res of [128, 160]) copyFileSync(join(WEIGHTS_DIR, 'tflite', QUANT(res)), join(mirror, 'tflite', QUANT(res)));
  writeFileSync(
    join(work, 'bench.config.json'),
    JSON.stringify({
      variants: { alpha: [0.25], resolution: [128, 160] },
      implementations: ['reference'],
      precision: ['uint8'],
      sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 3, minTimeMs: 0, maxSamples: 5, maxTimeMs: 1000 },
      accuracy: { samples: 1 },
    }),
  );
  return { work, mirror, dir: join(work, 'run') };
}

function dropLastLine(dir: string): void {
  const lines = readFileSync(resultsPath(dir), 'utf8').split('\n').filter(Boolean);
  writeFileSync(
    resultsPath(dir),
    lines
      .slice(0, -1)
      .map((l) => `${l}\n`)
      .join(''),
  );
}

/** `run ...args` must exit 2 with `message`, no stack, and leave `dir` exactly as it was. */
function refused(work: string, dir: string, args: string[], env: NodeJS.ProcessEnv, ...messages: RegExp[]) {
  const before = folderSnapshot(dir);
  const r = runCli(['run', ...args], { cwd: work, env });
  assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  for (const m of messages) assert.match(r.stderr, m);
  assert.doesNotMatch(r.stderr, STACK);
  assert.deepEqual(folderSnapshot(dir), before, `${args.join(' ')}: the run folder is unchanged`);
  return r;
}

test('--resume without MOBILENET_BENCH_MIRROR: the recorded mirror reproduces the plan and files; with the mirror gone, exit 2 naming the weights, nothing changed', {
  skip,
  timeout: 300_000,
}, () => {
  const { work, mirror, dir } = setup('mnb-resume-cli-');
  const first = runCli(['run', '--out', dir], { cwd: work, env: { MOBILENET_BENCH_MIRROR: mirror } });
  assert.equal(first.status, 0, first.stderr);
  const info = readRunInfo(dir);
  assert.deepEqual(info.plannedJobIds, IDS);
  assert.deepEqual(info.environment, { MOBILENET_BENCH_MIRROR: mirror }, 'run.json records what came from the environment');
  assert.equal((info.config as { weights: { mirror: string } }).weights.mirror, mirror);

  dropLastLine(dir);
  const resumed = runCli(['run', '--resume', dir], { cwd: work, env: { MOBILENET_BENCH_MIRROR: '' } });
  assert.equal(resumed.status, 0, resumed.stderr);
  const results = readResults(dir);
  assert.deepEqual(
    results.map((r) => `${r.id} ${r.status}`),
    IDS.map((id) => `${id} ok`),
  );
  assert.match(results[1].weightsSource, /^tflite:.*mirror\/tflite\/mobilenet_v1_0\.25_160_quant\.tflite/, "the resumed job ran on the recorded mirror's file");
  assert.equal(readFileSync(resultsPath(dir), 'utf8').split('\n').filter(Boolean).length, 2);

  // The mirror moves away: the same resume now refuses instead of running on something else.
  dropLastLine(dir);
  renameSync(mirror, `${mirror}.moved`);
  refused(
    work,
    dir,
    ['--resume', dir],
    { MOBILENET_BENCH_MIRROR: '' },
    /cannot resume .*: the plan made now differs from the one its run\.json recorded/,
    /weights of 0\.25_160:uint8: run\.json recorded tflite .*mobilenet_v1_0\.25_160_quant\.tflite \(sha256 [0-9a-f]{12}…\), the plan now loads none \(weights not available/,
    /Nothing in .* was changed\. Restore what the run used \(run\.json records the mirror /,
  );
});

test('options that would change the plan are refused with --resume by name; --workers is allowed; --retry-failed needs --resume; a new run into it is refused', {
  skip,
  timeout: 300_000,
}, () => {
  const { work, mirror, dir } = setup('mnb-resume-opts-');
  const env = { MOBILENET_BENCH_MIRROR: mirror };
  assert.equal(runCli(['run', '--out', dir], { cwd: work, env }).status, 0);
  refused(
    work,
    dir,
    ['--resume', dir, '--impl', 'ort-node:cpu', '--alpha', '0.5'],
    env,
    /--resume continues .* exactly as its run\.json recorded it \(configuration, weights, folder\), so --impl, --alpha would change its plan and are not accepted with it\. Leave them out to continue the run \(--workers and --retry-failed are allowed\), or start a new run with them instead of --resume\./,
  );
  for (const args of [
    ['--weights-mirror', mirror],
    ['--quick'],
    ['-c', 'bench.config.json'],
    ['--repeats', '2'],
    ['--eval-set', work],
    ['--crop', '1'],
    ['--out', join(work, 'other')],
  ]) {
    const flag = args[0] === '-c' ? '--config' : args[0];
    refused(work, dir, ['--resume', dir, ...args], env, new RegExp(`so ${flag} would change its plan and is not accepted with it`));
  }
  const before = readFileSync(resultsPath(dir), 'utf8');
  const ok = runCli(['run', '--resume', dir, '--workers', '1'], { cwd: work, env });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(resultsPath(dir), 'utf8'), before, 'a finished run resumed: nothing to run, nothing written twice');
  const noResume = runCli(['run', '--retry-failed'], { cwd: work, env });
  assert.equal(noResume.status, 2);
  assert.match(noResume.stderr, /--retry-failed re-runs the failed and invalid jobs of an existing run: give the run folder with --resume DIR/);
  // A new run into a folder that holds results: refused before anything is written, with the way on and no stack.
  const again = runCli(['run', '--out', dir], { cwd: work, env });
  assert.equal(again.status, 2, again.stderr);
  assert.doesNotMatch(again.stderr, STACK);
  assert.match(again.stderr, /already holds results; use --resume .* to continue it, or another --out/);
  assert.equal(readFileSync(resultsPath(dir), 'utf8'), before, 'nothing written into the folder');
});

test('--retry-failed: a job on a corrupt weights file fails (exit 1); fixed, plain --resume exits 2 pointing at --retry-failed, which re-runs it; one result per id after', {
  skip,
  timeout: 300_000,
}, () => {
  const { work, mirror, dir } = setup('mnb-retry-cli-');
  const env = { MOBILENET_BENCH_MIRROR: mirror };
  const file = join(mirror, 'tflite', QUANT(128));
  const good = readFileSync(file);
  writeFileSync(file, good.subarray(0, 1000));
  const first = runCli(['run', '--out', dir], { cwd: work, env });
  assert.equal(first.status, 1, `a failed job is exit 1\n${first.stderr}`);
  assert.deepEqual(
    readResults(dir).map((r) => `${r.id} ${r.status}`),
    [`${IDS[0]} failed`, `${IDS[1]} ok`],
  );

  writeFileSync(file, good);
  refused(
    work,
    dir,
    ['--resume', dir],
    env,
    /weights of 0\.25_128:uint8: run\.json recorded tflite .* the plan now loads tflite /,
    /add --retry-failed to re-run them on the new files/,
  );

  const retried = runCli(['run', '--resume', dir, '--retry-failed'], { cwd: work, env });
  assert.equal(retried.status, 0, retried.stderr);
  const lines = readFileSync(resultsPath(dir), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JobResult);
  assert.deepEqual(
    lines.map((l) => `${l.id} ${l.status} ${l.attempt ?? 1}`),
    [`${IDS[0]} failed 1`, `${IDS[1]} ok 1`, `${IDS[0]} ok 2`],
    'appended, the failed attempt kept as history',
  );
  assert.deepEqual(
    readResults(dir).map((r) => `${r.id} ${r.status}`),
    IDS.map((id) => `${id} ok`),
    'one result per id',
  );
  assert.equal(readRunInfo(dir).weights!.find((w) => w.variant === '0.25_128')!.sha256, createHash('sha256').update(good).digest('hex'));
  // Reports and compare read through readResults: the report's data holds the retried job once, as ok.
  assert.deepEqual(
    loadRunFolder(dir).results.map((r) => `${r.id} ${r.status}`),
    IDS.map((id) => `${id} ok`),
  );
  const rep = runCli(['report', dir], { cwd: work });
  assert.equal(rep.status, 0, rep.stderr);
  const cmp = runCli(['compare', dir, dir], { cwd: work });
  // Five samples are too few to judge, but compare read the folder: two jobs, not three lines or "two writers".
  assert.doesNotMatch(cmp.stderr, /is on lines|two writers/);
  assert.match(`${cmp.stdout}${cmp.stderr}`, /\b2 jobs\b/);
});
