/**
 * What the WebDriver runner and the A/B block workers need to know about one WebDriver endpoint
 * (a WebKitWebDriver, an Appium server, a Grid, a farm): data, never a code path.
 */
import type { LocalServer } from './local-server.ts';
import type { PageHostOptions } from './page-host.ts';
import type { WebDriverSession } from './webdriver-client.ts';

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
  /** The server serves one session at a time (WebKitWebDriver): A/B workers, two sessions at once, each get a server of their own. */
  oneSessionAtATime?: boolean;
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
