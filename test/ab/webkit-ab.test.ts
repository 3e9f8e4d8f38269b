/**
 * `ab` on WebKit (MiniBrowser through WebKitWebDriver), end to end: each side's workers are
 * WebDriver sessions, each on a WebKitWebDriver of its own (it serves one session at a time). Side
 * B's MiniBrowser runs with JavaScriptCore's optimizing WebAssembly compiler off
 * (`JSC_useOMGJIT=false`, a real engine setting, through a wrapper set as the target's browserPath
 * by a `config:` overlay), so its ort-web job (WebAssembly) is slower. One batch of one worker pair,
 * for CI's time (a decided comparison with a JavaScript A/A control took 46–84 s, mostly starting
 * sessions): one worker pair gives no interval, so the difference is checked on each side's ms per
 * inference. The decided comparison is in docs/performance.md (A/B across targets).
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findBrowserExecutable } from '../../harness/browsers.ts';
import { MINIBROWSER_PATHS } from '../../runners/webkit.ts';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { assertMeasuredSlower, verdictsOf } from './webdriver-ab.ts';

const minibrowser = MINIBROWSER_PATHS.find((p) => existsSync(p));
const skip = !findBrowserExecutable('webkit')
  ? 'no WebKitWebDriver: install webkit2gtk-driver (and xvfb xauth) to run the WebKit A/B test'
  : !minibrowser
    ? 'no MiniBrowser: install webkit2gtk-driver to run the WebKit A/B test'
    : !process.env.DISPLAY && !existsSync('/usr/bin/Xvfb')
      ? 'no DISPLAY and no Xvfb: install xvfb to run the WebKit A/B test'
      : false;

const MATRIX = ['--target', 'webkit', '--impl', 'ort-web:wasm@1', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
const CAPS = ['--worker-pairs', '1', '--max-pairs', '4', '--max-seconds', '5'];

test('WebKit A/B: wasm without its optimizing compiler measures slower on side B, both sides measured in WebKit', { skip, timeout: 300_000 }, async () => {
  const dir = tempDir('ab-webkit-');
  const wrapper = join(dir, 'minibrowser-no-omg.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexport JSC_useOMGJIT=false\nexec '${minibrowser}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const overlay = join(dir, 'no-omg.json');
  writeFileSync(overlay, JSON.stringify({ targets: [{ type: 'webkit', browserPath: wrapper }] }));
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--b', `config:${overlay}`, ...MATRIX, ...CAPS, '--seed', '31', '-o', out], { timeoutMs: 400_000 });
  assert.doesNotMatch(r.stderr, STACK);
  assertMeasuredSlower(verdictsOf(out, ['webkit/ort-web-wasm-t1/0.25_128']).get('webkit/ort-web-wasm-t1/0.25_128')!, 1.2, r);
});
