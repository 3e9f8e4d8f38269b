/** What the phone tests need on this machine, a small config for them, and their run folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrowserExecutable, packageInstalled } from '../../harness/browsers.ts';
import { findChromedriver } from '../../runners/appium-presets.ts';

/** Tiny sampling: the tests check the path, not the speed. */
export const TINY_SAMPLING = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 4, minTimeMs: 0, maxSamples: 8, maxTimeMs: 2000 };

/** false when the phone-emulated stand-in can run here, else why not (CI installs all of it). */
export function skipWithoutPhoneStandIn(): false | string {
  if (!packageInstalled('appium') || !packageInstalled('appium-chromium-driver')) return 'appium / appium-chromium-driver not installed: run `npm ci`';
  if (!findBrowserExecutable('chromium')) return 'no Chromium: install it with `sudo apt-get install chromium` (.ci/run does)';
  if (!findChromedriver()) return 'no chromedriver: install it with `sudo apt-get install chromium-driver` (.ci/run does)';
  return false;
}

const made: string[] = [];

/** A run folder (not yet created) inside a fresh temp folder that removeRunDirs deletes. */
export function tempRunDir(tag: string): string {
  const parent = mkdtempSync(join(tmpdir(), `mnb-test-${tag}-`));
  made.push(parent);
  return join(parent, 'run');
}

/** Delete every folder tempRunDir made (call from `after`). */
export function removeRunDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
}
