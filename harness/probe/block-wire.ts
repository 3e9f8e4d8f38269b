/**
 * The messages between an A/B controller and a block session in a target (a Node process over IPC,
 * later a page or a board over lines). What the target sends is untrusted: the controller parses each
 * message with these schemas (a result is then checked against the results schema and the job id).
 */
import { z } from 'zod';
import { MAX_BLOCK_INFERENCES } from './block-session.ts';

/** Controller → session. */
export type BlockCommand = { type: 'open'; job: unknown } | { type: 'block'; seq: number; inferences: number } | { type: 'finish' };

const ms = z.number().finite().min(0).max(3_600_000);

/** Session → controller. */
export const BlockReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('opened'), warmup: z.object({ inferences: z.number().int().positive(), medianMs: ms }) }),
  /** The job could not be loaded or warmed: its failed result, with the reason. */
  z.object({ type: z.literal('failed'), result: z.unknown() }),
  z.object({ type: z.literal('block'), seq: z.number().int().min(0), inferences: z.number().int().min(1).max(MAX_BLOCK_INFERENCES), ms: ms.positive() }),
  z.object({ type: z.literal('block-error'), seq: z.number().int().min(0), error: z.string().max(4000) }),
  z.object({ type: z.literal('result'), result: z.unknown() }),
]);
export type BlockReply = z.infer<typeof BlockReplySchema>;
