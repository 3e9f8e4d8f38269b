/** How many inferences make a block: long enough to time well, far shorter than the host's slow phases (seconds). */
import { MAX_BLOCK_INFERENCES } from '../probe/block-session.ts';

/** The block length aimed for (the 50–250 ms window). */
export const BLOCK_TARGET_MS = 100;

/** Inferences so that a block of `msPerInference` lasts about `targetMs`: at least 1 (a single inference over 250 ms stays one). */
export function blockSizeFor(msPerInference: number, targetMs = BLOCK_TARGET_MS): number {
  if (!(msPerInference > 0)) return 1;
  return Math.min(MAX_BLOCK_INFERENCES, Math.max(1, Math.round(targetMs / msPerInference)));
}
