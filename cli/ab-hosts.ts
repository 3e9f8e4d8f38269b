/** Which block-worker host runs A/B workers on a target (one per target kind), or why there is none yet. */
import type { HostFor } from '../harness/ab/comparison.ts';
import { createChromiumBlockHost } from '../runners/chromium-blocks.ts';
import { createNodeBlockHost } from '../runners/node-blocks.ts';

export const abHostFor: HostFor = (target) => {
  if (target.type === 'node') return createNodeBlockHost();
  if (target.type === 'chromium') return createChromiumBlockHost(target);
  return `A/B comparisons do not run on ${target.type} targets yet (Node and Chromium so far); compare it with \`run\` + \`compare\``;
};
