/** Open a report in headless Chromium and collect what the browser tests check: console errors, requests, canvases, tables. */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { makeTempDir, removeTempDir, tieTempDir } from '../../runners/temp-dir.ts';

/** Chromium to use: CHROMIUM_PATH, or Debian's. */
export const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => Boolean(p && existsSync(p)));

/** `{ skip }` for tests that need it. */
export function skipWithoutChromium(): false | string {
  return CHROMIUM ? false : 'no Chromium found (set CHROMIUM_PATH or install Debian chromium; CI installs it)';
}

/**
 * Launch headless Chromium with the flags that work here and a fresh profile; closing the
 * browser removes the profile (and, at exit at the latest, whatever the browser left).
 */
export async function launchChromium(): Promise<Browser> {
  const userDataDir = makeTempDir('mnb-chromium-');
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM!,
    headless: true,
    userDataDir,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--font-render-hinting=none',
    ],
  });
  tieTempDir(userDataDir, browser.process());
  browser.once('disconnected', () => void removeTempDir(userDataDir));
  return browser;
}

/** What happened while the page loaded. */
export interface PageLog {
  /** Console messages of type error (and warnings, kept apart), page errors, CSP violations. */
  errors: string[];
  warnings: string[];
  /** URLs the page asked for other than itself. */
  requests: string[];
  dialogs: string[];
}

/** Open a report file at 1280 px width, waiting until its script marked the charts drawn (`data-<drawnFlag>` on <html>). */
export async function openReport(browser: Browser, file: string, drawnFlag = 'chartsDrawn'): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
  const log: PageLog = { errors: [], warnings: [], requests: [], dialogs: [] };
  const self = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(m.text());
    else if (m.type() === 'warn') log.warnings.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(`pageerror: ${(e as Error).message}`));
  page.on('request', (r) => {
    if (r.url() !== self) log.requests.push(r.url());
  });
  page.on('dialog', (d) => {
    log.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(self, { waitUntil: 'load' });
  await page.waitForFunction((flag) => document.documentElement.dataset[flag] !== undefined, { timeout: 20_000 }, drawnFlag).catch(() => {});
  return { page, log };
}

/** Per canvas: id and whether it holds more than one colour (something drew). */
export function canvasInk(page: Page): Promise<{ id: string; inked: boolean; width: number; height: number }[]> {
  return page.$$eval('canvas', (canvases) =>
    canvases.map((c) => {
      const ctx = c.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4 * 7) if (data[i] !== 0) painted++;
      return { id: c.id, inked: painted > 50, width: c.width, height: c.height };
    }),
  );
}

/**
 * Open every collapsed target block by clicking its summary, as a reader would, and wait until
 * the page has drawn every chart of the report (charts in a closed block are drawn on opening).
 */
export async function openAllTargets(page: Page): Promise<void> {
  for (const summary of await page.$$('details.target:not([open]) > summary')) await summary.click();
  await page.waitForFunction(
    () =>
      document.documentElement.dataset.chartsDrawn ===
      String((JSON.parse(document.getElementById('report-data')!.textContent!) as { charts: unknown[] }).charts.length),
    { timeout: 20_000 },
  );
}
