/** Which block-worker host runs A/B workers on a target (one per target kind), or why there is none yet. */
import type { HostFor } from '../harness/ab/comparison.ts';
import { createPuppeteerBlockHost } from '../runners/puppeteer-blocks.ts';
import { createNodeBlockHost } from '../runners/node-blocks.ts';
import { allowedCpus } from '../runners/pin-cpu.ts';
import { createSshBlockHost } from '../runners/ssh/board-blocks.ts';
import { createWebDriverBlockHost } from '../runners/webdriver-blocks.ts';
import { isWebDriverTarget, webDriverEndpointOf } from '../runners/webdriver-endpoints.ts';

/**
 * Hosts for a comparison. `duet` (checked by the caller): Node workers pinned to two allowed CPUs, A
 * and B on different ones, swapped from one worker pair to the next, so that a CPU busier than the
 * other (a neighbour's load, interrupts) weighs on both sides alike over the worker pairs.
 */
export function abHostFor(duet: boolean): HostFor {
  const cpus = duet ? allowedCpus() : [];
  const started = { A: 0, B: 0 };
  // Workers start A then B for each worker pair, so the k-th A and the k-th B are one pair.
  const pin = (side: { name: 'A' | 'B' }) => cpus[(started[side.name]++ + (side.name === 'A' ? 0 : 1)) % 2];
  return (target) => {
    if (target.type === 'node') return { host: createNodeBlockHost(duet ? { pinCpu: pin } : {}), duet };
    // A page's renderer is not pinned: browser pairs are interleaved, also with --duet.
    if (target.type === 'chromium' || target.type === 'firefox') return { host: createPuppeteerBlockHost(target), duet: false };
    // Board processes are not pinned from here: board pairs are interleaved, also with --duet.
    if (target.type === 'ssh' && target.browser !== 'chromium') return { host: createSshBlockHost(target), duet: false };
    if (target.type === 'ssh')
      return `A/B comparisons do not run on a board's Chromium yet (Node on the board; Node, Chromium and Firefox here so far); compare it with \`run\` + \`compare\``;
    // WebKit, phones, Grid nodes and farms: a WebDriver session per worker, interleaved (nothing to pin there).
    if (isWebDriverTarget(target)) return { host: createWebDriverBlockHost(webDriverEndpointOf), duet: false };
    return `A/B comparisons do not run on ${(target as { type: string }).type} targets yet; compare it with \`run\` + \`compare\``;
  };
}
