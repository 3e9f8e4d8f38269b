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
import { ADB_SHELL_HINT, readAndroidRendererMemory, readDeviceThermal } from './device-readings.ts';
import { killDescendants } from './local-server.ts';
import { failedResult, skipIfUnsupported, startPageHost, type PageHost } from './page-host.ts';
import { descendantsOf, peakRssOf } from './procfs.ts';
import type { InstanceRef, Runner } from '../harness/runner.ts';
import { checkResultText } from '../contract/ingest.ts';
import { summarizeMessage, WebDriverError } from './webdriver-client.ts';
import type { WebDriverEndpoint } from './webdriver-endpoint.ts';
import { firstString, loadProbePage, openEndpointSession, UDID_KEYS, type EndpointSession } from './webdriver-session.ts';

export type { SessionOpener, SessionRequest, WebDriverEndpoint } from './webdriver-endpoint.ts';

/** Capability keys that name the device a session runs on (W3C, Appium, vendor spellings). */
const MODEL_KEYS = ['appium:deviceModel', 'deviceModel', 'appium:deviceName', 'deviceName'];
const OS_VERSION_KEYS = ['appium:platformVersion', 'platformVersion'];

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

interface OpenSession extends EndpointSession {
  jobs: number;
  /** What deleting the previous session took, ms. */
  previousDeleteMs: number | null;
}

/**
 * Create a runner for one WebDriver endpoint (one instance of a target). Sessions open
 * lazily: the first job (or thermal reading) opens one.
 */
export async function createWebDriverRunner(endpoint: WebDriverEndpoint, instance: InstanceRef): Promise<Runner> {
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
    let opened: EndpointSession;
    try {
      opened = await openEndpointSession(endpoint, {
        secrets,
        pagePort: host.server.url ? Number(new URL(host.server.url).port) : 0,
        onRequest: (caps) => {
          requested = caps;
        },
        tidy,
      });
    } catch (e) {
      openFailed = true;
      throw e;
    }
    openFailed = false;
    const s: OpenSession = { ...opened, jobs: 0, previousDeleteMs: lastDeleteMs };
    lastDeleteMs = null;
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
      await loadProbePage(session, endpoint, `${host.pageUrl}?job=${encodeURIComponent(job.id)}&t=${started}`);
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
