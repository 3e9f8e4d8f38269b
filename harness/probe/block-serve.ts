/**
 * The block commands served inside a worker process, one at a time and in order (a block never
 * overlaps another or the finish), whatever carries them: IPC from a Node parent (block-job.ts) or
 * JSON lines over SSH (board-block-job.ts). After `finish` the result is sent and the process exits.
 */
import type { JobResult } from '../../contract/results.ts';
import type { Job } from '../plan.ts';
import { openBlockSession, type BlockSession } from './block-session.ts';
import type { BlockCommand } from './block-wire.ts';
import type { ProbeEnvironment } from './probe.ts';

/** A function taking each command as it arrives; `environment` is built for the `open` command. */
export function blockCommandServer(
  environment: (cmd: Extract<BlockCommand, { type: 'open' }>) => Promise<ProbeEnvironment>,
  send: (reply: unknown) => Promise<void>,
  onResult: (result: JobResult) => JobResult = (r) => r,
): (cmd: BlockCommand) => void {
  let session: BlockSession | undefined;
  let queue = Promise.resolve();
  const serve = async (cmd: BlockCommand): Promise<void> => {
    if (cmd.type === 'open') {
      const opened = await openBlockSession(cmd.job as Job, await environment(cmd));
      if ('failed' in opened) return send({ type: 'failed', result: opened.failed });
      session = opened.session;
      return send({ type: 'opened', warmup: session.warmup });
    }
    if (!session) return send({ type: 'block-error', seq: cmd.type === 'block' ? cmd.seq : 0, error: 'no job is open' });
    if (cmd.type === 'block') {
      try {
        const t = await session.runBlock(cmd.inferences);
        return send({ type: 'block', seq: cmd.seq, ...t });
      } catch (e) {
        return send({ type: 'block-error', seq: cmd.seq, error: String((e as Error)?.message ?? e).slice(0, 2000) });
      }
    }
    const result = await session.finish();
    await session.dispose();
    await send({ type: 'result', result: onResult(result) });
    process.exit(0);
  };
  return (cmd) => {
    queue = queue.then(() => serve(cmd));
  };
}
