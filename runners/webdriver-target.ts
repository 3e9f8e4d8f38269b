/**
 * The `webdriver` target: any W3C WebDriver server by URL (a Selenium Grid hub, a cloud farm,
 * a chromedriver) with the target's capabilities, through the one WebDriver runner. With
 * `pool` the requests carry the Grid routing capability; sessions that fail for reasons Grids
 * and farms are known for are retried with backoff.
 */
import type { Target } from '../harness/config/schema.ts';
import { expandEnv } from '../contract/secrets.ts';
import { retryingOpener, withPool } from './grid.ts';
import type { InstanceRef, Runner } from '../harness/runner.ts';
import { createWebDriverRunner, type WebDriverEndpoint } from './webdriver.ts';

/** A `webdriver` target from the config. */
export type WebDriverTarget = Extract<Target, { type: 'webdriver' }>;

/** The endpoint of a webdriver target. */
export function webDriverEndpoint(target: WebDriverTarget): WebDriverEndpoint {
  const url = expandEnv(target.url, `target ${target.name}'s url`);
  const caps = expandEnv(target.capabilities, `target ${target.name}'s capabilities`);
  return {
    name: target.name,
    serverUrl: url.value,
    secrets: [...url.secrets, ...caps.secrets],
    local: null,
    newSession: () => ({ capabilities: withPool(caps.value, target.pool) }),
    open: retryingOpener(),
    sessionTimeoutMs: target.sessionTimeoutMs,
    sessionPerJob: target.sessionPerJob,
    pollSliceMs: target.pollSliceMs,
    emulated: false,
    ...(target.cpuThrottlingRate !== undefined ? { cpuThrottlingRate: target.cpuThrottlingRate } : {}),
    thermal: 'none',
    adbShell: false,
    page: {
      ...(target.page.host ? { host: target.page.host } : {}),
      ...(target.page.port !== undefined ? { port: target.page.port } : {}),
      ...(target.page.baseUrl ? { publicUrl: target.page.baseUrl, requireToken: true } : {}),
    },
    sessionHint: (m) =>
      /no nodes support|unsupported capabilit/i.test(m)
        ? `no node of the Grid offers these capabilities${target.pool ? ` with bench:pool "${target.pool}" (add it to the node's stereotype)` : ''}: compare the target's capabilities with the nodes' stereotypes (GET /status on the hub lists them)`
        : null,
  };
}

/** Create the runner for one instance of a webdriver target. */
export async function createWebDriverTargetRunner(target: WebDriverTarget, instance: InstanceRef): Promise<Runner> {
  return createWebDriverRunner(webDriverEndpoint(target), instance);
}
