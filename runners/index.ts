/** Which runner serves which target type; the CLI is the only place that picks. */
import type { Target } from '../harness/config/schema.ts';
import { createNodeRunner } from './node.ts';
import { SINGLE_INSTANCE, type InstanceRef, type Runner } from '../harness/runner.ts';

/** Create the runner for a target instance (pooled targets get one runner per instance). */
export async function runnerFor(target: Target, instance: InstanceRef = SINGLE_INSTANCE): Promise<Runner> {
  switch (target.type) {
    case 'node':
      return createNodeRunner();
    case 'chromium':
    case 'firefox':
      return (await import('./browser.ts')).createPuppeteerRunner(target);
    case 'webkit':
      return (await import('./webkit.ts')).createWebkitRunner(target, instance);
    case 'appium':
      return (await import('./appium.ts')).createAppiumRunner(target, instance);
    case 'webdriver':
      return (await import('./webdriver-target.ts')).createWebDriverTargetRunner(target, instance);
    case 'ssh':
      return (await import('./ssh/runner.ts')).createSshRunner(target, instance);
  }
}

/** Whether a target's jobs load the probe page (every browser target): its bundle size matters there. */
export function loadsProbePage(target: Target): boolean {
  if (target.type === 'node') return false;
  if (target.type === 'ssh') return target.browser !== undefined;
  return true;
}
