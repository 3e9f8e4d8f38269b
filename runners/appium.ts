/**
 * The `appium` target: a phone browser through Appium 3 — Android Chrome (UiAutomator2), iOS
 * Safari (XCUITest), or the phone-emulated stand-in (Appium's Chromium driver with
 * mobileEmulation and CDP CPU throttling). With a `url` it talks to that server (a local
 * Appium, a Selenium Grid, a cloud farm); without one it starts the project's own Appium
 * server on a free loopback port. Everything else is the WebDriver runner.
 */
import { makeTempDir, removeTempDir } from './temp-dir.ts';
import type { Target } from '../harness/config/schema.ts';
import { expandEnv } from '../contract/secrets.ts';
import { APPIUM_PRESETS, mergeCapabilities } from './appium-presets.ts';
import { startAppiumServer } from './appium-server.ts';
import { freePort } from './local-server.ts';
import { isLoopback } from './server.ts';
import { retryingOpener, withPool } from './grid.ts';
import type { InstanceRef, Runner } from '../harness/runner.ts';
import { createWebDriverRunner, type WebDriverEndpoint } from './webdriver.ts';

/** An `appium` target from the config. */
export type AppiumTarget = Extract<Target, { type: 'appium' }>;

/** The WebDriver endpoint of an appium target (its server started here when it has no url). */
export async function appiumEndpoint(target: AppiumTarget): Promise<WebDriverEndpoint> {
  const preset = APPIUM_PRESETS[target.preset];
  const url = target.url ? expandEnv(target.url, `target ${target.name}'s url`) : null;
  const caps = expandEnv(target.capabilities, `target ${target.name}'s capabilities`);
  const local = url ? null : await startAppiumServer({ insecure: target.adbShell ? ['uiautomator2:adb_shell'] : [] });
  const cpuThrottlingRate = target.cpuThrottlingRate ?? preset.defaultCpuThrottlingRate;
  const onThisMachine = local !== null || isLoopback(new URL(url!.value).hostname.replace(/^\[|\]$/g, ''));
  return {
    name: target.name,
    serverUrl: url?.value ?? local!.url,
    secrets: [...(url?.secrets ?? []), ...caps.secrets],
    local,
    async newSession() {
      const profileDir = preset.needsProfileDir ? makeTempDir('mnb-phone-') : null;
      // A browser on this machine gets its own chromedriver port: every chromedriver takes 9515 by
      // default, so two sessions at once (another run, another instance) would collide.
      const port = preset.localBrowser && onThisMachine ? { 'appium:chromedriverPort': await freePort() } : {};
      return {
        capabilities: withPool(
          mergeCapabilities({ ...preset.capabilities({ profileDir, emulatedDevice: target.emulatedDevice }), ...port }, caps.value),
          target.pool,
        ),
        ...(profileDir ? { cleanup: () => removeTempDir(profileDir) } : {}),
      };
    },
    // A remote server (Grid, farm) may queue or briefly lose nodes: retry those errors with backoff.
    ...(url ? { open: retryingOpener() } : {}),
    sessionTimeoutMs: target.sessionTimeoutMs,
    sessionPerJob: target.sessionPerJob ?? preset.sessionPerJob,
    pollSliceMs: target.pollSliceMs,
    emulated: preset.emulated,
    ...(preset.emulated ? { emulatedDevice: target.emulatedDevice } : {}),
    ...(cpuThrottlingRate !== undefined ? { cpuThrottlingRate } : {}),
    thermal: preset.emulated ? 'emulated' : 'device',
    adbShell: target.adbShell,
    page: {
      ...(target.page.host ? { host: target.page.host } : {}),
      ...(target.page.port !== undefined ? { port: target.page.port } : {}),
      ...(target.page.baseUrl ? { publicUrl: target.page.baseUrl, requireToken: true } : {}),
      ...(target.page.adbReverse ? { adbReverse: true } : {}),
    },
    ...(local && preset.localPageProcess ? { localPageProcess: preset.localPageProcess } : {}),
    sessionHint: preset.hint,
  };
}

/** Create the runner for one instance of an appium target. */
export async function createAppiumRunner(target: AppiumTarget, instance: InstanceRef): Promise<Runner> {
  return createWebDriverRunner(await appiumEndpoint(target), instance);
}
