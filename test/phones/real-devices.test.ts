/**
 * `--target android` and `--target ios` on a machine without a phone: the UiAutomator2 and
 * XCUITest drivers are real npm dependencies, so sessions are really attempted against the
 * harness's own Appium server, and every job fails fast with the driver's words and the fix;
 * the run writes its results and exits 1, like any failed job.
 */
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageInstalled } from '../../harness/browsers.ts';
import { readResults, readRunInfo } from '../../contract/store.ts';
import { removeRunDirs, tempRunDir } from './helpers.ts';

after(removeRunDirs);

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'mobilenet-bench.js');

const skip =
  !packageInstalled('appium') || !packageInstalled('appium-uiautomator2-driver') || !packageInstalled('appium-xcuitest-driver')
    ? 'appium and its uiautomator2/xcuitest drivers are not installed: run `npm ci`'
    : process.platform === 'darwin'
      ? 'on macOS an iOS session may really start (Xcode): this test is about machines without phones'
      : false;

test("--target android,ios without phones: each job fails within 60 s with the driver's message and the fix; exit 1; results written", {
  skip,
  timeout: 150_000,
}, async () => {
  const dir = tempRunDir('phones');
  // No SDK in sight, whatever this machine has: the failure must be the missing SDK.
  const env = { ...process.env };
  delete env.ANDROID_HOME;
  delete env.ANDROID_SDK_ROOT;
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--target', 'android,ios', '--impl', 'reference,ort-web:wasm', '--alpha', '0.25', '--resolution', '128', '--quick', '-o', dir],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  assert.ok(Date.now() - t0 < 120_000, `the run took ${Date.now() - t0} ms`);
  assert.equal(code, 1, out);
  const results = readResults(dir);
  assert.equal(results.length, 4);
  // Phones download the page: run.json records its size.
  assert.ok(readRunInfo(dir).pageBundle!.totalBytes > 1e6);
  for (const r of results) {
    assert.equal(r.status, 'failed');
    assert.ok(r.durationMs < 60_000, `${r.id} took ${r.durationMs} ms`);
    assert.equal(r.device!.emulated, false);
    assert.match(r.device!.serverUrl!, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    if (r.target === 'android') {
      assert.match(r.error!, /could not open a WebDriver session .*(ANDROID_HOME|ANDROID_SDK_ROOT|connected Android device)/);
      assert.match(r.error!, /Fix: .*Android SDK .*adb devices/);
      assert.equal(r.device!.platform, 'android');
    } else {
      assert.match(r.error!, /could not open a WebDriver session .*macOS with Xcode/);
      assert.match(r.error!, /Fix: real iPhones need macOS with Xcode/);
      assert.equal(r.device!.platform, 'ios');
    }
    // Readings were attempted and say why there are none.
    assert.ok(r.thermal!.before[0].unavailable, 'thermal reading says why it is unavailable');
  }
});
