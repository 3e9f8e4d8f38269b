/**
 * Desktop browsers through puppeteer-core: Chromium over CDP (Debian's chromium) and
 * Firefox over WebDriver BiDi. A thin transport: each job gets a fresh browser context and
 * page, which runs the same runProbe as Node (harness/probe/page) and returns its JobResult; the
 * runner adds what only the outside can see — the renderer's peak RSS from /proc (Chromium:
 * renderer pids from CDP SystemInfo.getProcessInfo; Firefox: its content processes). A page
 * that crashes or outlives the job's limit is recorded as failed with the reason; the browser
 * is then killed and relaunched for the next job.
 */
import type { Browser, CDPSession, Page } from 'puppeteer-core';
import { requireBrowserExecutable } from '../harness/browsers.ts';
import type { Job } from '../harness/plan.ts';
import type { JobResult } from '../contract/results.ts';
import { delay, failedResult, skipIfUnsupported, startPageHost, type PageHost } from './page-host.ts';
import { descendantsOf, peakRssOf, rssOf } from './procfs.ts';
import type { Runner } from '../harness/runner.ts';
import { checkResultValue } from '../contract/ingest.ts';
import { closeBrowser, ENGINES, launchBrowser, type PuppeteerTarget } from './browser-launch.ts';

export { applyChromiumEmulation, CHROMIUM_ARGS, type ChromiumTarget, type PuppeteerTarget } from './browser-launch.ts';

/** Options beyond the target's config (tests use the hook). */
export interface BrowserRunnerOptions {
  /** Called once the job is running in its page (a test crashes the page from here). */
  onJobStarted?: (page: Page, job: Job) => Promise<void> | void;
  /** Time allowed for launching the browser and loading the page, milliseconds. */
  startTimeoutMs?: number;
  /** Connect to a browser started elsewhere (an ssh target's board) instead of launching one. */
  remote?: RemoteBrowser;
}

/** A Chromium on another machine: started and reached by its owner, driven here with puppeteer.connect. */
export interface RemoteBrowser {
  /** The page host whose URLs that browser can reach (asked for each job: a reconnect may change it). */
  pageHost(): PageHost;
  /** Start the browser (again after a crash or a lost link) and connect to it. */
  connect(): Promise<Browser>;
  /** Stop what connect started; it may already be gone. */
  stop(): Promise<void>;
  /** Peak (VmHWM) and current (VmRSS) resident set of a process on that machine, bytes, or null. */
  peakRssOf(pid: number): Promise<number | null>;
  rssOf(pid: number): Promise<number | null>;
  /** Release the page host and the connection. */
  close(): Promise<void>;
}

/** A crash or disconnect observed while a job ran. */
class PageLost extends Error {}

interface ProcessInfoReply {
  processInfo: Array<{ type: string; id: number; cpuTime: number }>;
}

/** Create the runner for a chromium or firefox target; the browser starts with the first job. */
export async function createPuppeteerRunner(target: PuppeteerTarget, options: BrowserRunnerOptions = {}): Promise<Runner> {
  const engine = target.type;
  const remote = options.remote;
  // A missing browser is said before anything starts, not at the first job.
  if (!remote) requireBrowserExecutable(engine, target.executablePath);
  const localHost: PageHost | null = remote ? null : await startPageHost();
  const pageHost = (): PageHost => remote?.pageHost() ?? localHost!;
  const readPeakRss = remote ? remote.peakRssOf : async (pid: number) => peakRssOf(pid);
  const readRss = remote ? remote.rssOf : async (pid: number) => rssOf(pid);
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let browser: Browser | null = null;
  let browserCdp: CDPSession | null = null;
  let userDataDir: string | null = null;

  const launch = async (): Promise<Browser> => {
    if (remote) {
      const b = await remote.connect();
      browserCdp = await b.target().createCDPSession();
      return b;
    }
    const launched = await launchBrowser(target, startTimeoutMs);
    userDataDir = launched.userDataDir;
    const b = launched.browser;
    browserCdp = engine === 'chromium' ? await b.target().createCDPSession() : null;
    return b;
  };

  /** Let go of the browser: disconnect from a remote one; close (or kill) a local one and remove its profile. */
  const discard = async () => {
    const b = browser;
    browser = null;
    browserCdp = null;
    if (b && remote) {
      await b.disconnect().catch(() => {});
      await remote.stop();
    } else await closeBrowser({ browser: b, userDataDir });
    userDataDir = null;
  };

  /** Renderer pids with their CPU time (Chromium, via CDP). */
  const renderers = async (): Promise<Map<number, number>> => {
    if (!browserCdp) return new Map();
    const info = (await browserCdp.send('SystemInfo.getProcessInfo')) as unknown as ProcessInfoReply;
    return new Map(info.processInfo.filter((p) => p.type === 'renderer').map((p) => [p.id, p.cpuTime]));
  };

  /** Content processes of Firefox (from /proc) with their CPU time. */
  const contentProcesses = (): Map<number, number> => {
    const pid = browser?.process()?.pid;
    if (!pid) return new Map();
    return new Map(
      descendantsOf(pid)
        .filter((p) => /-contentproc|-isForBrowser/.test(p.cmdline))
        .map((p) => [p.pid, p.cpuTicks]),
    );
  };

  /** Which process ran the page: among those that appeared with it, the busiest one. */
  const pageProcess = async (before: Map<number, number>): Promise<{ pid: number; candidates: number } | null> => {
    const now = engine === 'chromium' ? await renderers() : contentProcesses();
    let fresh = [...now].filter(([pid]) => !before.has(pid));
    // Firefox may reuse a content process: then the busiest of all is ours.
    if (fresh.length === 0 && engine === 'firefox') fresh = [...now].map(([pid, cpu]) => [pid, cpu - (before.get(pid) ?? 0)]);
    if (fresh.length === 0) return null;
    fresh.sort((a, b) => b[1] - a[1]);
    return { pid: fresh[0][0], candidates: fresh.length };
  };

  const runJob = async (job: Job): Promise<JobResult> => {
    const started = Date.now();
    let prepared;
    const host = pageHost();
    try {
      prepared = await host.prepareJob(job);
    } catch (e) {
      return failedResult(job, `preparing the job's data in Node: ${(e as Error).message}`, started);
    }
    let relaunch = false;
    let page: Page | null = null;
    const consoleTail: string[] = [];
    const remember = (line: string) => {
      consoleTail.push(line.slice(0, 300));
      if (consoleTail.length > 8) consoleTail.shift();
    };
    const timer = delay(job.timeoutMs);
    let onDisconnect: (() => void) | null = null;
    try {
      browser ??= await launch();
      const b = browser;
      const before = engine === 'chromium' ? await renderers() : contentProcesses();
      const context = await b.createBrowserContext();
      page = await context.newPage();
      const lost = new Promise<never>((_, reject) => {
        page!.once('error', (e) => reject(new PageLost(`the page crashed (${e.message})`)));
        onDisconnect = () => reject(new PageLost('the browser disconnected (it crashed or was killed)'));
        b.once('disconnected', onDisconnect);
      });
      lost.catch(() => {});
      page.on('pageerror', (e) => remember(`pageerror: ${(e as Error).message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warn') remember(`console.${m.type()}: ${m.text()}`);
      });
      await ENGINES[engine].emulate(page, target);
      await Promise.race([page.goto(host.pageUrl, { waitUntil: 'load', timeout: startTimeoutMs }), lost]);
      await Promise.race([page.waitForFunction('globalThis.__mobilenetBench !== undefined', { timeout: startTimeoutMs }), lost]);
      const running = page.evaluate(
        (j, a) => (globalThis as unknown as { __mobilenetBench: { run(j: unknown, a: unknown): Promise<unknown> } }).__mobilenetBench.run(j, a),
        job as unknown as Record<string, unknown>,
        prepared.assets as unknown as Record<string, unknown>,
      ) as Promise<JobResult>;
      running.catch(() => {});
      const hook = options.onJobStarted ? Promise.resolve(options.onJobStarted(page, job)).catch(() => {}) : null;
      const outcome = await Promise.race([
        running.then((r) => ({ kind: 'result' as const, r })),
        lost,
        timer.promise.then(() => ({ kind: 'timeout' as const })),
      ]);
      await hook;
      if (outcome.kind === 'timeout') {
        relaunch = true;
        return failedResult(
          job,
          `exceeded its time limit of ${Math.round(job.timeoutMs / 1000)} s in ${engine} and was abandoned (the browser was relaunched; raise jobTimeoutMs, or lower sampling.maxTimeMs / accuracy.samples)`,
          started,
        );
      }
      // What the page returns is untrusted: size, schema and job id are checked before anything reads it.
      const checked = checkResultValue(outcome.r, job.id);
      if (!checked.ok) {
        relaunch = true;
        return failedResult(job, `${engine}: the page sent what cannot be accepted: ${checked.reason} (the browser was relaunched for the next job)`, started);
      }
      const result = skipIfUnsupported(checked.result);
      if (result.memory) {
        const proc = await pageProcess(before).catch(() => null);
        const peak = proc ? await readPeakRss(proc.pid) : null;
        if (proc && peak !== null) {
          result.memory.peakRssBytes = peak;
          result.memory.peakRssSource =
            engine === 'chromium'
              ? `VmHWM of the page's renderer process (pid ${proc.pid}, from CDP SystemInfo.getProcessInfo and /proc${proc.candidates > 1 ? `; busiest of ${proc.candidates} new renderers` : ''})`
              : `VmHWM of the page's Firefox content process (pid ${proc.pid}, from /proc${proc.candidates > 1 ? `; busiest of ${proc.candidates}` : ''})`;
        }
        if (engine === 'chromium' && (job.implementation.backend === 'webgl' || job.implementation.backend === 'webgpu')) {
          const gpu = browserCdp
            ? ((await browserCdp.send('SystemInfo.getProcessInfo')) as unknown as ProcessInfoReply).processInfo.find((p) => p.type === 'GPU')
            : undefined;
          const gpuRss = gpu ? await readRss(gpu.id) : null;
          if (gpuRss !== null) result.memory.extra = { ...result.memory.extra, gpuProcessRssBytes: gpuRss };
        }
      }
      if (result.effective) result.effective.details = { ...result.effective.details, browserVersion: await b.version() };
      return result;
    } catch (e) {
      relaunch = true;
      const reason = e instanceof PageLost ? e.message : `${engine}: ${(e as Error).message}`;
      const tail = consoleTail.length ? `; the page's last messages:\n${consoleTail.join('\n')}` : '';
      return failedResult(job, `${reason}${tail} (the browser was relaunched for the next job)`, started);
    } finally {
      timer.cancel();
      if (onDisconnect) browser?.off('disconnected', onDisconnect);
      prepared.release();
      if (relaunch) await discard();
      else if (page)
        await Promise.race([
          page
            .browserContext()
            .close()
            .catch(() => {}),
          delay(10_000).promise,
        ]);
    }
  };

  return {
    runJob,
    async close() {
      await discard();
      await (remote ? remote.close() : localHost!.close());
    },
  };
}
