/**
 * The probe's platform binding on a remote board (what board-job.ts and board-block-job.ts run
 * there): weights and eval inputs come as files the harness shipped (wire.ts), so the board scores
 * the identical tensors; runtimes load their wasm from the shipped folders.
 */
import { readFileSync } from 'node:fs';
import { cpus, machine, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import { BOARD_LOADERS } from '../../models/loaders/board.ts';
import { loadFactory } from '../../models/loaders/pick.ts';
import { runtimeOf, type WasmFiles } from '../../models/registry.ts';
import type { JobResult } from '../../contract/results.ts';
import { nodeCeilingsPlatform } from './ceilings/node-platform.ts';
import type { ProbeEnvironment } from './probe.ts';

/** Where a job's shipped files are on the board. */
export interface BoardFiles {
  /** Canonical weights (wire.ts) for file weights; null = synthetic, generated here. */
  weightsFile: string | null;
  /** Eval inputs and reference logits (wire.ts). */
  inputsFile: string;
  /** Folders (ending in '/') holding tfjs-backend-wasm's and onnxruntime-web's wasm files. */
  tfjsWasmDir: string;
  ortWasmDir: string;
}

/** The line a board process sends first: what this Node sees (the harness tells emulation apart with it). */
export function deviceLine() {
  return { type: 'device', machine: machine(), arch: process.arch, node: process.version, kernel: release(), cpus: cpus().length };
}

/** The shipped folder of a runtime's wasm files (the registry says which it loads). */
function wasmDir(files: BoardFiles, wasm: WasmFiles | null): string | null {
  if (wasm === null) return null;
  const dirs: Record<WasmFiles, string | null> = { tfjs: files.tfjsWasmDir, ort: files.ortWasmDir, litert: null };
  return dirs[wasm];
}

/** The board's environment for runProbe and block sessions. */
export async function boardProbeEnvironment(files: BoardFiles): Promise<ProbeEnvironment> {
  const { readMemoryInNode } = await import('./node-memory.ts');
  const { decodeEvalInputs, decodeWeights } = await import('./wire.ts');
  return {
    async loadWeights(ref, job) {
      if (files.weightsFile) return decodeWeights(readFileSync(files.weightsFile));
      if (ref.kind !== 'synthetic') throw new Error(`weights ${ref.path} were not shipped to the board`);
      const { syntheticWeights } = await import('../../models/weights/synthetic.ts');
      return syntheticWeights(job.alpha, job.resolution, { seed: ref.seed });
    },
    createModel: async (impl, weights) => {
      const create = await loadFactory('board', BOARD_LOADERS, impl.impl);
      const wasmPaths = wasmDir(files, runtimeOf(impl.impl).wasm);
      return create(weights, { backend: impl.backend, ...(impl.threads !== null ? { threads: impl.threads } : {}), ...(wasmPaths ? { wasmPaths } : {}) });
    },
    readMemory: readMemoryInNode,
    evalInputs: async () => decodeEvalInputs(readFileSync(files.inputsFile)),
    crossOriginIsolated: null,
    now: () => performance.now(),
    ceilingsPlatform: () => nodeCeilingsPlatform('board'),
  };
}

/** Say where the weights came from in a board job's result. */
export function noteBoardWeights(result: JobResult, files: BoardFiles): void {
  if (result.effective)
    result.effective.details = {
      ...result.effective.details,
      weightsFrom: files.weightsFile ? 'canonical float32 parsed by the harness, shipped to the board' : 'generated on the board',
    };
}

/**
 * Call `onLine` with each line of stdin. The harness keeps stdin open while the process works: its
 * end means the SSH link or the harness is gone, and the process exits (no orphan on the board).
 */
export function readStdinLines(onLine: (line: string) => void, exitCode: () => number = () => 2): void {
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      onLine(line);
    }
  });
  process.stdin.on('end', () => {
    process.stderr.write('stdin closed: the harness went away; exiting\n');
    process.exit(exitCode());
  });
}

/** Write one JSON line to stdout; resolves once it is flushed. */
export function sendLine(line: unknown): Promise<void> {
  return new Promise((done) => process.stdout.write(`${JSON.stringify(line)}\n`, () => done()));
}
