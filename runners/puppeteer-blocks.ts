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
import { z } from 'zod';
import type { Browser, Page } from 'puppeteer-core';
import type { BlockTiming, BlockWorker, BlockWorkerHost, SideRuntime } from '../harness/ab/block-worker.ts';
import type { Job } from '../harness/plan.ts';
import { MAX_BLOCK_INFERENCES } from '../harness/probe/block-session.ts';
import { withTimeLimit } from '../harness/time-limit.ts';
import { checkResultValue, firstIssue, quote } from '../contract/ingest.ts';
import type { JobResult } from '../contract/results.ts';
import { closeBrowser, ENGINES, launchBrowser, type PuppeteerTarget } from './browser-launch.ts';
import { skipIfUnsupported, startPageHost, type PageHost } from './page-host.ts';
import { basename } from 'node:path';

const TimingSchema = z.object({ inferences: z.number().int().min(1).max(MAX_BLOCK_INFERENCES), ms: z.number().finite().positive().max(3_600_000) });
const OpenedSchema = z.union([z.object({ warmup: z.object({ inferences: z.number(), medianMs: z.number() }) }), z.object({ failed: z.unknown() })]);

type Bench = {
  __mobilenetBench: { openBlocks(j: unknown, a: unknown): Promise<unknown>; block(n: number): Promise<unknown>; finishBlocks(): Promise<unknown> };
};
const START_TIMEOUT_MS = 60_000;

/** Starts block workers for one chromium or firefox target: the browser starts with the first worker, each side's page host with its first. */
export function createPuppeteerBlockHost(target: PuppeteerTarget): BlockWorkerHost {
  let browser: Browser | null = null;
  let userDataDir: string | null = null;
  const pageHosts = new Map<SideRuntime['name'], Promise<PageHost>>();
  const pages = new Set<Page>();

  /** The side's page host, built from its tree once per comparison (the build itself is cached across runs). */
  const pageHostOf = (side: SideRuntime): Promise<PageHost> => {
    let host = pageHosts.get(side.name);
    if (!host) {
      host = startPageHost({ root: side.root }).catch((e: Error) => {
        pageHosts.delete(side.name);
        throw new Error(`side ${side.name} (${side.spec}): its probe page cannot be built or served from ${side.root}: ${e.message}`);
      });
      pageHosts.set(side.name, host);
    }
    return host;
  };

  return {
    async start(job: Job, side: SideRuntime): Promise<BlockWorker> {
      const host = await pageHostOf(side);
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
      const step = <T>(p: Promise<T>, what: string) =>
        withTimeLimit(p, job.timeoutMs, `side ${side.name}'s page did not answer ${what} within ${Math.round(job.timeoutMs / 1000)} s`);
      try {
        await page.goto(host.pageUrl, { waitUntil: 'load', timeout: START_TIMEOUT_MS });
        // The side's own target settings (a config: side may throttle its page), not the browser's.
        await ENGINES[target.type].emulate(page, job.target as PuppeteerTarget);
        await page.waitForFunction('globalThis.__mobilenetBench?.openBlocks !== undefined', { timeout: START_TIMEOUT_MS });
        const raw = await step(
          page.evaluate((j, a) => (globalThis as unknown as Bench).__mobilenetBench.openBlocks(j, a), job as never, prepared.assets as never),
          'loading the job',
        );
        const opened = OpenedSchema.safeParse(raw);
        if (!opened.success) throw new Error(`side ${side.name}'s page sent what cannot be accepted: ${firstIssue(opened.error)}`);
        if ('failed' in opened.data) {
          const checked = checkResultValue(opened.data.failed, job.id);
          const why = checked.ok ? (checked.result.error ?? 'failed') : checked.reason;
          throw new Error(`side ${side.name} (${side.spec}) cannot run ${job.id}: ${quote(why, 600)}`);
        }
      } catch (e) {
        await close();
        throw e;
      }
      return {
        async runBlock(n: number): Promise<BlockTiming> {
          const raw = await step(
            page.evaluate((k) => (globalThis as unknown as Bench).__mobilenetBench.block(k), n),
            `a block of ${n}`,
          );
          const t = TimingSchema.safeParse(raw);
          if (!t.success || t.data.inferences !== n) throw new Error(`side ${side.name}'s page sent a block that cannot be accepted`);
          return t.data;
        },
        async finish(): Promise<JobResult> {
          const raw = await step(
            page.evaluate(() => (globalThis as unknown as Bench).__mobilenetBench.finishBlocks()),
            'finish',
          );
          const checked = checkResultValue(raw, job.id);
          if (!checked.ok) throw new Error(`side ${side.name}'s page sent what cannot be accepted: ${checked.reason}`);
          const result = skipIfUnsupported(checked.result);
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
      const hosts = [...pageHosts.values()];
      pageHosts.clear();
      await Promise.all(hosts.map((h) => h.then((x) => x.close()).catch(() => {})));
    },
  };
}
