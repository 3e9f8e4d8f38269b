/**
 * Entry point of one job on a remote board (bundled by esbuild into one CommonJS file and run
 * by the board's `node`): reads one request line from stdin, runs the same runProbe as the
 * local Node runner, and writes JSON lines to stdout — `device` (what this Node sees), then
 * `result`. Weights from files and the eval inputs with their reference logits were computed
 * by the harness and shipped as files (wire.ts), so the board scores the identical tensors.
 * When stdin closes early (the SSH link dropped) the process exits: no orphan on the board.
 */
import { installWasmMemoryTracker } from './wasm-memory.ts';
import type { Job } from '../plan.ts';
import { boardProbeEnvironment, deviceLine, noteBoardWeights, readStdinLines, sendLine, type BoardFiles } from './board-env.ts';

installWasmMemoryTracker();
process.env.ORT_DISABLE_TELEMETRY = '1';

/** What the harness sends: the job and where its shipped files are on the board. */
export interface RemoteJobRequest extends BoardFiles {
  job: Job;
}

async function run(req: RemoteJobRequest): Promise<void> {
  await sendLine(deviceLine());
  const { runProbe } = await import('./probe.ts');
  const result = await runProbe(req.job, await boardProbeEnvironment(req));
  noteBoardWeights(result, req);
  await sendLine({ type: 'result', result });
}

let started = false;
readStdinLines(
  (line) => {
    if (started) return;
    started = true;
    run(JSON.parse(line) as RemoteJobRequest).then(
      () => process.exit(0),
      (e: Error) => {
        process.stderr.write(`${e.stack ?? e.message}\n`);
        process.exit(1);
      },
    );
  },
  () => (started ? 3 : 2),
);
