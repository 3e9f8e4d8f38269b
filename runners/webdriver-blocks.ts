/**
 * A/B block workers on every WebDriver target (WebKit through WebKitWebDriver, phones through
 * Appium, a Selenium Grid node, a device farm): each worker is a session of its own on the target's
 * endpoint, with the probe page loaded and one side's job opened by the page's block session
 * (runners/page-blocks.ts), driven with asynchronous scripts that return within the endpoint's
 * `pollSliceMs` (farms end a session idle for 90 s). Endpoints are the WebDriver runner's, built
 * from each side's own target (a `config:` side's capabilities and CPU throttling reach its sessions
 * only), and shared by the workers of that target; an endpoint that serves one session at a time
 * (WebKitWebDriver) gets a second one started beside it. Each side's page is built from its own tree
 * (runners/page-blocks.ts `sidePageHosts`), so `ref:`, `dir:` and `pkg:` sides run here too, except
 * where the endpoint's page has one fixed address.
 */
import { basename } from 'node:path';
import type { BlockWorker, BlockWorkerHost, SideRuntime } from '../harness/ab/block-worker.ts';
import type { Target } from '../harness/config/schema.ts';
import type { Job } from '../harness/plan.ts';
import { quote } from '../contract/ingest.ts';
import { literalSecrets, redactText } from '../contract/secrets.ts';
import { killDescendants } from './local-server.ts';
import { openPageBlocks, sidePageHosts, type PageBlockCall, type PageCaller } from './page-blocks.ts';
import type { PageHost } from './page-host.ts';
import { summarizeMessage, WebDriverError, type WebDriverSession } from './webdriver-client.ts';
import type { WebDriverEndpoint } from './webdriver-endpoint.ts';
import { loadProbePage, openEndpointSession, type EndpointSession } from './webdriver-session.ts';

/**
 * Starts `__mobilenetBench[name](...args)` in the page when `name` is given, then waits up to
 * `slice` ms for it: `{ value }`, `{ error }`, or null while it is still running (poll again
 * without a name).
 */
const CALL_SCRIPT = `const name = arguments[0], args = arguments[1], slice = arguments[2], done = arguments[arguments.length - 1];
const b = globalThis.__mobilenetBench;
if (name) {
  const c = {};
  c.promise = Promise.resolve()
    .then(() => b[name].apply(b, args))
    .then((v) => { c.outcome = { value: v === undefined ? null : v }; }, (e) => { c.outcome = { error: String((e && e.message) || e) }; });
  b.abCall = c;
}
const c = b.abCall;
if (!c) return done({ error: 'no call is running in the page' });
if (c.outcome) return done(c.outcome);
const timer = setTimeout(() => done(null), slice);
c.promise.then(() => { clearTimeout(timer); done(c.outcome); });`;

/** Calls into the page of `session`, polling in slices until `deadlineMs` (the job's time limit). */
function webDriverCaller(session: WebDriverSession, sliceMs: number, timeoutMs: number): PageCaller {
  return async (name: PageBlockCall, args: unknown[]) => {
    const deadline = Date.now() + timeoutMs;
    let first = true;
    for (;;) {
      const slice = Math.max(1, Math.min(sliceMs, deadline - Date.now()));
      const outcome = await session.executeAsync<{ value?: unknown; error?: unknown } | null>(CALL_SCRIPT, [first ? name : null, args, slice], slice + 30_000);
      first = false;
      if (outcome && typeof outcome === 'object') {
        if ('error' in outcome) throw new Error(`the page's ${name} failed: ${quote(String(outcome.error), 600)}`);
        return outcome.value;
      }
      if (Date.now() >= deadline) throw new Error(`the page's ${name} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    }
  };
}

/** An endpoint started for this host, with what must never be reported and how many workers use it. */
interface EndpointSlot {
  key: string;
  endpoint: WebDriverEndpoint;
  secrets: Set<string>;
  workers: number;
}

/** Block workers on WebDriver targets; `endpointOf` builds a target's endpoint (the WebDriver runner's). */
export function createWebDriverBlockHost(endpointOf: (target: Target) => Promise<WebDriverEndpoint>): BlockWorkerHost {
  const slots: EndpointSlot[] = [];
  const pageHosts = sidePageHosts();
  /** Clean-ups that failed (a browser still writing its profile) are retried at close. */
  const leftovers: Array<() => void | Promise<void>> = [];
  const tidy = async (cleanup?: () => void | Promise<void>) => {
    try {
      await cleanup?.();
    } catch {
      if (cleanup) leftovers.push(cleanup);
    }
  };

  /** A slot of `target`'s endpoint that can take one more session; a new endpoint when none can. */
  const acquire = async (target: Target): Promise<EndpointSlot> => {
    const key = JSON.stringify(target);
    const free = slots.find((s) => s.key === key && !(s.endpoint.oneSessionAtATime && s.workers > 0));
    if (free) {
      free.workers++;
      return free;
    }
    const endpoint = await endpointOf(target);
    const slot: EndpointSlot = { key, endpoint, secrets: new Set([...endpoint.secrets, ...literalSecrets(endpoint.serverUrl)]), workers: 1 };
    slots.push(slot);
    return slot;
  };

  return {
    async start(job: Job, side: SideRuntime): Promise<BlockWorker> {
      const slot = await acquire(job.target);
      const { endpoint, secrets } = slot;
      let pages: PageHost;
      try {
        pages = await pageHosts.of(side, job.target.name, endpoint.page);
      } catch (e) {
        slot.workers--;
        throw e;
      }
      let opened: EndpointSession | null = null;
      let prepared: Awaited<ReturnType<PageHost['prepareJob']>> | null = null;
      let closed = false;
      const close = async () => {
        if (closed) return;
        closed = true;
        await opened?.session.delete();
        // A browser that did not go away with its session (hung page) is killed, by PID, where no other session shares its server.
        if (endpoint.local && endpoint.oneSessionAtATime) killDescendants(endpoint.local.pid);
        await tidy(opened?.cleanup);
        prepared?.release();
        slot.workers--;
      };
      /** A server's words redacted and cut to one line; the harness's own messages as they are. */
      const reported = (e: unknown) =>
        e instanceof WebDriverError
          ? new Error(`side ${side.name} on ${endpoint.name}: ${summarizeMessage(e.message, [...secrets])}`)
          : new Error(redactText((e as Error).message, [...secrets]));
      let blocks;
      try {
        prepared = await pages.prepareJob(job);
        opened = await openEndpointSession(endpoint, { secrets, pagePort: pages.server.url ? Number(new URL(pages.server.url).port) : 0, tidy });
        const session = opened.session;
        await loadProbePage(session, endpoint, `${pages.pageUrl}?job=${encodeURIComponent(job.id)}&side=${side.name}&t=${Date.now()}`);
        blocks = await openPageBlocks(webDriverCaller(session, endpoint.pollSliceMs, job.timeoutMs), job, side, prepared.assets);
      } catch (e) {
        await close();
        throw reported(e);
      }
      const caps = opened.session.capabilities;
      return {
        async runBlock(n) {
          try {
            return await blocks.runBlock(n);
          } catch (e) {
            throw reported(e);
          }
        },
        async finish() {
          const result = await blocks.finish().catch((e: unknown) => {
            throw reported(e);
          });
          if (result.effective) {
            result.effective.details = {
              ...result.effective.details,
              browserVersion: `${String(caps.browserName)}/${String(caps.browserVersion ?? caps.version)}`,
              pageBuild: basename(pages.pageDir),
              pageRoot: side.root,
            };
          }
          return result;
        },
        close,
      };
    },
    async close() {
      for (const slot of slots.splice(0)) await closeEndpoint(slot.endpoint);
      await pageHosts.close();
      for (const cleanup of leftovers.splice(0)) await tidy(cleanup);
    },
  };
}

/** Stop what the harness started for an endpoint (its local server, a private Xvfb). */
async function closeEndpoint(endpoint: WebDriverEndpoint): Promise<void> {
  await endpoint.local?.close().catch(() => {});
  await Promise.resolve(endpoint.onClose?.()).catch(() => {});
}
