/**
 * Entry point of a job's child process: receives one Job over IPC, runs the probe,
 * sends the JobResult back and exits. One process per job, so peak RSS is the job's own.
 */
import { exitWithParent } from './orphan-watch.ts';
import { installWasmMemoryTracker } from './wasm-memory.ts';

exitWithParent();
installWasmMemoryTracker();
process.env.ORT_DISABLE_TELEMETRY = '1';

const { runProbe } = await import('./probe.ts');
const { nodeProbeEnvironment } = await import('./node-env.ts');
type Job = import('../plan.ts').Job;

process.once('message', async (job: Job) => {
  const result = await runProbe(job, nodeProbeEnvironment());
  process.send!({ type: 'result', result }, () => process.exit(0));
});
process.send!({ type: 'ready' });
