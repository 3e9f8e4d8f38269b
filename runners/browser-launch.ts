/**
 * Launching a local desktop browser through puppeteer-core, shared by the `run` runner
 * (runners/browser.ts) and the A/B block host (runners/puppeteer-blocks.ts): Chromium over CDP,
 * Firefox over WebDriver BiDi. What differs between the engines is data here (puppeteer's browser
 * name and protocol, the harness's own flags, the target's page emulation), not code paths.
 */
import type { Browser, Page } from 'puppeteer-core';
import { requireBrowserExecutable } from '../harness/browsers.ts';
import type { Target } from '../harness/config/schema.ts';
import { makeTempDir, removeTempDir, tieTempDir } from './temp-dir.ts';

export type ChromiumTarget = Extract<Target, { type: 'chromium' }>;
export type FirefoxTarget = Extract<Target, { type: 'firefox' }>;
/** Targets driven through puppeteer-core. */
export type PuppeteerTarget = ChromiumTarget | FirefoxTarget;

/** Chromium flags: quiet, no sandbox (containers), software WebGL (SwiftShader) and WebGPU, quick measureUserAgentSpecificMemory. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--enable-blink-features=ForceEagerMeasureMemory',
  // Timings must not depend on whether the page counts as visible.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** A Chromium target's emulation (reported cores, CPU throttling) on a fresh page, over CDP. */
export async function applyChromiumEmulation(page: Page, t: ChromiumTarget): Promise<void> {
  const cdp = await page.createCDPSession();
  if (t.hardwareConcurrency !== undefined) await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: t.hardwareConcurrency });
  if (t.cpuThrottlingRate !== undefined) await cdp.send('Emulation.setCPUThrottlingRate', { rate: t.cpuThrottlingRate });
}

/** How puppeteer drives one engine. */
export interface EngineOptions {
  /** puppeteer.launch's `browser`. */
  puppeteerBrowser: 'chrome' | 'firefox';
  protocol: 'cdp' | 'webDriverBiDi';
  /** The harness's own flags, before the target's `args`. */
  args: readonly string[];
  /** Apply the target's page settings to a fresh page (Firefox has none). */
  emulate(page: Page, target: PuppeteerTarget): Promise<void>;
}

export const ENGINES: Record<PuppeteerTarget['type'], EngineOptions> = {
  chromium: { puppeteerBrowser: 'chrome', protocol: 'cdp', args: CHROMIUM_ARGS, emulate: (page, t) => applyChromiumEmulation(page, t as ChromiumTarget) },
  firefox: { puppeteerBrowser: 'firefox', protocol: 'webDriverBiDi', args: [], emulate: async () => {} },
};

/** A launched browser and its temporary profile. */
export interface LaunchedBrowser {
  browser: Browser;
  userDataDir: string;
}

/** Launch the target's browser with a fresh temporary profile (removed with it, or at exit). */
export async function launchBrowser(target: PuppeteerTarget, startTimeoutMs: number, profilePrefix = `mnb-${target.type}-`): Promise<LaunchedBrowser> {
  const engine = ENGINES[target.type];
  const executablePath = requireBrowserExecutable(target.type, target.executablePath);
  const puppeteer = (await import('puppeteer-core')).default;
  const userDataDir = makeTempDir(profilePrefix);
  try {
    const browser = await puppeteer.launch({
      browser: engine.puppeteerBrowser,
      protocol: engine.protocol,
      executablePath,
      headless: target.headless,
      userDataDir,
      args: [...engine.args, ...target.args],
      protocolTimeout: 24 * 3600_000, // the callers enforce each step's own limit
      timeout: startTimeoutMs,
    });
    tieTempDir(userDataDir, browser.process());
    return { browser, userDataDir };
  } catch (e) {
    await removeTempDir(userDataDir);
    throw e;
  }
}

/** Close the browser, or kill it when it does not close within 5 s (it may be hung or crashed), and remove its profile. Never throws. */
export async function closeBrowser(launched: { browser: Browser | null; userDataDir: string | null }): Promise<void> {
  const b = launched.browser;
  if (b) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([b.close().catch(() => {}), new Promise((done) => (timer = setTimeout(done, 5000)))]);
    clearTimeout(timer);
  }
  // Kills what is left of the browser (its whole process group) and waits for it to exit first.
  if (launched.userDataDir) await removeTempDir(launched.userDataDir);
}
