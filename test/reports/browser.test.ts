/**
 * The HTML report in a real browser: opened from disk in headless Chromium, it must log no
 * console error, request nothing, run no injected script, draw every chart, and show in its
 * tables exactly the numbers of the results file. Screenshots go to the OS temp dir.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults } from '../../contract/store.ts';
import { buildReportModel, loadRunFolder } from '../../reports/data.ts';
import { fmtMs, fmtPct } from '../../contract/format.ts';
import { renderHtmlReport } from '../../reports/html.ts';
import { canvasInk, launchChromium, openAllTargets, openReport, skipWithoutChromium } from './chromium.ts';
import { HOSTILE, reportFixture } from './fixture.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const skip = skipWithoutChromium();

test('the report opens in headless Chromium: no console errors or requests, every chart drawn, tables equal the results', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const dir = await reportFixture();
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtmlReport(buildReportModel(loadRunFolder(dir))));
  const browser = await launchChromium();
  t.after(() => browser.close());
  const { page, log } = await openReport(browser, file);
  // Targets open collapsed (test/reports/layout.test.ts): open them all, as a reader would.
  await openAllTargets(page);

  const shots = tempDir('mnb-report-shots-');
  await page.screenshot({ path: join(shots, 'report-full.png'), fullPage: true });
  await page.screenshot({ path: join(shots, 'report-top.png') });
  t.diagnostic(`screenshots: ${shots}`);

  assert.deepEqual(log.errors, [], 'console errors');
  assert.deepEqual(log.requests, [], 'network requests');
  assert.deepEqual(log.dialogs, [], 'no injected script ran');

  // Every chart the report promised drew something.
  const charts = await page.evaluate(() => (JSON.parse(document.getElementById('report-data')!.textContent!) as { charts: unknown[] }).charts.length);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.chartsDrawn), String(charts));
  const ink = await canvasInk(page);
  assert.equal(ink.length, charts);
  assert.ok(charts >= 12, `${charts} charts`);
  assert.deepEqual(
    ink.filter((c) => !c.inked).map((c) => c.id),
    [],
    'blank canvases',
  );

  // The hostile target name is text, not markup.
  assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0);
  const headings = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent ?? ''));
  assert.ok(
    headings.some((h) => h.includes(HOSTILE)),
    'the name is shown literally',
  );

  // The numbers tables show the results file's values: exact in data-value, formatted in the text.
  // (No named functions inside page callbacks: tsx would wrap them in a helper the page lacks.)
  const rows = await page.$$eval('table.numbers tbody tr', (trs) =>
    trs.map((tr) => {
      const c = Object.fromEntries(
        Array.from(tr.querySelectorAll<HTMLElement>('td[data-col]')).map((td) => [td.dataset.col!, [td.dataset.value ?? '', td.textContent ?? '']]),
      );
      return { job: tr.dataset.job!, status: c.status[1], median: c.median, p90: c.p90, top1: c.top1, samples: c.samples[1] };
    }),
  );
  const results = readResults(dir);
  assert.equal(rows.length, results.length);
  for (const r of results) {
    const row = rows.find((x) => x.job === r.id);
    assert.ok(row, `row for ${r.id}`);
    assert.equal(row.status, r.status);
    assert.deepEqual(row.median, [r.latency ? String(r.latency.medianMs) : '', fmtMs(r.latency?.medianMs)], r.id);
    assert.deepEqual(row.p90, [r.latency ? String(r.latency.p90Ms) : '', fmtMs(r.latency?.p90Ms)], r.id);
    assert.deepEqual(row.top1, [r.accuracy?.top1 != null ? String(r.accuracy.top1) : '', fmtPct(r.accuracy?.top1)], r.id);
    assert.equal(row.samples, r.latency ? String(r.latency.samplesMs.length) : '–');
  }

  // Tables sort: clicking "median" orders a target's rows by it, missing values last.
  const table = (await page.$$('table.numbers'))[0];
  await (await table.$('th[data-col="median"] button'))!.click();
  const medians = await table.$$eval('tbody td[data-col="median"]', (tds) =>
    tds
      .map((td) => (td as HTMLElement).dataset.value)
      .filter((v) => v)
      .map(Number),
  );
  assert.deepEqual(
    medians,
    [...medians].sort((a, b) => a - b),
  );

  // A closer look at the first target's charts, for people reviewing the design.
  for (const id of ['target-1-heatmap', 'target-1-distributions', 'target-2-pareto', 'target-2-recommendation']) {
    const el = await page.$(`#${id}`);
    if (el) await el.screenshot({ path: join(shots, `${id}.png`) });
  }
});
