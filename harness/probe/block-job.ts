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

const { blockCommandServer } = await import('./block-serve.ts');
const { nodeProbeEnvironment } = await import('./node-env.ts');

const send = (m: unknown) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
process.on(
  'message',
  blockCommandServer(async () => nodeProbeEnvironment(), send),
);
send({ type: 'ready' });
