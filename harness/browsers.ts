/**
 * Where the desktop browsers are and what each engine can run: executable lookup (config,
 * environment variable, the usual paths) with an install hint when none is found, and the
 * implementation × backend pairs that are impossible in a browser. Plain data, no launching.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageDir } from '../models/platform/package-json.ts';
import { type ImplName, unsupportedOn } from '../models/registry.ts';

/** Browser engines the harness drives. */
export type BrowserEngine = 'chromium' | 'firefox' | 'webkit';

/** Where each engine's executable usually lives on Linux (Debian first), macOS and Windows. */
const USUAL_PATHS: Record<BrowserEngine, string[]> = {
  chromium: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  ],
  firefox: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox', 'C:\\Program Files\\Mozilla Firefox\\firefox.exe'],
  // WebKit is driven through WebKitWebDriver, which starts MiniBrowser itself.
  webkit: ['/usr/bin/WebKitWebDriver', '/usr/lib/webkit2gtk-4.1/WebKitWebDriver'],
};

/** The environment variable that names an engine's executable. */
const PATH_VARIABLES: Record<BrowserEngine, string> = { chromium: 'CHROME_PATH', firefox: 'FIREFOX_PATH', webkit: 'WEBKIT_WEBDRIVER_PATH' };

/** How to get a browser when none is found. */
const INSTALL_HINTS: Record<BrowserEngine, string> = {
  chromium:
    "install one with `sudo apt-get install chromium` (Debian/Ubuntu), or point CHROME_PATH or the target's executablePath at a Chrome/Chromium binary. (Plain `puppeteer` would download a browser; this harness uses puppeteer-core and never downloads.)",
  firefox: "install one with `sudo apt-get install firefox-esr` (Debian), or point FIREFOX_PATH or the target's executablePath at a Firefox binary",
  webkit:
    "install WebKitGTK's driver and MiniBrowser with `sudo apt-get install webkit2gtk-driver xvfb xauth` (Debian), or set WEBKIT_WEBDRIVER_PATH / the target's driverPath",
};

/** A browser could not be found; the message says where we looked and how to install one. */
export class BrowserNotFoundError extends Error {
  constructor(
    readonly engine: BrowserEngine,
    looked: string[],
  ) {
    super(`no ${engine} found (looked at ${looked.join(', ')}); ${INSTALL_HINTS[engine]}`);
    this.name = 'BrowserNotFoundError';
  }
}

/** The executable for an engine: the configured path, else $<VAR>, else the first usual path that exists; null when none. */
export function findBrowserExecutable(engine: BrowserEngine, configured?: string): string | null {
  if (configured) return existsSync(configured) ? configured : null;
  const fromEnv = process.env[PATH_VARIABLES[engine]];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return USUAL_PATHS[engine].find((p) => existsSync(p)) ?? null;
}

/** Like findBrowserExecutable, but throws BrowserNotFoundError with the install hint. */
export function requireBrowserExecutable(engine: BrowserEngine, configured?: string): string {
  const found = findBrowserExecutable(engine, configured);
  if (found) return found;
  const envValue = process.env[PATH_VARIABLES[engine]];
  const looked = configured
    ? [`executablePath ${configured}`]
    : envValue
      ? [`${PATH_VARIABLES[engine]}=${envValue}`]
      : [`$${PATH_VARIABLES[engine]} (unset)`, ...USUAL_PATHS[engine]];
  throw new BrowserNotFoundError(engine, looked);
}

/** Whether an npm package is installed for this project. */
export function packageInstalled(name: string): boolean {
  return packageDir(name) !== null;
}

/** Why an implementation cannot run in an engine's page, or null when it can (runtime checks come later, in the page). */
export function browserUnsupported(engine: BrowserEngine, i: { impl: ImplName; backend: string }): string | null {
  const page = unsupportedOn('page', i.impl);
  if (page) return page;
  if (i.impl === 'tfjs' && (i.backend === 'webgl' || i.backend === 'webgpu')) {
    const pkg = `@tensorflow/tfjs-backend-${i.backend}`;
    if (!packageInstalled(pkg)) return `tfjs:${i.backend} needs ${pkg}, which is not installed (npm install ${pkg}@4)`;
  }
  if (i.backend === 'webgpu' && engine === 'webkit') return "WebKitGTK's MiniBrowser exposes no WebGPU (navigator.gpu is undefined)";
  return null;
}
