/**
 * The report's layout in Chromium at a phone's width (390 px) and a desktop's (1440 px): the
 * overview first, every target collapsed and openable one at a time, charts drawn with a real
 * size when their target opens (and again after closing and reopening), links into a closed
 * target open it, nothing wider than the window, no console error; and without JavaScript every
 * target's tables are still one click away.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { buildReportModel, loadRunFolder } from '../../reports/data.ts';
import { renderHtmlReport } from '../../reports/html.ts';
import { canvasInk, launchChromium, openReport, skipWithoutChromium } from './chromium.ts';
import { reportFixture } from './fixture.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const skip = skipWithoutChromium();

async function reportFile(): Promise<string> {
  const dir = await reportFixture();
  const file = join(tempDir('mnb-layout-'), 'report.html');
  writeFileSync(file, renderHtmlReport(buildReportModel(loadRunFolder(dir))));
  return file;
}

/** How much wider than the window the page is (0: no horizontal scrolling). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const drawnCount = (page: Page) => page.evaluate(() => Number(document.documentElement.dataset.chartsDrawn));

/** The canvases of one target block, with their drawn size and whether they hold ink. */
async function targetCanvases(page: Page, anchor: string) {
  const ids = await page.$$eval(`#${anchor} canvas`, (cs) => cs.map((c) => c.id));
  const ink = await canvasInk(page);
  const boxes = await page.$$eval(`#${anchor} canvas`, (cs) => cs.map((c) => c.getBoundingClientRect()).map((r) => ({ w: r.width, h: r.height })));
  return ids.map((id, i) => ({ id, ...boxes[i], inked: ink.find((c) => c.id === id)?.inked ?? false }));
}

for (const width of [390, 1440]) {
  test(`at ${width} px: overview first, targets collapsed and openable one at a time, charts sized on opening, no overflow`, {
    skip,
    timeout: 120_000,
  }, async (t) => {
    const file = await reportFile();
    const browser = await launchChromium();
    t.after(() => browser.close());
    const { page, log } = await openReport(browser, file);
    await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });

    assert.equal(await page.$eval('main > :first-child', (s) => s.id), 'overview', 'the overview opens the page');
    const anchors = await page.$$eval('details.target', (ds) => ds.map((d) => d.id));
    assert.deepEqual(anchors, ['target-1', 'target-2']);
    assert.deepEqual(await page.$$eval('details.target', (ds) => ds.map((d) => (d as HTMLDetailsElement).open)), [false, false], 'collapsed at first');
    assert.deepEqual(await page.$$eval('details.target section.sub', (ss) => ss.filter((s) => s.checkVisibility()).length), 0, 'no section shows');
    assert.equal(await drawnCount(page), 0, 'no chart is drawn into a closed block');
    assert.equal(await overflow(page), 0, 'collapsed: nothing wider than the window');
    const collapsedHeight = await page.evaluate(() => document.documentElement.scrollHeight);

    let drawn = 0;
    for (const anchor of anchors) {
      await page.click(`#${anchor} > summary`);
      await page.waitForFunction((a) => (document.getElementById(a) as HTMLDetailsElement).open, {}, anchor);
      const canvases = await targetCanvases(page, anchor);
      assert.ok(canvases.length > 0, `${anchor} has charts`);
      await page.waitForFunction((n) => Number(document.documentElement.dataset.chartsDrawn) === n, { timeout: 10_000 }, drawn + canvases.length);
      drawn += canvases.length;
      for (const c of await targetCanvases(page, anchor)) {
        assert.ok(c.w > 0 && c.h > 0, `${anchor} ${c.id} has a size (${c.w}×${c.h})`);
        assert.ok(c.inked, `${anchor} ${c.id} drew something`);
      }
      // Every section of the target is shown with its heading and a body.
      const sections = await page.$$eval(`#${anchor} section.sub`, (ss) =>
        ss.map((s) => ({ id: s.id, shown: s.checkVisibility(), h: s.getBoundingClientRect().height })),
      );
      assert.ok(sections.length >= 2);
      for (const s of sections) assert.ok(s.shown && s.h > 20, `${s.id} is visible`);
      assert.equal(await overflow(page), 0, `${anchor} open: nothing wider than the window`);
    }
    assert.ok((await page.evaluate(() => document.documentElement.scrollHeight)) > collapsedHeight, 'opening targets makes the page taller');

    // Closed and reopened, a chart keeps its drawing and its size.
    await page.click('#target-1 > summary');
    await page.click('#target-1 > summary');
    await page.waitForFunction(() => (document.getElementById('target-1') as HTMLDetailsElement).open);
    for (const c of await targetCanvases(page, 'target-1')) assert.ok(c.w > 0 && c.h > 0 && c.inked, `reopened ${c.id}`);

    // A link into a closed target (the navigation bar's, the overview's) opens it.
    await page.click('#target-2 > summary');
    await page.waitForFunction(() => !(document.getElementById('target-2') as HTMLDetailsElement).open);
    await page.click('nav.toc a[href="#target-2-numbers"]');
    await page.waitForFunction(() => (document.getElementById('target-2') as HTMLDetailsElement).open, { timeout: 5_000 });
    assert.ok(await page.$eval('#target-2-numbers', (s) => s.checkVisibility()));

    assert.deepEqual(log.errors, [], 'console errors');
    assert.deepEqual(log.requests, [], 'network requests');
  });
}

test('without JavaScript every target is one click away: its summary opens it and its tables show', { skip, timeout: 120_000 }, async (t) => {
  const file = await reportFile();
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setViewport({ width: 390, height: 900, deviceScaleFactor: 1 });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  for (const anchor of ['target-1', 'target-2']) {
    // (A closed block's content may still have a layout box: checkVisibility() says whether it is shown.)
    assert.equal(await page.$eval(`#${anchor} table.numbers`, (tb) => tb.checkVisibility()), false, `${anchor} starts closed`);
    await page.click(`#${anchor} > summary`);
    const rows = await page.$$eval(`#${anchor} table.numbers tbody tr`, (trs) => trs.filter((tr) => tr.checkVisibility()).length);
    assert.ok(rows > 0, `${anchor}: the numbers table shows after one click`);
  }
  assert.equal(await overflow(page), 0);
});
