/**
 * Change points and the trend page: PELT finds a ×1.10 step at run 20 ± 1 and nothing in flat
 * series; `mobilenet-bench trend` writes a page that opens on that change (commit range, step),
 * draws in Chromium with no console error under the report's CSP, and filters by runtime.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { changePoints } from '../../analysis/history/changepoints.ts';
import { summarizeRun } from '../../analysis/history/summarize.ts';
import { addEntry } from '../../analysis/history/store.ts';
import { runCli } from '../helpers/cli.ts';
import { jobLine, runInfo } from '../helpers/run-folder.ts';
import { canvasInk, launchChromium, openReport, skipWithoutChromium } from '../reports/chromium.ts';
import { gaussian, syntheticHistory } from './fixture.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

test('PELT: a ×1.10 step at run 20 of 30 is found at 20 ± 1 with its size; flat series give no change point', () => {
  let flatAlarms = 0;
  let found = 0;
  for (let seed = 0; seed < 100; seed++) {
    const z = gaussian(seed);
    const flat = Array.from({ length: 30 }, () => 10 * Math.exp(0.02 * z()));
    if (changePoints(flat).length) flatAlarms++;
    const step = Array.from({ length: 30 }, (_, i) => 10 * Math.exp(0.02 * z()) * (i >= 19 ? 1.1 : 1));
    const c = changePoints(step);
    if (c.length === 1 && Math.abs(c[0].index - 19) <= 1 && Math.abs(c[0].step - 1.1) < 0.04) found++;
  }
  assert.ok(flatAlarms <= 3, `${flatAlarms} of 100 flat series had a change point`);
  assert.ok(found >= 95, `the step was found in ${found} of 100 series`);
});

test('trend page: opens on what changed, draws in Chromium with no console error under the CSP, filters by runtime', {
  skip: skipWithoutChromium(),
}, async () => {
  const ids = ['node/reference/0.25_128', 'node/ort-node-cpu/0.25_128', 'node/tfjs-wasm/0.50_160'];
  const base = summarizeRun(
    { source: 'mem', label: 'b', run: runInfo('b', ids), results: ids.map((id) => jobLine(id, [20, 21, 19, 20.5, 20])) },
    { commit: null, branch: 'main', dirty: false, time: 't', ci: null, url: null, pullRequest: null },
  );
  const root = tempDir('mnb-trend-');
  const history = join(root, 'history');
  for (const e of syntheticHistory(base, 30, { noise: 0.015, seed: 5, step: (i, id) => (i >= 19 && id === ids[0] ? 1.1 : 1) })) addEntry(history, e);
  const out = join(root, 'trend.html');
  const r = runCli(['trend', history, '--out', out, '--report-base', 'https://ci.example.test/runs']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 job series, 1 with a change point: node\/reference\/0\.25_128 at run 20/);
  const browser = await launchChromium();
  try {
    const { page: tab, log } = await openReport(browser, out);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.requests, [], 'no network requests');
    // The report's policy: nothing from anywhere but the hashed inline script and style.
    const csp = await tab.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content'));
    assert.match(
      csp!,
      /^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'sha256-[^']+'; img-src data:; base-uri 'none'; form-action 'none'$/,
    );
    const first = await tab.$eval('#changes tbody tr', (tr) => (tr as HTMLElement).innerText);
    assert.match(first, /node\/reference\/0\.25_128/);
    assert.match(first, /c018 … c019/, 'the commit range of the step');
    const step = Number(/\+(\d+\.\d) %/.exec(first)?.[1]);
    assert.ok(step > 6 && step < 14, `the step's size, about +10 %: ${first}`);
    const ink = await canvasInk(tab);
    assert.equal(ink.length, 3);
    assert.ok(
      ink.every((c) => c.inked),
      JSON.stringify(ink),
    );
    assert.deepEqual(await tab.select('select[data-filter="impl"]', 'ort-node-cpu'), ['ort-node-cpu']);
    const visible = await tab.$$eval('.series', (cards) => cards.filter((c) => !(c as HTMLElement).hidden).map((c) => c.querySelector('code')!.textContent));
    assert.deepEqual(visible, ['node/ort-node-cpu/0.25_128']);
    // On a phone the change table scrolls in its own region; the page itself never scrolls sideways.
    await tab.setViewport({ width: 390, height: 800 });
    // The charts resize on the next frames (a ResizeObserver): wait for the page to settle.
    await tab.waitForFunction(() => document.documentElement.scrollWidth <= 390, { timeout: 5000 }).catch(() => {});
    assert.equal(await tab.evaluate(() => document.documentElement.scrollWidth), 390);
  } finally {
    await browser.close();
  }
});
