/** Which block-worker host runs A/B workers on a target (one per target kind), or why there is none yet. */
import type { HostFor } from '../harness/ab/comparison.ts';
import { createChromiumBlockHost } from '../runners/chromium-blocks.ts';
import { createNodeBlockHost } from '../runners/node-blocks.ts';
import { allowedCpus } from '../runners/pin-cpu.ts';
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
    // A page's renderer is not pinned: Chromium pairs are interleaved, also with --duet.
    if (target.type === 'chromium') return { host: createChromiumBlockHost(target), duet: false };
    // WebKit, phones, Grid nodes and farms: a WebDriver session per worker, interleaved (nothing to pin there).
    if (isWebDriverTarget(target)) return { host: createWebDriverBlockHost(webDriverEndpointOf), duet: false };
    return `A/B comparisons do not run on ${target.type} targets yet (Node, Chromium and WebDriver targets so far); compare it with \`run\` + \`compare\``;
  };
}
