/**
 * What a Selenium Grid (or a device farm in front of one) asks of a WebDriver client, as data
 * and one wrapper: a routing capability so requests reach the nodes meant for them, a client
 * timeout above the Grid's queue timeout, and retries with backoff on the errors Grids and
 * farms are known for. Used by every WebDriver-speaking target; nothing else changes for a Grid.
 */
import { WebDriverError, openSession, type WebDriverSession } from './webdriver-client.ts';
import type { SessionOpener } from './webdriver.ts';

/**
 * The capability that routes a request to a pool of nodes. Grid's default slot matcher ignores
 * request capabilities a node's stereotype lacks, so a desktop Chrome request can land on an
 * Appium node serving `browserName: chrome`; a custom capability in every stereotype and every
 * request keeps them apart.
 */
export const ROUTING_CAPABILITY = 'bench:pool';

/** Add the routing capability when the target names a pool. */
export function withPool(capabilities: Record<string, unknown>, pool: string | undefined): Record<string, unknown> {
  return pool === undefined ? capabilities : { ...capabilities, [ROUTING_CAPABILITY]: pool };
}

/**
 * Session errors worth retrying: the Grid's queue timed out, a node went away or could not
 * start the browser, a farm or proxy was briefly unavailable. A capability no node supports,
 * or bad credentials, is not retried: it will not get better.
 */
const TRANSIENT =
  /new session request timed out|session request timed out|could not start a new session|unable to create (?:new )?session|node (?:was )?(?:lost|removed|down|is down)|lost (?:the )?node|no (?:available|free) (?:slot|node)s?|retry(?:ing)? later|ECONNRESET|socket hang up|\b50[234]\b|service unavailable|bad gateway|gateway time-?out/i;
const PERMANENT = /no nodes support|unsupported capabilit|invalid argument|unauthori[sz]ed|forbidden|\b40[13]\b/i;

/** Whether a failed session request may succeed if tried again. */
export function isTransientSessionError(e: unknown): boolean {
  const message = e instanceof Error ? e.message : String(e);
  if (PERMANENT.test(message)) return false;
  if (TRANSIENT.test(message)) return true;
  // The server answered 5xx without a recognisable message: a proxy or a restarting hub.
  return e instanceof WebDriverError && e.status !== null && e.status >= 500 && e.code === null;
}

/** How hard to retry. */
export interface RetryPolicy {
  /** Attempts in all (default 4). */
  attempts?: number;
  /** First pause, doubled after each failure (default 1000 ms), at most maxDelayMs (default 15 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each pause (progress, tests). */
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * An opener that retries transient session errors with exponential backoff; the final error
 * says how many attempts were made. Each attempt gets the full client timeout.
 */
export function retryingOpener(open: SessionOpener = openSession, policy: RetryPolicy = {}): SessionOpener {
  const attempts = policy.attempts ?? 4;
  const base = policy.baseDelayMs ?? 1000;
  const max = policy.maxDelayMs ?? 15_000;
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async (serverUrl, capabilities, timeoutMs): Promise<WebDriverSession> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await open(serverUrl, capabilities, timeoutMs);
      } catch (e) {
        if (attempt >= attempts || !isTransientSessionError(e)) {
          if (attempt > 1 && e instanceof Error) e.message = `${e.message} (after ${attempt} attempts with backoff)`;
          throw e;
        }
        const delay = Math.min(max, base * 2 ** (attempt - 1));
        policy.onRetry?.(attempt, delay, e);
        await sleep(delay);
      }
    }
  };
}
