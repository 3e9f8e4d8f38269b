/**
 * Entry point of one job on a remote board (bundled by esbuild into one CommonJS file and run
 * by the board's `node`): reads one request line from stdin, runs the same runProbe as the
 * local Node runner, and writes JSON lines to stdout — `device` (what this Node sees), then
 * `result`. Weights from files and the eval inputs with their reference logits were computed
 * by the harness and shipped as files (wire.ts), so the board scores the identical tensors.
 * When stdin closes early (the SSH link dropped) the process exits: no orphan on the board.
 */
import { installWasmMemoryTracker } from './wasm-memory.ts';
import { machine, cpus, release } from 'node:os';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Job } from '../plan.ts';
import { BOARD_LOADERS } from '../../models/loaders/board.ts';
import { loadFactory } from '../../models/loaders/pick.ts';
import { runtimeOf, type WasmFiles } from '../../models/registry.ts';
import { nodeCeilingsPlatform } from './ceilings/node-platform.ts';

installWasmMemoryTracker();
process.env.ORT_DISABLE_TELEMETRY = '1';

/** What the harness sends: the job and where its shipped files are on the board. */
export interface RemoteJobRequest {
  job: Job;
  /** Canonical weights (wire.ts) for file weights; null = synthetic, generated here. */
  weightsFile: string | null;
  /** Eval inputs and reference logits (wire.ts). */
  inputsFile: string;
  /** Folders (ending in '/') holding tfjs-backend-wasm's and onnxruntime-web's wasm files. */
  tfjsWasmDir: string;
  ortWasmDir: string;
}

function send(line: unknown): Promise<void> {
  return new Promise((done) => process.stdout.write(`${JSON.stringify(line)}\n`, () => done()));
}

/** The shipped folder of a runtime's wasm files (the registry says which it loads). */
function wasmDir(req: RemoteJobRequest, files: WasmFiles | null): string | null {
  if (files === null) return null;
  const dirs: Record<WasmFiles, string | null> = { tfjs: req.tfjsWasmDir, ort: req.ortWasmDir, litert: null };
  return dirs[files];
}

async function run(req: RemoteJobRequest): Promise<void> {
  await send({ type: 'device', machine: machine(), arch: process.arch, node: process.version, kernel: release(), cpus: cpus().length });
  const { runProbe } = await import('./probe.ts');
  const { readMemoryInNode } = await import('./node-memory.ts');
  const { decodeEvalInputs, decodeWeights } = await import('./wire.ts');
  const result = await runProbe(req.job, {
    async loadWeights(ref, job) {
      if (req.weightsFile) return decodeWeights(readFileSync(req.weightsFile));
      if (ref.kind !== 'synthetic') throw new Error(`weights ${ref.path} were not shipped to the board`);
      const { syntheticWeights } = await import('../../models/weights/synthetic.ts');
      return syntheticWeights(job.alpha, job.resolution, { seed: ref.seed });
    },
    createModel: async (impl, weights) => {
      const create = await loadFactory('board', BOARD_LOADERS, impl.impl);
      const wasmPaths = wasmDir(req, runtimeOf(impl.impl).wasm);
      return create(weights, { backend: impl.backend, ...(impl.threads !== null ? { threads: impl.threads } : {}), ...(wasmPaths ? { wasmPaths } : {}) });
    },
    readMemory: readMemoryInNode,
    evalInputs: async () => decodeEvalInputs(readFileSync(req.inputsFile)),
    crossOriginIsolated: null,
    now: () => performance.now(),
    ceilingsPlatform: () => nodeCeilingsPlatform('board'),
  });
  if (result.effective)
    result.effective.details = {
      ...result.effective.details,
      weightsFrom: req.weightsFile ? 'canonical float32 parsed by the harness, shipped to the board' : 'generated on the board',
    };
  await send({ type: 'result', result });
}

let input = '';
let started = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (started) return;
  input += chunk;
  const nl = input.indexOf('\n');
  if (nl < 0) return;
  started = true;
  run(JSON.parse(input.slice(0, nl)) as RemoteJobRequest).then(
    () => process.exit(0),
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
});
// The harness keeps stdin open while the job runs: its end means the link or the harness is gone.
process.stdin.on('end', () => {
  process.stderr.write('stdin closed: the harness went away; exiting\n');
  process.exit(started ? 3 : 2);
});
