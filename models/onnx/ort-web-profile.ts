/**
 * onnxruntime-web's session profiler. Its WebAssembly build has no file system to write the
 * profile to, so `endProfiling()` prints the trace events, one line each, through the
 * Emscripten module's `print`: `console.log` (bound when the runtime initializes) in pages,
 * `fs.writeSync(1, …)` in Node. We capture those lines while endProfiling runs, so they
 * neither reach the console nor get lost (a job's child process has no stdout).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { ProfileOptions, RuntimeProfile } from '../profile.ts';
import { logitsRunner } from './run-session.ts';
import { ortInferences, parseOrtProfile, timedRuns } from './profile-ort.ts';
import { fsModule } from '#platform';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Lines printed while a capture runs (pages), else null. */
let captured: string[] | null = null;
let tapInstalled = false;

/**
 * Route console.log through a tap that can capture (pages). Must run before ORT's wasm module
 * initializes, because the module binds console.log once then. Idempotent; a no-op in Node.
 */
export function installPrintTap(): void {
  if (tapInstalled || isNode) return;
  tapInstalled = true;
  const original = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (captured) captured.push(args.map(String).join(' '));
    else original(...args);
  };
}

/** What `fn` prints through ORT's wasm module, as text. */
export async function capturePrinted(fn: () => Promise<void> | void): Promise<string> {
  if (!isNode) {
    if (!tapInstalled) throw new Error('the console tap was not installed before onnxruntime-web initialized');
    captured = [];
    try {
      await fn();
      return captured.join('\n');
    } finally {
      captured = null;
    }
  }
  // Node: Emscripten writes with fs.writeSync(1, …) on the shared fs module object.
  const fs = await fsModule();
  if (!fs) throw new Error("no fs module to capture onnxruntime-web's output from");
  const original = fs.writeSync;
  const lines: string[] = [];
  fs.writeSync = (fd, data, ...rest) => {
    if (fd === 1 && typeof data === 'string') {
      lines.push(data);
      return data.length;
    }
    return original.call(fs, fd, data, ...rest);
  };
  try {
    await fn();
    return lines.join('');
  } finally {
    fs.writeSync = original;
  }
}

type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

/** Profile on a second session (same options plus enableProfiling; the profiler records from creation): a warm-up and N runs. */
export async function profileOrtWeb(
  create: (options: InferenceSession.SessionOptions) => Promise<InferenceSession>,
  TensorClass: TensorConstructor,
  backend: string,
  R: number,
  input: Float32Array,
  options: ProfileOptions,
): Promise<RuntimeProfile> {
  const source = `onnxruntime-web session profiling (enableProfiling) of the ${backend} execution provider`;
  if (backend !== 'wasm') {
    return {
      available: false,
      source,
      unavailable: `mobilenet-bench reads ORT's profiler output only for the wasm execution provider; '${backend}' kernels run on the GPU and its timings (env.webgpu.profiling) are not wired in`,
    };
  }
  const session = await create({ enableProfiling: true });
  let wall: number[];
  let text: string;
  try {
    const run = logitsRunner(session, TensorClass, R, () => false, 'ort-web');
    wall = await timedRuns(() => run(input), options.inferences, options.now);
    text = await capturePrinted(() => session.endProfiling());
  } finally {
    await session.release();
  }
  return {
    available: true,
    source: `${source}: per-node kernel_time events, printed by its WebAssembly build and captured`,
    startTimes: 'measured',
    inferences: ortInferences(parseOrtProfile(text), wall),
    notes: ['profiled on a second session with the same options, created after the timed samples'],
  };
}
