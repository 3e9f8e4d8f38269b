/**
 * A hostile board (issue 23 items 1–3), end to end through the CLI against the Pi stand-in: the
 * board's `node` is a wrapper that prints a malformed result line, never answers, or prints a
 * 200 MB stream with no newline. Each fails only the board's job with a message naming the
 * target and the problem; the Node target beside it still runs; both results are kept; the CLI
 * exits 1 and its memory stays bounded. The wrappers answer the version check themselves, so
 * no emulated Node starts (only the local Node job computes). Skips where the stand-in cannot start.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { piStandinUnavailable, standinConfig, standinDown, standinUp, type PiStandin } from '../standins/pi.ts';
import { readResults, readRunInfo } from '../../contract/store.ts';
import { CLI, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const unavailable =
  piStandinUnavailable() || (!existsSync('/usr/bin/time') ? "/usr/bin/time is missing (Debian package time): it measures the CLI's peak RSS" : false);
const TINY = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 3, minTimeMs: 0, maxTimeMs: 2000 };
/** Answers `node -p …` (the version check) like an arm64 Node 20, so no emulated Node has to start. */
const VERSION_CHECK = 'if [ "$1" = "-p" ]; then echo "v20.20.2 linux arm64"; exit 0; fi';

describe('a hostile board through the CLI (Pi stand-in)', { skip: unavailable }, () => {
  let s: PiStandin;
  let work: string;
  let base: Record<string, unknown>;

  before(async () => {
    work = tempDir('mnb-untrusted-board-');
    s = await standinUp(join(work, 'standin'), join(work, 'pi.config.json'));
    base = (standinConfig(s).targets as Array<Record<string, unknown>>)[0];
  });
  after(() => {
    if (work) {
      standinDown(join(work, 'standin'), join(work, 'pi.config.json'));
      rmSync(work, { recursive: true, force: true });
    }
  });

  /** A wrapper for the board's `node`. */
  const wrapper = (name: string, body: string): string => {
    const file = join(work, `${name}-node`);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  /** Run the CLI on the board target (plus a local Node target) under /usr/bin/time; its status, output, peak RSS and run folder. */
  const runCli = (name: string, node: string, { withLocal = true, nodeCheckTimeoutMs = undefined as number | undefined } = {}) => {
    const config = join(work, `${name}.config.json`);
    writeFileSync(
      config,
      JSON.stringify({
        workers: 1,
        targets: [{ ...base, name, node, ...(nodeCheckTimeoutMs ? { nodeCheckTimeoutMs } : {}) }, ...(withLocal ? [{ type: 'node', name: 'local' }] : [])],
        implementations: ['reference'],
        variants: { alpha: [0.25], resolution: [128] },
        sampling: TINY,
        accuracy: { samples: 1 },
      }),
    );
    const out = join(work, `${name}-run`);
    const started = Date.now();
    const r = spawnSync('/usr/bin/time', ['-f', 'MNB_PEAK_KB=%M', process.execPath, CLI, 'run', '-c', config, '-o', out], {
      encoding: 'utf8',
      timeout: 400_000,
      env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
    });
    const peakKb = Number(/MNB_PEAK_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, peakKb, seconds: (Date.now() - started) / 1000, out };
  };

  const assertBothKept = (run: ReturnType<typeof runCli>, board: string) => {
    assert.equal(run.status, 1, `exit 1: a job failed\n${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(`${run.stdout}${run.stderr}`, /ZodError/);
    assert.doesNotMatch(run.stderr, STACK, 'no stack trace');
    const lines = readResults(run.out);
    assert.deepEqual(lines.map((l) => l.target).sort(), [board, 'local'].sort(), 'both jobs have their line');
    assert.equal(lines.find((l) => l.target === 'local')!.status, 'ok', 'the Node target finished');
    assert.ok(readRunInfo(run.out).endedAt, 'the run ended and says so in run.json');
    const failed = lines.find((l) => l.target === board)!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.id, `${board}/reference/0.25_128`, 'recorded under its own job id');
    assert.doesNotMatch(failed.error!, /\n\s+at /);
    assert.ok(run.stdout.includes(`${run.out}/results.jsonl`), 'the CLI says where the results are');
    return failed;
  };

  test('1. a board printing a malformed result line fails only its job; the Node target runs; both results are kept', () => {
    const node = wrapper(
      'garbage',
      `${VERSION_CHECK}\nhead -n 1 >/dev/null\necho '{"type":"device","machine":"aarch64","node":"v20.20.2"}'\necho '{"type":"result","result":{"id":"bogus","status":"ok"}}'`,
    );
    const run = runCli('pi-garbage', node);
    const failed = assertBothKept(run, 'pi-garbage');
    assert.match(
      failed.error!,
      new RegExp(
        `^pi-garbage: the job's process on ${s.host.replace(/\./g, '\\.')} sent what cannot be accepted: its result does not match the results schema: schemaVersion: `,
      ),
    );
    assert.ok(failed.error!.length < 600, `short: ${failed.error}`);
  });

  test("2. a board whose node never answers fails within the version check's limit, and the run ends", () => {
    const node = wrapper('hang', 'exec sleep 100000');
    // A short limit: the test is about what happens when it passes, not about the default's length.
    const run = runCli('pi-hang', node, { nodeCheckTimeoutMs: 5000 });
    const failed = assertBothKept(run, 'pi-hang');
    assert.match(
      failed.error!,
      /^pi-hang: the Node version check \(`.*hang-node -p process\.version`\) on [\d.]+ did not finish within 5 s and was stopped \(is the target's node a working Node ≥ 20\?/,
    );
    assert.ok(run.seconds < 300, `the run ended after ${run.seconds} s`);
  });

  test('3. a board printing a 200 MB stream with no newline: its job is stopped at the 16 MiB line cap and the CLI stays under 300 MB', (t) => {
    const node = wrapper('stream', `${VERSION_CHECK}\nhead -c 200000000 /dev/zero`);
    const run = runCli('pi-stream', node, { withLocal: false });
    assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
    const [failed] = readResults(run.out);
    assert.equal(failed.status, 'failed');
    assert.match(
      failed.error!,
      /^pi-stream: the job's process on [\d.]+ sent what cannot be accepted: it printed a line of more than 16\.0 MiB \([\d.]+ MiB without a newline\), over the limit of a result line; the job's process was stopped/,
    );
    assert.ok(Number.isFinite(run.peakKb), `peak RSS measured: ${run.stderr.slice(-300)}`);
    t.diagnostic(`the CLI's peak RSS: ${Math.round(run.peakKb / 1024)} MB`);
    assert.ok(run.peakKb < 300 * 1024, `the CLI's peak RSS was ${Math.round(run.peakKb / 1024)} MB`);
    assert.ok(readRunInfo(run.out).endedAt);
    assert.ok(!readFileSync(join(run.out, 'results.jsonl'), 'utf8').includes('\0'), 'none of the stream reached the results');
  });
});
