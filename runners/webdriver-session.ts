/**
 * Opening a session on a WebDriver endpoint and loading the probe page in it: what the WebDriver
 * runner's jobs (runners/webdriver.ts) and the A/B block workers (runners/webdriver-blocks.ts)
 * share, so that an endpoint's capabilities, hints, timeouts, adb reverse and CPU throttling mean
 * the same on both paths.
 */
import { literalSecrets, redactText, redactUrl } from '../contract/secrets.ts';
import { adbReverse } from './adb.ts';
import { waitFor } from './local-server.ts';
import { openSession, summarizeMessage, WebDriverError, type WebDriverSession } from './webdriver-client.ts';
import type { WebDriverEndpoint } from './webdriver-endpoint.ts';

/** A session opened on an endpoint, with what to clean up once it ended (a fresh profile folder). */
export interface EndpointSession {
  session: WebDriverSession;
  cleanup?: () => void | Promise<void>;
  /** What opening it took, ms. */
  createMs: number;
}

export interface SessionContext {
  /** What must never be reported; the literal values of secret-looking capabilities are added to it. */
  secrets: Set<string>;
  /** The page server's port (forwarded to an Android phone with adb reverse). */
  pagePort: number;
  /** Called with the capabilities asked for, before the session opens. */
  onRequest?: (capabilities: Record<string, unknown>) => void;
  /** Runs a session's clean-up (the caller keeps the ones that fail for later). */
  tidy: (cleanup?: () => void | Promise<void>) => Promise<void>;
}

/** Capability keys that name the device's serial (W3C, Appium, vendor spellings). */
export const UDID_KEYS = ['appium:udid', 'udid', 'appium:deviceUDID', 'deviceUDID'];

export function firstString(caps: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) if (typeof caps[k] === 'string' && caps[k]) return caps[k] as string;
  return null;
}

/**
 * Open a session with the endpoint's capabilities. A refusal is thrown as one redacted line with
 * the fix (the endpoint's hint, or "nothing answered" for an address that is not there).
 */
export async function openEndpointSession(endpoint: WebDriverEndpoint, ctx: SessionContext): Promise<EndpointSession> {
  const open = endpoint.open ?? openSession;
  const req = await endpoint.newSession();
  ctx.onRequest?.(req.capabilities);
  for (const s of literalSecrets(req.capabilities)) ctx.secrets.add(s);
  const t = Date.now();
  let session: WebDriverSession;
  try {
    session = await open(endpoint.serverUrl, req.capabilities, endpoint.sessionTimeoutMs);
  } catch (e) {
    await ctx.tidy(req.cleanup);
    const msg = summarizeMessage((e as Error).message, [...ctx.secrets]);
    // Nothing answered: the fix is the address, not the capabilities.
    const unreachable = e instanceof WebDriverError && e.status === null;
    const hint = unreachable
      ? "nothing answered there: start the server, or correct the target's url (a tunnel or VPN to it may be down)"
      : endpoint.sessionHint?.(msg);
    const dead = endpoint.local && !endpoint.local.alive() ? ` (the local server exited: ${redactText(endpoint.local.logTail(), [...ctx.secrets])})` : '';
    throw new Error(
      `could not open a WebDriver session on ${redactUrl(endpoint.serverUrl)}: ${msg.replace(/[.\s]+$/, '')}${dead}${hint ? `. Fix: ${hint}` : ''}`,
    );
  }
  const opened: EndpointSession = { session, cleanup: req.cleanup, createMs: Date.now() - t };
  // Script waits are sliced by the caller, so a server's own script timeout only needs to exceed one slice.
  await session.command('POST', '/timeouts', { script: endpoint.pollSliceMs + 30_000, pageLoad: 120_000 }).catch(() => {});
  if (endpoint.page.adbReverse && String(session.capabilities.platformName ?? '').toLowerCase() === 'android') {
    try {
      await adbReverse(firstString(session.capabilities, UDID_KEYS), ctx.pagePort);
    } catch (e) {
      await session.delete();
      await ctx.tidy(req.cleanup);
      throw e;
    }
  }
  return opened;
}

/** Load the probe page at `url` (a fresh document: give it a query of its own) and apply the endpoint's CPU throttling. */
export async function loadProbePage(session: WebDriverSession, endpoint: WebDriverEndpoint, url: string): Promise<void> {
  await session.command('POST', '/url', { url }, 120_000);
  await waitFor(
    async () => Boolean(await session.execute('return typeof globalThis.__mobilenetBench === "object"')),
    60_000,
    'the probe page did not load within 60 s',
  );
  if (endpoint.cpuThrottlingRate !== undefined && endpoint.cpuThrottlingRate !== 1) {
    await session.command('POST', '/goog/cdp/execute', { cmd: 'Emulation.setCPUThrottlingRate', params: { rate: endpoint.cpuThrottlingRate } });
  }
}
