/**
 * Browser profile folders go only once what writes into them has exited: a "browser" here is a
 * shell whose children keep creating files in the folder (as Chromium's zygote and renderers do
 * after its main process is killed). The folder, its Chromium singleton folder and the writers
 * must all be gone, on removeTempDir and at exit, with no stack printed.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTempDir, removeTempDir, tieTempDir } from '../../runners/temp-dir.ts';
import { alive } from '../helpers/processes.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/**
 * Two background loops writing files into $D as fast as they can, in the shell's process group;
 * they carry on when the folder vanishes (`true`, not `:`: a failed redirection of a special
 * built-in would end the shell) and make it again, as a browser does.
 */
const WRITERS = 'w() { i=0; while :; do i=$(((i + 1) % 200)); mkdir -p "$D/$1" 2>/dev/null; true > "$D/$1/f$i" 2>/dev/null; done; }; w a & w b & wait';

/** Process IDs in the process group `pgid` (from /proc). */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid && alive(Number(d)) ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

/** A fake Chromium singleton folder in the profile's temp dir, linked from the profile as Chromium does. */
function fakeSingleton(profile: string): string {
  const singleton = join(profile, '..', `org.chromium.Chromium.${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(singleton);
  writeFileSync(join(singleton, 'SingletonSocket'), '');
  symlinkSync(join(singleton, 'SingletonSocket'), join(profile, 'SingletonSocket'));
  return singleton;
}

test("removeTempDir: the tied browser's whole process group and any process naming the folder are killed and gone before the folder is removed", async (t) => {
  const dir = makeTempDir('mnb-tdtest-');
  const singleton = fakeSingleton(dir);
  // The "browser": a group leader (as puppeteer starts it) whose children do not name the folder.
  const browser = spawn('sh', ['-c', WRITERS], { detached: true, stdio: 'ignore', env: { ...process.env, D: dir } });
  // Another writer not tied to it, started with the folder on its command line (as chromedriver's Chromium is).
  const named = spawn('sh', ['-c', 'while :; do true > "$1/named" 2>/dev/null; done', 'sh', dir], { stdio: 'ignore' });
  t.after(() => {
    for (const pid of [-browser.pid!, named.pid!])
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  });
  tieTempDir(dir, browser);
  await sleep(300);
  const members = groupMembers(browser.pid!);
  assert.ok(members.length >= 3, `the browser and its two writers run (${members})`);
  assert.ok(readdirSync(dir).length > 1, 'they write into the folder');
  await removeTempDir(dir);
  assert.equal(existsSync(dir), false, 'the profile folder is gone');
  assert.equal(existsSync(singleton), false, 'its Chromium singleton folder is gone');
  assert.deepEqual(members.filter(alive), [], "every process of the browser's group exited");
  assert.equal(alive(named.pid!), false, 'the process naming the folder exited');
});

test('at exit: a folder whose browser still writes into it is removed, the browser is gone, and nothing is printed', { timeout: 60_000 }, async (t) => {
  const tmp = tempDir('mnb-tdexit-');
  const script = [
    "import { spawn } from 'node:child_process';",
    `import { makeTempDir, tieTempDir } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'runners', 'temp-dir.ts'))};`,
    "const dir = makeTempDir('mnb-chromium-');",
    `const b = spawn('sh', ['-c', ${JSON.stringify(WRITERS)}], { detached: true, stdio: 'ignore', env: { ...process.env, D: dir } });`,
    'tieTempDir(dir, b);',
    'console.log(b.pid);',
    'setTimeout(() => process.exit(3), 500);',
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  const browser = Number(out.trim());
  t.after(() => {
    try {
      process.kill(-browser, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  assert.equal(code, 3, err);
  assert.equal(err, '', 'nothing printed at exit');
  assert.ok(browser > 0);
  assert.deepEqual(groupMembers(browser), [], "the browser's group exited with the harness");
  assert.deepEqual(
    readdirSync(tmp).filter((f) => f.startsWith('mnb-chromium-')),
    [],
    'the profile folder is gone',
  );
});
