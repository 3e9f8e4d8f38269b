/**
 * Entry point of an A/B block worker process (Node): receives one Job over IPC, opens a block
 * session on it, then answers block commands until `finish`, which measures memory, accuracy and
 * agreement and sends the JobResult. Started from the side's own checkout, so the side's code runs.
 */
import { exitWithParent } from './orphan-watch.ts';
import { installWasmMemoryTracker } from './wasm-memory.ts';

exitWithParent();
installWasmMemoryTracker();
process.env.ORT_DISABLE_TELEMETRY = '1';

const { openBlockSession } = await import('./block-session.ts');
const { nodeProbeEnvironment } = await import('./node-env.ts');
type Job = import('../plan.ts').Job;
type BlockCommand = import('./block-wire.ts').BlockCommand;
type Session = import('./block-session.ts').BlockSession;

const send = (m: unknown) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
let session: Session | undefined;
// Commands are served one at a time, in order: a block never overlaps another or the finish.
let queue = Promise.resolve();

process.on('message', (cmd: BlockCommand) => {
  queue = queue.then(() => serve(cmd));
});

async function serve(cmd: BlockCommand): Promise<void> {
  if (cmd.type === 'open') {
    const opened = await openBlockSession(cmd.job as Job, nodeProbeEnvironment());
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
  await send({ type: 'result', result });
  process.exit(0);
}
send({ type: 'ready' });
