/**
 * A harness stopped by SIGTERM (a CI timeout, a `kill`) in the middle of a phone-emulated job
 * takes its Appium server, chromedriver and Chromium with it: nothing it started keeps running
 * or keeps a port.
 */
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { descendantsOf } from '../../runners/procfs.ts';
import { removeRunDirs, skipWithoutPhoneStandIn, tempRunDir } from './helpers.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

after(removeRunDirs);

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'mobilenet-bench.js');

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

test('SIGTERM mid-job: the Appium server and the browsers it started go with the harness', { skip: skipWithoutPhoneStandIn(), timeout: 120_000 }, async () => {
  const dir = tempRunDir('sigterm');
  // A TMPDIR of its own: the phone's profile folder and Chromium's singleton folder must not be left there.
  const tmp = tempDir('mnb-ptmp-'); // short: Chromium's singleton socket path lies below it
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--target', 'phone-emulated', '--impl', 'reference', '--alpha', '0.25', '--resolution', '128', '-o', dir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  let started: number[] = [];
  for (let i = 0; i < 600 && started.length === 0; i++) {
    await sleep(100);
    const procs = descendantsOf(child.pid!);
    // The job is running once the phone's page has a renderer.
    if (procs.some((p) => /--type=renderer/.test(p.cmdline))) started = procs.map((p) => p.pid);
  }
  assert.ok(started.length >= 3, `the job started (appium, chromedriver, chromium): ${out}`);
  child.kill('SIGTERM');
  assert.equal(await exited, 143, out);
  for (let i = 0; i < 50 && started.some(alive); i++) await sleep(100);
  assert.deepEqual(
    started.filter(alive).map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 3).join(' ')),
    [],
  );
  assert.match(out, /mobilenet-bench run --resume/);
  assert.deepEqual(
    readdirSync(tmp).filter((f) => /^(mnb-phone-|org\.chromium\.Chromium\.)/.test(f)),
    [],
    `no profile or singleton folder left in ${tmp}`,
  );
  assert.doesNotMatch(out, /^\s+at .+[(:]\d+/m, 'no stack trace printed at exit');
});
