/**
 * `ab` on the phone-emulated target (Chromium with mobileEmulation through the real Appium server),
 * end to end: each side's workers are WebDriver sessions on one Appium server per target. One
 * comparison of two targets: `phone-control` is the same on both sides (the A/A control), and
 * `phone-throttled` runs side B's sessions with CDP CPU throttling ×16 instead of the preset's ×4
 * (a `config:` overlay), which the pairs must find slower (×4 at most; under load the host's own slowness dilutes it).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliAsync, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { skipWithoutPhoneStandIn } from '../phones/helpers.ts';
import { NO_CHANGE, verdictsOf } from './webdriver-ab.ts';

const skip = skipWithoutPhoneStandIn();
const phone = (name: string, cpuThrottlingRate: number) => ({ name, type: 'appium', preset: 'phone-emulated', cpuThrottlingRate });
const MATRIX = ['--impl', 'ort-web:wasm@1', '--alpha', '0.25', '--resolution', '128', '--precision', 'float32', '--quick'];
// 4 worker pairs (8 live sessions; 3 left ×3.3 undecided, t over 3 means), 16 pairs a batch, 3 looks: the cap is in pairs (the last look spends the most error); seconds
// only guard a stuck run, since starting the sessions takes 20-90 s on a loaded 2-vCPU VM.
const CAPS = ['--worker-pairs', '4', '--max-pairs', '48', '--max-seconds', '120'];

test('phone-emulated A/B: side B throttled x16 (A x4) is slower, the unchanged target is not, exit 1', { skip, timeout: 420_000 }, async () => {
  const dir = tempDir('ab-phone-');
  const side = (file: string, rate: number) => {
    writeFileSync(join(dir, file), JSON.stringify({ targets: [phone('phone-control', 4), phone('phone-throttled', rate)] }));
    return `config:${join(dir, file)}`;
  };
  const out = join(dir, 'out');
  const r = await runCliAsync(['ab', '--a', side('a.json', 4), '--b', side('b.json', 16), ...MATRIX, ...CAPS, '--seed', '41', '-o', out], {
    timeoutMs: 400_000,
  });
  assert.doesNotMatch(r.stderr, STACK);
  const jobs = verdictsOf(out, ['phone-control/ort-web-wasm-t1/0.25_128', 'phone-throttled/ort-web-wasm-t1/0.25_128']);
  const control = jobs.get('phone-control/ort-web-wasm-t1/0.25_128')!;
  const changed = jobs.get('phone-throttled/ort-web-wasm-t1/0.25_128')!;
  assert.ok(NO_CHANGE.includes(control.verdict), `control: ${JSON.stringify(control)}`);
  assert.equal(changed.verdict, 'slower', JSON.stringify(changed));
  assert.ok(changed.ratio > 1.4, `ratio ${changed.ratio}`);
  assert.equal(r.status, 1, r.stderr);
});
