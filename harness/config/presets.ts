/**
 * Target presets: the named targets `--target NAME` adds when the config does not define NAME,
 * and the targets of the built-in defaults (no config file).
 */
import type { z } from 'zod';
import { findBrowserExecutable } from '../browsers.ts';
import type { TargetSchema } from './schema.ts';

/**
 * Named targets that `--target NAME` adds when the config does not define NAME (Playwright-style
 * presets): node, chromium, firefox, webkit with their defaults. Browser presets carry their own
 * implementation list (BROWSER_PRESET_IMPLEMENTATIONS); `--impl` or a config's own target replaces it.
 */
/** What desktop browser presets run by default: every browser-capable CPU implementation, ORT-web on 1 and 2 threads. */
export const BROWSER_PRESET_IMPLEMENTATIONS = ['reference', 'tfjs:wasm', 'ort-web:wasm@1', 'ort-web:wasm@2'];

export const TARGET_PRESETS = {
  node: { name: 'node', type: 'node' },
  chromium: { name: 'chromium', type: 'chromium', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  firefox: { name: 'firefox', type: 'firefox', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  webkit: { name: 'webkit', type: 'webkit', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  'phone-emulated': { name: 'phone-emulated', type: 'appium', preset: 'phone-emulated', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  android: { name: 'android', type: 'appium', preset: 'android', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  ios: { name: 'ios', type: 'appium', preset: 'ios', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
} as const satisfies Record<string, z.input<typeof TargetSchema>>;

/**
 * Targets of the built-in defaults (no config file): node, plus chromium when a Chromium is
 * found (CHROME_PATH or the usual paths). A config file's `targets` is always taken as written.
 */
export function builtInTargets(): Array<z.input<typeof TargetSchema>> {
  return findBrowserExecutable('chromium') ? [TARGET_PRESETS.node, TARGET_PRESETS.chromium] : [TARGET_PRESETS.node];
}
