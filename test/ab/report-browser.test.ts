/**
 * The A/B page (ab-report.html) in headless Chromium: no console error, no request, no injected
 * script; both charts of every judged job drawn; the verdicts table shows verdicts.json's ratios.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAbOutputs } from '../../api/ab-files.ts';
import { parseAbVerdicts } from '../../contract/ab-verdicts.ts';
import { canvasInk, launchChromium, openReport, skipWithoutChromium } from '../reports/chromium.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { abFixture, HOSTILE_ID } from './fixture.ts';

test('the A/B page opens in Chromium: no errors or requests, every chart drawn, the table equals verdicts.json', {
  skip: skipWithoutChromium(),
  timeout: 120_000,
}, async (t) => {
  const { verdicts, pairs } = abFixture();
  const dir = tempDir('mnb-ab-page-');
  writeAbOutputs(dir, verdicts, pairs);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const { page, log } = await openReport(browser, join(dir, 'ab-report.html'), 'abChartsDrawn');
  assert.deepEqual(log.errors, [], 'console errors');
  assert.deepEqual(log.requests, [], 'network requests');
  assert.deepEqual(log.dialogs, [], 'no injected script ran');

  const judged = verdicts.jobs.filter((j) => j.verdict !== 'skipped').length;
  assert.equal(await page.evaluate(() => document.documentElement.dataset.abChartsDrawn), String(2 * judged));
  const ink = await canvasInk(page);
  assert.equal(ink.length, 2 * judged);
  assert.deepEqual(
    ink.filter((c) => !c.inked).map((c) => c.id),
    [],
    'blank canvases',
  );
  assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0, 'the hostile id is text');
  const headings = await page.$$eval('h3', (hs) => hs.map((h) => h.textContent ?? ''));
  assert.ok(
    headings.some((h) => h.startsWith(HOSTILE_ID.replace('\n', ' ').split(' ')[0])),
    headings.join(' / '),
  );
  const rows = await page.$$eval('table.ab-verdicts tbody tr', (trs) =>
    trs.map((tr) => ({ job: tr.getAttribute('data-job'), ratio: tr.querySelector<HTMLElement>('td[data-col="ratio"]')?.dataset.value ?? '' })),
  );
  const back = parseAbVerdicts(readFileSync(join(dir, 'verdicts.json'), 'utf8'));
  assert.deepEqual(
    rows,
    back.jobs.map((j) => ({ job: j.id, ratio: j.ratio === null ? '' : String(j.ratio) })),
  );
});
