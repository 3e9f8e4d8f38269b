/**
 * `ab` on WebKit (MiniBrowser through WebKitWebDriver), end to end: each side's workers are
 * WebDriver sessions, each on a WebKitWebDriver of its own (it serves one session at a time). One
 * comparison of two jobs: side B's MiniBrowser runs with JavaScriptCore's optimizing WebAssembly
 * compiler off (`JSC_useOMGJIT=false`, a real engine setting, through a wrapper set as the target's
 * browserPath by a `config:` overlay), so its ort-web job (WebAssembly) is slower, while the
 * reference job (plain JavaScript, which that compiler never touches) is the A/A control.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findBrowserExecutable } from '../../harness/browsers.ts';
import { MINIBROWSER_PATHS } from '../../runners/webkit.ts';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { NO_CHANGE, verdictsOf } from './webdriver-ab.ts';

const minibrowser = MINIBROWSER_PATHS.find((p) => existsSync(p));
const skip = !findBrowserExecutable('webkit')
  ? 'no WebKitWebDriver: install webkit2gtk-driver (and xvfb xauth) to run the WebKit A/B test'
  : !minibrowser
    ? 'no MiniBrowser: install webkit2gtk-driver to run the WebKit A/B test'
    : !process.env.DISPLAY && !existsSync('/usr/bin/Xvfb')
      ? 'no DISPLAY and no Xvfb: install xvfb to run the WebKit A/B test'
      : false;

const MATRIX = ['--target', 'webkit', '--impl', 'reference,ort-web:wasm@1', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
// 3 worker pairs (6 live sessions), 12 pairs a batch, 3 looks: the cap is in pairs (the last look spends the most error); seconds
// only guard a stuck run, since starting 6 sessions takes 20-90 s on a loaded 2-vCPU VM.
const CAPS = ['--worker-pairs', '3', '--max-pairs', '36', '--max-seconds', '120'];

test('WebKit A/B: wasm without its optimizing compiler is slower on side B, the JavaScript job is unchanged, exit 1', { skip, timeout: 420_000 }, async () => {
  const dir = tempDir('ab-webkit-');
  const wrapper = join(dir, 'minibrowser-no-omg.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexport JSC_useOMGJIT=false\nexec '${minibrowser}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const overlay = join(dir, 'no-omg.json');
  writeFileSync(overlay, JSON.stringify({ targets: [{ type: 'webkit', browserPath: wrapper }] }));
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--b', `config:${overlay}`, ...MATRIX, ...CAPS, '--seed', '31', '-o', out], { timeoutMs: 400_000 });
  assert.doesNotMatch(r.stderr, STACK);
  const jobs = verdictsOf(out, ['webkit/reference/0.25_128', 'webkit/ort-web-wasm-t1/0.25_128']);
  const control = jobs.get('webkit/reference/0.25_128')!;
  const changed = jobs.get('webkit/ort-web-wasm-t1/0.25_128')!;
  assert.ok(NO_CHANGE.includes(control.verdict), `control: ${JSON.stringify(control)}`);
  assert.equal(changed.verdict, 'slower', JSON.stringify(changed));
  assert.ok(changed.ratio > 1.2, `ratio ${changed.ratio}`);
  assert.equal(r.status, 1, r.stderr);
});
