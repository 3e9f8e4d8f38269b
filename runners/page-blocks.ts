/**
 * The probe page's A/B block session (`__mobilenetBench.openBlocks` / `block` / `finishBlocks`,
 * harness/probe/page/main.ts) driven from Node, whatever carries the calls: CDP for Chromium pages
 * (runners/puppeteer-blocks.ts), WebDriver scripts for every WebDriver target
 * (runners/webdriver-blocks.ts), and each side's page host. What a page returns is untrusted:
 * timings are parsed with a schema, results checked against the results schema and the job id.
 */
import { realpathSync } from 'node:fs';
import { z } from 'zod';
import type { BlockTiming, SideRuntime } from '../harness/ab/block-worker.ts';
import type { Job } from '../harness/plan.ts';
import { MAX_BLOCK_INFERENCES } from '../harness/probe/block-session.ts';
import type { PageAssets } from '../harness/probe/browser-env.ts';
import { withTimeLimit } from '../harness/time-limit.ts';
import { checkResultValue, firstIssue, quote } from '../contract/ingest.ts';
import type { JobResult } from '../contract/results.ts';
import { projectRoot } from '../models/platform/package-json.ts';
import { skipIfUnsupported, startPageHost, type PageHost, type PageHostOptions } from './page-host.ts';

const TimingSchema = z.object({ inferences: z.number().int().min(1).max(MAX_BLOCK_INFERENCES), ms: z.number().finite().positive().max(3_600_000) });
const OpenedSchema = z.union([z.object({ warmup: z.object({ inferences: z.number(), medianMs: z.number() }) }), z.object({ failed: z.unknown() })]);

/** A block-session function of the page. */
export type PageBlockCall = 'openBlocks' | 'block' | 'finishBlocks';
/** Calls `__mobilenetBench[name](...args)` in the page and resolves to what it resolved to (untrusted). */
export type PageCaller = (name: PageBlockCall, args: unknown[]) => Promise<unknown>;

/** A side's job open in a page: blocks, then the side's result. */
export interface PageBlocks {
  runBlock(inferences: number): Promise<BlockTiming>;
  /** Memory, accuracy and agreement measured by the page (results schema and job id checked). */
  finish(): Promise<JobResult>;
}

/**
 * Each side's page host, started with its first worker: the probe page built from the side's tree
 * with the runtimes' files that tree resolves, on a port of its own (so an origin of its own), so a
 * `ref:`, `dir:` or `pkg:` side measures its own code and package versions. A page at one fixed
 * address (a configured port, a farm's tunnel) can serve one tree only: there, sides other than
 * this checkout are refused before any block.
 */
export function sidePageHosts() {
  const hosts = new Map<string, Promise<PageHost>>();
  return {
    of(side: SideRuntime, where: string, options: PageHostOptions = {}): Promise<PageHost> {
      const fixed = Boolean(options.port) || options.publicUrl !== undefined;
      const thisCheckout = realpathSync(side.root) === realpathSync(projectRoot());
      if (fixed && !thisCheckout)
        return Promise.reject(
          new Error(
            `side ${side.name} (${side.spec}) cannot run on ${where}: its page is served at one fixed address (page.port or page.publicUrl), which can serve this checkout's page only; only current and config: sides run there`,
          ),
        );
      // Sides of one tree share a fixed address; elsewhere each side gets its own origin.
      const key = JSON.stringify([fixed ? '' : side.name, options]);
      let host = hosts.get(key);
      if (!host) {
        host = startPageHost({ ...options, root: side.root }).catch((e: Error) => {
          hosts.delete(key);
          throw new Error(`side ${side.name} (${side.spec}): its probe page cannot be built or served from ${side.root}: ${e.message}`);
        });
        hosts.set(key, host);
      }
      return host;
    },
    async close(): Promise<void> {
      const started = [...hosts.values()];
      hosts.clear();
      await Promise.all(started.map((h) => h.then((x) => x.close()).catch(() => {})));
    },
  };
}

/** Open `job` in the page (load and warm-up) through `call`; each call gets the job's time limit. */
export async function openPageBlocks(call: PageCaller, job: Job, side: SideRuntime, assets: PageAssets): Promise<PageBlocks> {
  const step = <T>(p: Promise<T>, what: string) =>
    withTimeLimit(p, job.timeoutMs, `side ${side.name}'s page did not answer ${what} within ${Math.round(job.timeoutMs / 1000)} s`);
  // The page needs the target's name only: its url, capabilities (credentials) and settings stay here.
  const pageJob = { ...job, target: { name: job.target.name, type: job.target.type } };
  const opened = OpenedSchema.safeParse(await step(call('openBlocks', [pageJob, assets]), 'loading the job'));
  if (!opened.success) throw new Error(`side ${side.name}'s page sent what cannot be accepted: ${firstIssue(opened.error)}`);
  if ('failed' in opened.data) {
    const checked = checkResultValue(opened.data.failed, job.id);
    const why = checked.ok ? (checked.result.error ?? 'failed') : checked.reason;
    throw new Error(`side ${side.name} (${side.spec}) cannot run ${job.id}: ${quote(why, 600)}`);
  }
  return {
    async runBlock(n) {
      const t = TimingSchema.safeParse(await step(call('block', [n]), `a block of ${n}`));
      if (!t.success || t.data.inferences !== n) throw new Error(`side ${side.name}'s page sent a block that cannot be accepted`);
      return t.data;
    },
    async finish() {
      const checked = checkResultValue(await step(call('finishBlocks', []), 'finish'), job.id);
      if (!checked.ok) throw new Error(`side ${side.name}'s page sent what cannot be accepted: ${checked.reason}`);
      return skipIfUnsupported(checked.result);
    },
  };
}
