/**
 * A small W3C WebDriver client over fetch: new session, commands, delete. It speaks plain
 * HTTP/JSON to any endpoint (WebKitWebDriver, Appium, Selenium Grid, a cloud farm), gives
 * every request its own time limit, sends URL credentials as a Basic Authorization header
 * (fetch refuses them in URLs) and turns a server's error into the server's own words.
 * No BiDi, no vendor SDK: vendor differences are capabilities.
 */
import { literalSecrets, redactAndCut, redactText, redactUrl } from '../contract/secrets.ts';
import { MAX_LINE_BYTES, mib } from '../contract/ingest.ts';

/** A WebDriver command failed; `lost` says the session can no longer be used. */
export class WebDriverError extends Error {
  constructor(
    message: string,
    /** The W3C error code ('invalid session id', 'session not created', …), or null for transport errors. */
    readonly code: string | null,
    /** HTTP status, or null when no response came. */
    readonly status: number | null,
    /** True when the session is gone (deleted, crashed, unreachable server, timed out). */
    readonly lost: boolean,
  ) {
    super(message);
    this.name = 'WebDriverError';
  }
}

/** W3C error codes after which a session is gone. */
const LOST_CODES = new Set(['invalid session id', 'no such window', 'session not created']);
/** Messages (any code) that mean the browser or its driver went away. */
const LOST_MESSAGE =
  /not reachable|disconnected|has crashed|crashed|terminated|no such session|session (?:is )?(?:either )?(?:deleted|terminated|not started)|ECONNREFUSED|ECONNRESET|socket hang up/i;

/** Longest summary of a server's message, characters. */
export const SUMMARY_MAX_CHARS = 600;
/** Most of a non-JSON reply (a proxy's HTML page) kept in an error: far above SUMMARY_MAX_CHARS, so the cut that shows is the one made after redaction. */
const RAW_BODY_MAX_CHARS = 4000;

/**
 * A server's message in one line: chromedriver and Appium nest the cause on later lines
 * ("cannot parse capability … from invalid argument: 'X' must be a valid device"), so the
 * first few lines are kept, stack frames dropped. `secrets` are redacted before the message
 * is cut (a farm that echoes the request would otherwise leave a key's first characters).
 */
export function summarizeMessage(message: string, secrets: readonly string[] = [], maxLines = 4): string {
  const lines = redactText(message, secrets)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^at\s/.test(l) && !/^\(Session info:/.test(l));
  return redactAndCut(lines.slice(0, maxLines).join(' / '), SUMMARY_MAX_CHARS, secrets);
}

/** An open session on a WebDriver server. */
export interface WebDriverSession {
  readonly id: string;
  /** The server's URL (may hold credentials: redact before reporting). */
  readonly serverUrl: string;
  /** Capabilities the server returned. */
  readonly capabilities: Record<string, unknown>;
  /** A raw command relative to the session, e.g. `('POST', '/url', { url })`; resolves to `value`. */
  command<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs?: number): Promise<T>;
  /** Execute a synchronous script in the page. */
  execute<T = unknown>(script: string, args?: unknown[], timeoutMs?: number): Promise<T>;
  /** Execute an asynchronous script (its last argument is the callback). */
  executeAsync<T = unknown>(script: string, args?: unknown[], timeoutMs?: number): Promise<T>;
  /** End the session; never throws (a lost session has nothing to delete). */
  delete(timeoutMs?: number): Promise<void>;
}

/** Default time limit of one command, milliseconds. */
const COMMAND_TIMEOUT_MS = 60_000;

/** Split credentials out of a URL: fetch cannot send them inline. */
function endpoint(serverUrl: string): { base: string; headers: Record<string, string> } {
  const u = new URL(serverUrl);
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json' };
  if (u.username || u.password) {
    headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  return { base: u.toString().replace(/\/+$/, ''), headers };
}

/**
 * Most a server's answer may hold: a page's result (at most MAX_LINE_BYTES) arrives as a JSON
 * string inside the answer, where escaping can double it.
 */
const MAX_RESPONSE_BYTES = 2 * MAX_LINE_BYTES + 2 ** 20;

/** The body as text, read only up to MAX_RESPONSE_BYTES (a server or a page is not trusted to stop). */
async function boundedText(res: Response, method: string, path: string): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => {});
      throw new WebDriverError(`the answer to ${method} ${path} is over ${mib(MAX_RESPONSE_BYTES)}; it was not read`, null, res.status, false);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** One HTTP round trip to the server; resolves to the response's `value`. */
async function call<T>(serverUrl: string, method: string, path: string, body: unknown, timeoutMs: number): Promise<T> {
  const { base, headers } = endpoint(serverUrl);
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw new WebDriverError(`${why} (${method} ${path})`, null, null, true);
  }
  let text: string;
  try {
    text = await boundedText(res, method, path);
  } catch (e) {
    if (e instanceof WebDriverError) throw e;
    // The time limit covers the body too: a server that stops half-way is as gone as one that never answered.
    const err = e as Error;
    throw new WebDriverError(
      `${err.name === 'TimeoutError' ? `no whole answer within ${Math.round(timeoutMs / 1000)} s` : err.message} (${method} ${path})`,
      null,
      null,
      true,
    );
  }
  let parsed: { value?: unknown; sessionId?: string } | null = null;
  try {
    parsed = JSON.parse(text) as { value?: unknown };
  } catch {
    /* not JSON: a proxy, a wrong URL */
  }
  const value = parsed?.value as { error?: string; message?: string } | undefined;
  if (!res.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
    const code = value && typeof value.error === 'string' ? value.error : null;
    // The URL's own credentials go before the body is bounded; the caller redacts the rest, then summarizes.
    const body = parsed ? '' : `: ${redactAndCut(text, RAW_BODY_MAX_CHARS, literalSecrets(serverUrl))}`;
    const message = value && typeof value.message === 'string' ? value.message : `HTTP ${res.status} ${res.statusText}${body}`;
    const lost = (code !== null && LOST_CODES.has(code)) || LOST_MESSAGE.test(message) || (code === null && res.status === 404);
    throw new WebDriverError(message, code, res.status, lost);
  }
  return (parsed ?? { value: null }).value as T;
}

/**
 * Open a session with W3C capabilities (`alwaysMatch`). Throws WebDriverError with the
 * server's message when it refuses (no device, unknown capability, no free slot).
 */
export async function openSession(serverUrl: string, capabilities: Record<string, unknown>, timeoutMs = 120_000): Promise<WebDriverSession> {
  const reply = await call<{ sessionId?: string; capabilities?: Record<string, unknown> }>(
    serverUrl,
    'POST',
    '/session',
    { capabilities: { alwaysMatch: capabilities, firstMatch: [{}] } },
    timeoutMs,
  );
  if (!reply?.sessionId) throw new WebDriverError(`the server at ${redactUrl(serverUrl)} answered POST /session without a session id`, null, null, true);
  const id = reply.sessionId;
  const session: WebDriverSession = {
    id,
    serverUrl,
    capabilities: reply.capabilities ?? {},
    command: (method, path, body, ms = COMMAND_TIMEOUT_MS) =>
      call(serverUrl, method, `/session/${id}${path}`, method === 'POST' ? (body ?? {}) : undefined, ms),
    execute: (script, args = [], ms) => session.command('POST', '/execute/sync', { script, args }, ms),
    executeAsync: (script, args = [], ms) => session.command('POST', '/execute/async', { script, args }, ms),
    async delete(ms = 15_000) {
      await call(serverUrl, 'DELETE', `/session/${id}`, undefined, ms).catch(() => {});
    },
  };
  return session;
}
