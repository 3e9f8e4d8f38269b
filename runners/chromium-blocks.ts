/**
 * The Chromium target's A/B block workers: two pages (each in its own browser context) of one
 * browser, each holding one side's job loaded and warmed by the probe page's block session
 * (`__mobilenetBench.openBlocks` / `block` / `finishBlocks`, runners/page-blocks.ts), driven over CDP. The page is this
 * checkout's build (runners/page), so only sides that run this checkout's sources (`current`,
 * `config:`) can run here; other sides' jobs are refused with that reason. What a page returns is
 * untrusted: timings are parsed with a schema, results checked against the results schema and job id.
 */
import type { Browser, Page } from 'puppeteer-core';
import type { BlockWorker, BlockWorkerHost, SideRuntime } from '../harness/ab/block-worker.ts';
import { requireBrowserExecutable } from '../harness/browsers.ts';
import type { Job } from '../harness/plan.ts';
import type { JobResult } from '../contract/results.ts';
import { applyChromiumEmulation, CHROMIUM_ARGS, type ChromiumTarget } from './browser.ts';
import { openPageBlocks, requireThisCheckout, type PageBlockCall } from './page-blocks.ts';
import { startPageHost, type PageHost } from './page-host.ts';
import { makeTempDir, removeTempDir, tieTempDir } from './temp-dir.ts';

type Bench = { __mobilenetBench: Record<PageBlockCall, (...args: unknown[]) => Promise<unknown>> };
const START_TIMEOUT_MS = 60_000;

/** Starts Chromium block workers for one chromium target: the browser and the page host start with the first worker. */
export function createChromiumBlockHost(target: ChromiumTarget): BlockWorkerHost {
  let browser: Browser | null = null;
  let host: PageHost | null = null;
  let userDataDir: string | null = null;
  const pages = new Set<Page>();

  const launch = async () => {
    const puppeteer = (await import('puppeteer-core')).default;
    host = await startPageHost();
    userDataDir = makeTempDir('mnb-ab-chromium-');
    browser = await puppeteer.launch({
      executablePath: requireBrowserExecutable('chromium', target.executablePath),
      headless: target.headless,
      userDataDir,
      args: [...CHROMIUM_ARGS, ...target.args],
      protocolTimeout: 24 * 3600_000, // each step has its own limit below
      timeout: START_TIMEOUT_MS,
    });
    tieTempDir(userDataDir, browser.process());
  };

  return {
    async start(job: Job, side: SideRuntime): Promise<BlockWorker> {
      requireThisCheckout(side, target.name, 'Chromium');
      if (!browser) await launch();
      const prepared = await host!.prepareJob(job);
      const context = await browser!.createBrowserContext();
      const page = await context.newPage();
      pages.add(page);
      const close = async () => {
        pages.delete(page);
        await context.close().catch(() => {});
        prepared.release();
      };
      let blocks;
      try {
        await page.goto(host!.pageUrl, { waitUntil: 'load', timeout: START_TIMEOUT_MS });
        // The side's own target settings (a config: side may throttle its page), not the browser's.
        await applyChromiumEmulation(page, job.target as ChromiumTarget);
        await page.waitForFunction('globalThis.__mobilenetBench?.openBlocks !== undefined', { timeout: START_TIMEOUT_MS });
        blocks = await openPageBlocks(
          (name, args) => page.evaluate((n, a: unknown[]) => (globalThis as unknown as Bench).__mobilenetBench[n](...a), name, args as never),
          job,
          side,
          prepared.assets,
        );
      } catch (e) {
        await close();
        throw e;
      }
      return {
        runBlock: (n) => blocks.runBlock(n),
        async finish(): Promise<JobResult> {
          const result = await blocks.finish();
          if (result.effective) result.effective.details = { ...result.effective.details, browserVersion: await browser!.version() };
          return result;
        },
        close,
      };
    },
    async close() {
      const b = browser;
      browser = null;
      pages.clear();
      if (b) await Promise.race([b.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
      if (userDataDir) await removeTempDir(userDataDir);
      userDataDir = null;
      await host?.close();
      host = null;
    },
  };
}
