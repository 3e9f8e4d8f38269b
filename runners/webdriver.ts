/**
 * One runner for every W3C WebDriver endpoint: a WebKitWebDriver the harness starts, its own
 * Appium server, a Selenium Grid, a cloud farm. What differs between them is data (a
 * WebDriverEndpoint: server URL, capabilities, what the device can tell), never a code path.
 *
 * A job loads the same probe page as the puppeteer runner and comes back as the same
 * JobResult. The page runs the job on its own; the runner polls it with asynchronous scripts
 * that return within `pollSliceMs` (farms end a session idle for 90 s, so no single wait
 * comes near that). A lost session (driver crash, device unplugged, farm timeout) fails its
 * job with the reason; the next job opens a new session and the run goes on.
 */
import type { Job } from '../harness/plan.ts';
import type { Device, JobResult, ThermalReading } from '../contract/results.ts';
import { literalSecrets, redactDeep, redactText, redactUrl } from '../contract/secrets.ts';
import { adbReverse } from './adb.ts';
import { ADB_SHELL_HINT, readAndroidRendererMemory, readDeviceThermal } from './device-readings.ts';
import type { LocalServer } from './local-server.ts';
import { killDescendants, waitFor } from './local-server.ts';
import { failedResult, skipIfUnsupported, startPageHost, type PageHost, type PageHostOptions } from './page-host.ts';
import { descendantsOf, peakRssOf } from './procfs.ts';
import type { InstanceRef, Runner } from '../harness/runner.ts';
import { checkResultText } from '../contract/ingest.ts';
import { openSession, summarizeMessage, WebDriverError, type WebDriverSession } from './webdriver-client.ts';

/** Capabilities for one new session, and what to clean up once it ended (a fresh profile folder). */
export interface SessionRequest {
  capabilities: Record<string, unknown>;
  cleanup?: () => void | Promise<void>;
}

/** Opens a session; the default is openSession. A pool may wrap it (retries, queueing). */
export type SessionOpener = (serverUrl: string, capabilities: Record<string, unknown>, timeoutMs: number) => Promise<WebDriverSession>;

/** Everything the runner needs to know about one WebDriver endpoint. */
export interface WebDriverEndpoint {
  /** Target name (messages, job ids). */
  name: string;
  /** The server's URL, credentials included (they are redacted from everything reported). */
  serverUrl: string;
  /** Values that must never be reported (expanded `${env:…}` placeholders). */
  secrets: string[];
  /** A server the harness started for this target (stopped on close; its processes give memory). */
  local: LocalServer | null;
  /** Capabilities of each new session. */
  newSession: () => SessionRequest | Promise<SessionRequest>;
  /** Open sessions through this (default openSession). */
  open?: SessionOpener;
  /** Time allowed for a session to open, ms. */
  sessionTimeoutMs: number;
  /** A fresh session for every job (fresh browser process: peak RSS is the job's own); else one until it is lost. */
  sessionPerJob: boolean;
  /** Longest single wait for the page, ms (kept well under a farm's 90 s idle limit). */
  pollSliceMs: number;
  /** A stand-in for the device (an emulated phone, a desktop engine), not the device itself. */
  emulated: boolean;
  /** What the stand-in emulates (the mobileEmulation device name). */
  emulatedDevice?: string;
  /** CDP CPU throttling set through `POST /session/:id/goog/cdp/execute` (Chrome-based sessions). */
  cpuThrottlingRate?: number;
  /** The device's thermal readings: 'device' (Android/iOS through Appium), 'emulated' (says why none), or none at all. */
  thermal: 'device' | 'emulated' | 'none';
  /** Android `mobile: shell` allowed (thermal, renderer PSS). */
  adbShell: boolean;
  /** Where the page server listens and how the device reaches it. */
  page: PageHostOptions & { adbReverse?: boolean };
  /** Among the local server's descendant processes, the page's (peak RSS from /proc), and how to name it. */
  localPageProcess?: { match: RegExp; label: string };
  /** Appended when a session cannot be opened: what to install, connect or change. */
  sessionHint?: (message: string) => string | null;
  /** Called after close (e.g. stop a private Xvfb). */
  onClose?: () => Promise<void> | void;
}

/** Capability keys that name the device a session runs on (W3C, Appium, vendor spellings). */
const MODEL_KEYS = ['appium:deviceModel', 'deviceModel', 'appium:deviceName', 'deviceName'];
const OS_VERSION_KEYS = ['appium:platformVersion', 'platformVersion'];
const UDID_KEYS = ['appium:udid', 'udid', 'appium:deviceUDID', 'deviceUDID'];

function firstString(caps: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) if (typeof caps[k] === 'string' && caps[k]) return caps[k] as string;
  return null;
}

/** Resolves within `ms` to what the page left in `__mobilenetBench.result` (JSON), or null. */
const POLL_SCRIPT = `const ms = arguments[0], done = arguments[arguments.length - 1];
const end = Date.now() + ms;
(function check() {
  const b = globalThis.__mobilenetBench;
  const r = b && b.result;
  if (r) return done(JSON.stringify(r));
  if (Date.now() >= end) return done(null);
  setTimeout(check, 100);
})();`;

interface OpenSession {
  session: WebDriverSession;
  cleanup?: () => void | Promise<void>;
  jobs: number;
  createMs: number;
  /** What deleting the previous session took, ms. */
  previousDeleteMs: number | null;
}

/**
 * Create a runner for one WebDriver endpoint (one instance of a target). Sessions open
 * lazily: the first job (or thermal reading) opens one.
 */
export async function createWebDriverRunner(endpoint: WebDriverEndpoint, instance: InstanceRef): Promise<Runner> {
  const open = endpoint.open ?? openSession;
  const serverUrlShown = redactUrl(endpoint.serverUrl);
  // What must never be reported: values from the environment, the URL's password, and the literal
  // values of secret-looking capability keys (added as each session is asked for).
  const secrets = new Set([...endpoint.secrets, ...literalSecrets(endpoint.serverUrl)]);
  const redact = (s: string) => redactText(s, [...secrets]);
  /** A server's message, redacted before it is cut to one line. */
  const summarize = (s: string) => summarizeMessage(s, [...secrets]);
  let host: PageHost;
  try {
    host = await startPageHost(endpoint.page);
  } catch (e) {
    await endpoint.local?.close();
    throw e;
  }
  let current: OpenSession | null = null;
  /** Capabilities of the last session asked for (describes the device when none opened). */
  let requested: Record<string, unknown> = {};
  let lastDeleteMs: number | null = null;
  /** The last attempt to open a session failed (thermal readings do not retry it). */
  let openFailed = false;

  const endSession = async () => {
    const s = current;
    current = null;
    if (!s) return;
    const t = Date.now();
    await s.session.delete();
    lastDeleteMs = Date.now() - t;
    // A browser that did not go away with its session (hung page) is killed, by PID.
    if (endpoint.local && endpoint.sessionPerJob) killDescendants(endpoint.local.pid);
    await tidy(s.cleanup);
  };

  /** Clean-ups that failed (a browser still writing its profile) are retried at close; they never fail a job. */
  const leftovers: Array<() => void | Promise<void>> = [];
  const tidy = async (cleanup?: () => void | Promise<void>) => {
    if (!cleanup) return;
    try {
      await cleanup();
    } catch {
      leftovers.push(cleanup);
    }
  };

  const startSession = async (): Promise<OpenSession> => {
    const req = await endpoint.newSession();
    requested = req.capabilities;
    for (const s of literalSecrets(req.capabilities)) secrets.add(s);
    const t = Date.now();
    let session: WebDriverSession;
    try {
      session = await open(endpoint.serverUrl, req.capabilities, endpoint.sessionTimeoutMs);
    } catch (e) {
      await tidy(req.cleanup);
      openFailed = true;
      const msg = summarize((e as Error).message);
      // Nothing answered: the fix is the address, not the capabilities.
      const unreachable = e instanceof WebDriverError && e.status === null;
      const hint = unreachable
        ? "nothing answered there: start the server, or correct the target's url (a tunnel or VPN to it may be down)"
        : endpoint.sessionHint?.(msg);
      const dead = endpoint.local && !endpoint.local.alive() ? ` (the local server exited: ${redact(endpoint.local.logTail())})` : '';
      throw new Error(`could not open a WebDriver session on ${serverUrlShown}: ${msg.replace(/[.\s]+$/, '')}${dead}${hint ? `. Fix: ${hint}` : ''}`);
    }
    openFailed = false;
    const s: OpenSession = { session, cleanup: req.cleanup, jobs: 0, createMs: Date.now() - t, previousDeleteMs: lastDeleteMs };
    lastDeleteMs = null;
    // Script waits are sliced by the runner, so a server's own script timeout only needs to exceed one slice.
    await session.command('POST', '/timeouts', { script: endpoint.pollSliceMs + 30_000, pageLoad: 120_000 }).catch(() => {});
    if (endpoint.page.adbReverse && String(session.capabilities.platformName ?? '').toLowerCase() === 'android') {
      try {
        await adbReverse(firstString(session.capabilities, UDID_KEYS), host.server.url ? Number(new URL(host.server.url).port) : 0);
      } catch (e) {
        await session.delete();
        await tidy(req.cleanup);
        throw e;
      }
    }
    return s;
  };

  /** The session for the next job: the current one, unless it served a job and each job gets a fresh one. */
  const sessionForJob = async (): Promise<OpenSession> => {
    if (current && endpoint.sessionPerJob && current.jobs > 0) await endSession();
    current ??= await startSession();
    return current;
  };

  const deviceOf = (s: OpenSession | null, userAgent: string | null, extra: Record<string, string | number | boolean | null> = {}): Device => {
    const caps = { ...requested, ...s?.session.capabilities };
    const details: Record<string, string | number | boolean | null> = { ...extra };
    if (s) {
      details.sessionCreateMs = s.createMs;
      if (s.previousDeleteMs !== null) details.previousSessionDeleteMs = s.previousDeleteMs;
    }
    if (endpoint.emulatedDevice) details.emulatedDevice = endpoint.emulatedDevice;
    const udid = firstString(caps, UDID_KEYS);
    return {
      platform: String(caps.platformName ?? 'unknown').toLowerCase(),
      model: firstString(caps, MODEL_KEYS) ?? endpoint.emulatedDevice ?? null,
      osVersion: firstString(caps, OS_VERSION_KEYS),
      browserName: typeof caps.browserName === 'string' ? caps.browserName : null,
      browserVersion: typeof caps.browserVersion === 'string' ? caps.browserVersion : typeof caps.version === 'string' ? caps.version : null,
      userAgent,
      emulated: endpoint.emulated,
      cpuThrottlingRate: endpoint.cpuThrottlingRate ?? 1,
      sessionId: s?.session.id ?? null,
      serverUrl: serverUrlShown,
      instance: udid ?? (instance.count > 1 ? `#${instance.index}` : null),
      details,
    };
  };

  /** Peak RSS of the page's process where the browser runs on this machine; Android renderer PSS with adb_shell. */
  const addMemory = async (result: JobResult, s: OpenSession, notes: Record<string, string | number | boolean | null>) => {
    if (!result.memory) return;
    if (endpoint.local && endpoint.localPageProcess) {
      const procs = descendantsOf(endpoint.local.pid)
        .filter((p) => endpoint.localPageProcess!.match.test(p.cmdline))
        .sort((a, b) => b.cpuTicks - a.cpuTicks);
      const peak = procs[0] ? peakRssOf(procs[0].pid) : null;
      if (peak !== null) {
        result.memory.peakRssBytes = peak;
        result.memory.peakRssSource = `VmHWM of ${endpoint.localPageProcess.label} (pid ${procs[0].pid}, from /proc${procs.length > 1 ? `; busiest of ${procs.length}` : ''})`;
      }
      return;
    }
    const platform = String(s.session.capabilities.platformName ?? '').toLowerCase();
    if (platform === 'android' && endpoint.adbShell) {
      try {
        const m = await readAndroidRendererMemory(s.session);
        if (m) {
          result.memory.extra = {
            ...result.memory.extra,
            ...(m.pssBytes !== null ? { rendererPssBytes: m.pssBytes } : {}),
            ...(m.rssBytes !== null ? { rendererRssBytes: m.rssBytes } : {}),
          };
          notes.memorySource = `extra.rendererPssBytes/rendererRssBytes: dumpsys meminfo of Chrome's renderer (pid ${m.pid}, the largest of ${m.candidates} sandboxed_process), read after the job: current, not peak`;
          return;
        }
        notes.memorySource = 'no Chrome renderer (sandboxed_process) found by ps; memory is what the page measured';
      } catch (e) {
        notes.memorySource = `renderer memory unreadable (${summarize((e as Error).message)}); memory is what the page measured`;
      }
      return;
    }
    notes.memorySource =
      platform === 'android'
        ? `the page's own figures only (JS heap, WASM memory); renderer PSS needs adb_shell: ${ADB_SHELL_HINT}`
        : "the page's own figures only (JS heap where the engine has it, WASM memory): the device's processes are not visible from here";
  };

  const runJob = async (job: Job): Promise<JobResult> => {
    const started = Date.now();
    const deadline = started + job.timeoutMs;
    let prepared;
    try {
      prepared = await host.prepareJob(job);
    } catch (e) {
      return failedResult(job, `preparing the job's data in Node: ${(e as Error).message}`, started);
    }
    let s: OpenSession | null = null;
    try {
      s = await sessionForJob();
      s.jobs++;
      const session = s.session;
      // A fresh document per job (the query keeps a browser from reusing the last one).
      await session.command('POST', '/url', { url: `${host.pageUrl}?job=${encodeURIComponent(job.id)}&t=${started}` }, 120_000);
      await waitFor(
        async () => Boolean(await session.execute('return typeof globalThis.__mobilenetBench === "object"')),
        60_000,
        'the probe page did not load within 60 s',
      );
      if (endpoint.cpuThrottlingRate !== undefined && endpoint.cpuThrottlingRate !== 1) {
        await session.command('POST', '/goog/cdp/execute', { cmd: 'Emulation.setCPUThrottlingRate', params: { rate: endpoint.cpuThrottlingRate } });
      }
      // The page needs the target's name only: its url and capabilities (credentials) stay here.
      const pageJob = { ...job, target: { name: job.target.name, type: job.target.type } };
      await session.execute('globalThis.__mobilenetBench.start(arguments[0], arguments[1])', [pageJob, prepared.assets]);
      let text: string | null = null;
      while (text === null) {
        const left = deadline - Date.now();
        if (left <= 0) {
          await endSession();
          return withDevice(
            failedResult(
              job,
              `exceeded its time limit of ${Math.round(job.timeoutMs / 1000)} s on ${endpoint.name} and was abandoned (its session was closed; raise jobTimeoutMs, or lower sampling.maxTimeMs / accuracy.samples)`,
              started,
            ),
            null,
            null,
          );
        }
        const slice = Math.min(endpoint.pollSliceMs, left);
        text = await session.executeAsync<string | null>(POLL_SCRIPT, [slice], slice + 30_000);
      }
      // What the page sends is untrusted: size, JSON, schema and job id are checked before anything reads it.
      const checked = checkResultText(text, job.id);
      if (!checked.ok) {
        await endSession();
        return withDevice(
          failedResult(job, `${endpoint.name}: the page sent what cannot be accepted: ${checked.reason} (a new session is opened for the next job)`, started),
          null,
          null,
        );
      }
      const result = skipIfUnsupported(checked.result);
      const notes: Record<string, string | number | boolean | null> = {};
      await addMemory(result, s, notes);
      const userAgent = result.effective?.details?.userAgent;
      if (result.effective) {
        const caps = session.capabilities;
        result.effective.details = {
          ...result.effective.details,
          browserVersion: `${String(caps.browserName)}/${String(caps.browserVersion ?? caps.version)}`,
        };
      }
      return withDevice(result, s, typeof userAgent === 'string' ? userAgent : null, notes);
    } catch (e) {
      const err = e as Error;
      // The runner's own errors are already composed (with their fix); a server's are summarized.
      const msg = err instanceof WebDriverError ? summarize(err.message) : redact(err.message);
      const lost = err instanceof WebDriverError && err.lost;
      const hadSession = s !== null;
      await endSession();
      const dead = endpoint.local && !endpoint.local.alive() ? `; the local server exited: ${redact(endpoint.local.logTail())}` : '';
      const what = !hadSession ? msg : lost ? `the WebDriver session was lost: ${msg}` : msg;
      return withDevice(failedResult(job, `${endpoint.name}: ${what}${dead} (a new session is opened for the next job)`, started), s, null);
    } finally {
      prepared.release();
    }
  };

  const withDevice = (
    r: JobResult,
    s: OpenSession | null,
    userAgent: string | null,
    notes: Record<string, string | number | boolean | null> = {},
  ): JobResult => {
    // The device is described from the requested capabilities too: a name given through ${env:…} stays out.
    r.device = redactDeep(deviceOf(s, userAgent, notes), [...secrets]);
    return r;
  };

  const readThermal = async (): Promise<ThermalReading[]> => {
    if (endpoint.thermal === 'emulated') {
      return [
        { source: `${endpoint.name} (emulated device)`, unavailable: "an emulated phone has no thermal sensors; the host's temperatures are not a phone's" },
      ];
    }
    if (!current) {
      if (openFailed) return [{ source: 'device', unavailable: 'no WebDriver session (the last attempt to open one failed)' }];
      try {
        current = await startSession();
      } catch {
        return [{ source: 'device', unavailable: "no WebDriver session could be opened (the job's error says why, and the fix)" }];
      }
    }
    return (await readDeviceThermal(current.session, endpoint.adbShell)).map((r) => (r.unavailable ? { ...r, unavailable: redact(r.unavailable) } : r));
  };

  return {
    runJob,
    ...(endpoint.thermal !== 'none' ? { readThermal } : {}),
    async close() {
      await endSession();
      await host.close();
      await endpoint.local?.close();
      await endpoint.onClose?.();
      for (const cleanup of leftovers.splice(0)) await tidy(cleanup);
    },
  };
}
