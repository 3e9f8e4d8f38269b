/**
 * The A/B block workers of the puppeteer targets (Chromium over CDP, Firefox over WebDriver BiDi):
 * two pages of one browser per worker pair, each in its own browser context, each holding one
 * side's job loaded and warmed by the probe page's block session (`__mobilenetBench.openBlocks` /
 * `block` / `finishBlocks`). The browser is launched as `run` launches it (runners/browser-launch.ts);
 * the engines differ only in its ENGINES options (Chromium applies each side's emulation). Each side
 * has its own page host (its own port, so its own origin): the probe page built from the side's
 * tree and the runtimes' files its tree resolves (runners/page-host.ts), so a `ref:`, `dir:` or
 * `pkg:` side measures its own code and package versions. What a page returns is untrusted:
 * timings are parsed with a schema, results checked against the results schema and job id.
 */
import type { Browser, Page } from 'puppeteer-core';
import type { BlockWorker, BlockWorkerHost, SideRuntime } from '../harness/ab/block-worker.ts';
import type { Job } from '../harness/plan.ts';
import { closeBrowser, ENGINES, launchBrowser, type PuppeteerTarget } from './browser-launch.ts';
import { openPageBlocks, sidePageHosts, type PageCaller } from './page-blocks.ts';
import { basename } from 'node:path';

type Bench = { __mobilenetBench: Record<string, (...args: unknown[]) => Promise<unknown>> };
const START_TIMEOUT_MS = 60_000;

/** Calls into the page over CDP or BiDi: one evaluate per call, the page's promise awaited there. */
const puppeteerCaller =
  (page: Page): PageCaller =>
  (name, args) =>
    page.evaluate((n, a: unknown[]) => (globalThis as unknown as Bench).__mobilenetBench[n](...a), name, args as never[]);

/** Starts block workers for one chromium or firefox target: the browser starts with the first worker, each side's page host with its first. */
export function createPuppeteerBlockHost(target: PuppeteerTarget): BlockWorkerHost {
  let browser: Browser | null = null;
  let userDataDir: string | null = null;
  const pageHosts = sidePageHosts();
  const pages = new Set<Page>();

  return {
    async start(job: Job, side: SideRuntime): Promise<BlockWorker> {
      const host = await pageHosts.of(side, target.name);
      if (!browser) ({ browser, userDataDir } = await launchBrowser(target, START_TIMEOUT_MS, `mnb-ab-${target.type}-`));
      const prepared = await host.prepareJob(job);
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
        await page.goto(host.pageUrl, { waitUntil: 'load', timeout: START_TIMEOUT_MS });
        // The side's own target settings (a config: side may throttle its page), not the browser's.
        await ENGINES[target.type].emulate(page, job.target as PuppeteerTarget);
        await page.waitForFunction('globalThis.__mobilenetBench?.openBlocks !== undefined', { timeout: START_TIMEOUT_MS });
        blocks = await openPageBlocks(puppeteerCaller(page), job, side, prepared.assets);
      } catch (e) {
        await close();
        throw e;
      }
      return {
        runBlock: (n) => blocks.runBlock(n),
        async finish() {
          const result = await blocks.finish();
          // Which page served the side: its build (the cache key of the bundle) and the tree it was built from.
          if (result.effective)
            result.effective.details = {
              ...result.effective.details,
              browserVersion: await browser!.version(),
              pageBuild: basename(host.pageDir),
              pageRoot: side.root,
            };
          return result;
        },
        close,
      };
    },
    async close() {
      const launched = { browser, userDataDir };
      browser = null;
      userDataDir = null;
      pages.clear();
      await closeBrowser(launched);
      await pageHosts.close();
    },
  };
}
