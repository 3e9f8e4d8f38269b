/**
 * `ab` on the phone-emulated target (Chromium with mobileEmulation through the real Appium server),
 * end to end: each side's workers are WebDriver sessions on the target's Appium server, and side B's
 * sessions run with CDP CPU throttling ×16 instead of the preset's ×4 (a `config:` overlay), which
 * the pairs must measure slower. One batch of one worker pair, for CI's time: starting the sessions
 * is most of a phone comparison (20–90 s for 8 sessions on the loaded 2-vCPU VM, 253 s for the whole
 * decided comparison of two targets), and the decision needs several worker pairs before its first
 * look, so the job ends inconclusive here and the known difference is checked on each side's ms per inference.
 * A decided phone comparison and its A/A control are measured in docs/performance.md (A/B across targets).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { skipWithoutPhoneStandIn } from '../phones/helpers.ts';
import { assertMeasuredSlower, verdictsOf } from './webdriver-ab.ts';

const skip = skipWithoutPhoneStandIn();
const phone = (cpuThrottlingRate: number) => ({ name: 'phone', type: 'appium', preset: 'phone-emulated', cpuThrottlingRate });
const MATRIX = ['--impl', 'ort-web:wasm@1', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
const CAPS = ['--worker-pairs', '1', '--max-pairs', '4', '--max-seconds', '5'];
const JOB = 'phone/ort-web-wasm-t1/0.25_128';

test('phone-emulated A/B: side B throttled x16 (A x4) measures slower, both sides measured through Appium', { skip, timeout: 300_000 }, async () => {
  const dir = tempDir('ab-phone-');
  const side = (file: string, rate: number) => {
    writeFileSync(join(dir, file), JSON.stringify({ targets: [phone(rate)] }));
    return `config:${join(dir, file)}`;
  };
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--a', side('a.json', 4), '--b', side('b.json', 16), ...MATRIX, ...CAPS, '--seed', '41', '-o', out], {
    timeoutMs: 240_000,
  });
  assert.doesNotMatch(r.stderr, STACK);
  assertMeasuredSlower(verdictsOf(out, [JOB]).get(JOB)!, 1.4, r);
});
