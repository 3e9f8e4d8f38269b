/**
 * The `appium` target's presets as data: the W3C capabilities of each kind of phone browser,
 * what it can tell about itself, and the fix to print when a session cannot be opened. A
 * target's own `capabilities` are merged over these (mergeCapabilities).
 */
import { existsSync } from 'node:fs';
import { findBrowserExecutable } from '../harness/browsers.ts';
import { CHROMIUM_ARGS } from './browser.ts';

/** Names of the presets (the config's `preset`). */
export type AppiumPresetName = 'android' | 'ios' | 'phone-emulated';

/** What a preset supplies. */
export interface AppiumPreset {
  /** Capabilities before the target's own are merged over them; `profileDir` is a fresh folder per session where the preset needs one. */
  capabilities(ctx: { profileDir: string | null; emulatedDevice: string }): Record<string, unknown>;
  /** Whether each session needs a fresh browser profile folder (a local Chromium). */
  needsProfileDir: boolean;
  /** A stand-in, not a real phone. */
  emulated: boolean;
  /** The browser runs where the Appium server runs (a chromedriver port must be free there). */
  localBrowser: boolean;
  /** A fresh session for each job (cheap and local), or one session until it is lost (a real device: sessions are slow). */
  sessionPerJob: boolean;
  /** CPU throttling applied when the target sets none (CDP). */
  defaultCpuThrottlingRate?: number;
  /** The local page process (its peak RSS), for presets whose browser runs on this machine. */
  localPageProcess?: { match: RegExp; label: string };
  /** The fix for a session that could not be opened, from the server's message. */
  hint(message: string): string;
}

/** Where Debian (and others) put chromedriver; CHROMEDRIVER_PATH first. */
export function findChromedriver(): string | null {
  const candidates = [process.env.CHROMEDRIVER_PATH, '/usr/bin/chromedriver', '/usr/lib/chromium/chromedriver', '/usr/local/bin/chromedriver'];
  return candidates.find((p): p is string => Boolean(p) && existsSync(p!)) ?? null;
}

/** Appium's platformName for this host (the Chromium driver runs the browser here). */
function hostPlatformName(): string {
  return process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'windows' : 'linux';
}

const ANDROID_FIX =
  'install the Android SDK platform-tools and export ANDROID_HOME (or ANDROID_SDK_ROOT), connect the phone over USB with USB debugging on and this computer authorised (`adb devices` lists it as "device"), set capabilities["appium:udid"] when several are connected, and give a chromedriver matching the phone\'s Chrome (capabilities["appium:chromedriverExecutable"], or start your Appium server with --allow-insecure uiautomator2:chromedriver_autodownload and point `url` at it). Without a phone, `--target phone-emulated` runs the same path on this machine';
const IOS_FIX =
  'real iPhones need macOS with Xcode: run the harness (or an Appium server it reaches through `url`) on a Mac with Xcode, the iPhone attached and trusted, Web Inspector on in Safari\'s settings, and capabilities "appium:udid" and "appium:platformVersion"; from Linux only with a signed, preinstalled WebDriverAgent ("appium:usePreinstalledWDA" or "appium:webDriverAgentUrl"). Without a phone, `--target phone-emulated` runs on this machine';

/** The presets. */
export const APPIUM_PRESETS: Record<AppiumPresetName, AppiumPreset> = {
  android: {
    capabilities: () => ({
      platformName: 'Android',
      browserName: 'Chrome',
      'appium:automationName': 'UiAutomator2',
      // The runner polls at least every pollSliceMs, far within this.
      'appium:newCommandTimeout': 300,
    }),
    needsProfileDir: false,
    emulated: false,
    localBrowser: false,
    sessionPerJob: false,
    hint: (m) =>
      /ANDROID_HOME|ANDROID_SDK_ROOT|adb/i.test(m)
        ? `the Android SDK is missing: ${ANDROID_FIX}`
        : /connected|device/i.test(m)
          ? `no Android phone is connected: ${ANDROID_FIX}`
          : ANDROID_FIX,
  },
  ios: {
    capabilities: () => ({
      platformName: 'iOS',
      browserName: 'Safari',
      'appium:automationName': 'XCUITest',
      'appium:newCommandTimeout': 300,
    }),
    needsProfileDir: false,
    emulated: false,
    localBrowser: false,
    sessionPerJob: false,
    hint: () => IOS_FIX,
  },
  'phone-emulated': {
    capabilities: ({ profileDir, emulatedDevice }) => ({
      platformName: hostPlatformName(),
      browserName: 'chrome',
      'appium:automationName': 'Chromium',
      'appium:executable': findChromedriver() ?? '/usr/bin/chromedriver',
      'appium:autodownloadEnabled': false,
      'appium:disableBuildCheck': true,
      // Appium ends a session idle for 60 s by default; an A/B worker waits while the other workers start.
      'appium:newCommandTimeout': 300,
      'goog:chromeOptions': {
        binary: findBrowserExecutable('chromium') ?? '/usr/bin/chromium',
        mobileEmulation: { deviceName: emulatedDevice },
        args: ['--headless', ...CHROMIUM_ARGS, ...(profileDir ? [`--user-data-dir=${profileDir}`] : [])],
      },
    }),
    needsProfileDir: true,
    emulated: true,
    localBrowser: true,
    sessionPerJob: true,
    defaultCpuThrottlingRate: 4,
    localPageProcess: { match: /--type=renderer/, label: "the emulated phone's Chromium renderer (a process of this machine, not a phone's)" },
    hint: (m) =>
      /chromedriver|executable|binary|cannot find|no such file/i.test(m)
        ? 'install Debian\'s chromium and chromium-driver (`sudo apt-get install chromium chromium-driver`), or set CHROMEDRIVER_PATH / capabilities["appium:executable"] and capabilities["goog:chromeOptions"].binary'
        : "check the capabilities merged over the phone-emulated preset (the server's message above names the one it refused)",
  },
};

/**
 * Merge a target's capabilities over a preset's: objects merge key by key (so
 * `goog:chromeOptions.mobileEmulation` can change alone), arrays and other values replace,
 * and `null` removes the preset's key.
 */
export function mergeCapabilities(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isPlainObject(v) && isPlainObject(out[k])) out[k] = mergeCapabilities(out[k] as Record<string, unknown>, v);
    else out[k] = v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
