/**
 * The harness touches only what it started, and leaves nothing behind: a job's process dies with
 * the CLI (even when a signal hits the CLI alone), Ctrl-C says how to resume, browser profile
 * folders go on every exit path, and the run folder's lock is released.
 */
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findBrowserExecutable } from '../../harness/browsers.ts';
import { LOCK_FILE } from '../../contract/lock.ts';
import { readResults } from '../../contract/store.ts';
import { CLI } from '../helpers/cli.ts';
import { alive } from '../helpers/processes.ts';

const SLOW = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 100000, minTimeMs: 60000, maxSamples: 100000, maxTimeMs: 60000 };

/** Children of `pid` (from /proc): processes the test's own CLI started. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

/** The job process among the children of our CLI (its other children: tsx's esbuild service, browsers). */
function jobChildOf(pid: number): number {
  return (
    childrenOf(pid).find((c) => {
      try {
        return /node-job\.[jt]s/.test(readFileSync(`/proc/${c}/cmdline`, 'utf8'));
      } catch {
        return false;
      }
    }) ?? 0
  );
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (check()) return true;
  return check();
}

/** The environment a user's shell would give the CLI (without the test runner's own variables). */
function userEnv(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _runner, ...env } = process.env;
  return env;
}

/** The CLI running `run` on `config` in a fresh folder with its own TMPDIR, in its own process group; after the test, what is left of it goes and so does the folder. */
function startRun(t: TestContext, config: unknown) {
  const work = mkdtempSync(join(tmpdir(), 'mnb-proc-'));
  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  // No ceilings pass before the first job: the process these tests signal must be the job's own.
  writeFileSync(join(work, 'bench.config.json'), JSON.stringify({ ceilings: false, ...(config as object) }));
  const dir = join(work, 'run');
  const cli = spawn(process.execPath, [CLI, 'run', '--out', dir], {
    cwd: work,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...userEnv(), TMPDIR: tmp },
  });
  t.after(() => teardown(cli, work));
  let stderr = '';
  cli.stderr!.on('data', (d) => (stderr += d));
  cli.stdout!.resume();
  return { cli, dir, tmp, stderr: () => stderr };
}

/**
 * After the test (passed or failed): kill what is left of the CLI's process group and any
 * process started with a path inside our folder (a browser runs in a group of its own), wait for
 * them to exit, then remove the folder.
 */
async function teardown(cli: ChildProcess, work: string) {
  const ours = [...new Set([...(cli.pid ? [-cli.pid] : []), ...startedIn(work)])];
  for (const pid of ours) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await until(() => ours.every((p) => p < 0 || !alive(p)), 10_000);
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}

/** Processes whose command line names a path inside `folder` (a folder this test made). */
function startedIn(folder: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(`${folder}/`) ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

test('SIGKILL to the CLI alone: its job process exits within seconds instead of running on orphaned', { timeout: 60_000 }, async (t) => {
  const { cli } = startRun(t, { variants: { alpha: [1], resolution: [224] }, implementations: ['reference'], sampling: SLOW, accuracy: { samples: 1 } });
  let job = 0;
  assert.ok(await until(() => (job = jobChildOf(cli.pid!)) > 0, 30_000), 'the job process started');
  await sleep(8000); // well into sampling (earlier, while loading, an orphan still stops by itself)
  assert.ok(alive(job));
  process.kill(cli.pid!, 'SIGKILL'); // the CLI only, not its group
  await once(cli, 'exit');
  assert.ok(await until(() => !alive(job), 5000), `job process ${job} still runs after its parent died`);
});

test('Ctrl-C (SIGINT to the CLI alone) in a Node job: says how to resume, exit 130, job process gone, lock released; the resume finishes', {
  timeout: 120_000,
}, async (t) => {
  const fast = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 200, maxSamples: 20, maxTimeMs: 1000 };
  const { cli, dir, stderr } = startRun(t, {
    variants: { alpha: [0.25, 1], resolution: [128, 224] },
    implementations: ['reference'],
    order: { mode: 'grouped' },
    sampling: fast,
    accuracy: { samples: 1 },
  });
  // Wait for a finished job and a running one.
  assert.ok(await until(() => existsSync(join(dir, 'results.jsonl')) && jobChildOf(cli.pid!) > 0, 60_000), 'a job finished and the next one runs');
  const job = jobChildOf(cli.pid!);
  process.kill(cli.pid!, 'SIGINT');
  const [code] = await once(cli, 'exit');
  assert.equal(code, 130);
  assert.match(
    stderr(),
    new RegExp(
      `Interrupted \\(SIGINT\\)\\. \\d+ jobs? finished in this session; every finished job is saved in ${dir.replace(/[./]/g, '\\$&')}/results\\.jsonl\\.\nContinue with:\n  mobilenet-bench run --resume ${dir.replace(/[./]/g, '\\$&')}`,
    ),
  );
  assert.ok(await until(() => !alive(job), 5000), 'the job process went with the CLI');
  assert.ok(!existsSync(join(dir, LOCK_FILE)), 'lock released');
  const kept = readResults(dir).length;
  assert.ok(kept >= 1 && kept < 4);
});

const chromium = findBrowserExecutable('chromium');
test('Ctrl-C and SIGTERM during a Chromium job: the browser profile folder is removed and the browser is gone', {
  timeout: 180_000,
  skip: chromium ? false : 'no Chromium here (CI installs Debian chromium)',
}, async (t) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const { cli, tmp, stderr } = startRun(t, {
      targets: [{ type: 'chromium' }],
      variants: { alpha: [1], resolution: [224] },
      implementations: ['reference'],
      sampling: SLOW,
      accuracy: { samples: 1 },
    });
    const profiles = () => readdirSync(tmp).filter((f) => f.startsWith('mnb-chromium-'));
    assert.ok(await until(() => profiles().length > 0, 90_000), `a profile folder appears in ${tmp}`);
    await sleep(3000); // the page is loading or sampling
    const browserPids = childrenOf(cli.pid!);
    process.kill(cli.pid!, signal);
    const [code] = await once(cli, 'exit');
    assert.equal(code, signal === 'SIGINT' ? 130 : 143, stderr());
    assert.match(stderr(), /Continue with:\n {2}mobilenet-bench run --resume /);
    assert.deepEqual(profiles(), [], `no profile folder left after ${signal}; the CLI said:\n${stderr()}`);
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.startsWith('org.chromium.Chromium.')),
      [],
      `no Chromium singleton folder left in ${tmp} after ${signal}`,
    );
    assert.doesNotMatch(stderr(), /^\s+at .+[(:]\d+/m, `no stack trace printed at exit after ${signal}`);
    assert.ok(await until(() => browserPids.every((p) => !alive(p)), 10_000), `the browser exited after ${signal}`);
  }
});
