/**
 * MobileNet V1 in ONNX Runtime for Node (onnxruntime-node, native CPU execution provider),
 * from the ONNX graph that models/onnx/export.ts writes from canonical weights.
 */
import type * as OrtNode from 'onnxruntime-node';
import type { CreateModel, LoadedModel, RuntimeOptions } from '../runtime.ts';
import type { CanonicalWeights } from '../weights/canonical.ts';
import { exportOnnx } from './export.ts';
import { exportQuantizedOnnx } from './export-quantized.ts';
import { profiledKernels } from './executed-ops.ts';
import { logitsRunner } from './run-session.ts';
import type { ProfileOptions, RuntimeProfile } from '../profile.ts';
import { ortInferences, parseOrtProfile, timedRuns } from './profile-ort.ts';

/** Load onnxruntime-node with telemetry off (the variable must be set before the native module loads). */
export async function loadOrtNode(): Promise<typeof OrtNode> {
  process.env.ORT_DISABLE_TELEMETRY = '1';
  return await import('onnxruntime-node');
}

/**
 * ORT's session profiler on a second session, created now with the same options plus
 * `enableProfiling` (the profiler records from session creation, so the timed session stays
 * unprofiled): one warm-up and N profiled runs; endProfiling writes a JSON file, read and removed.
 */
async function profileOrtNode(
  ort: typeof OrtNode,
  model: Uint8Array,
  sessionOptions: OrtNode.InferenceSession.SessionOptions,
  R: number,
  input: Float32Array,
  options: ProfileOptions,
): Promise<RuntimeProfile> {
  const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'mnb-ort-profile-'));
  try {
    const session = await ort.InferenceSession.create(model, { ...sessionOptions, enableProfiling: true, profileFilePrefix: join(dir, 'ort') });
    let wall: number[];
    try {
      const run = logitsRunner(session, ort.Tensor, R, () => false, 'ort-node');
      wall = await timedRuns(() => run(input), options.inferences, options.now);
      session.endProfiling();
    } finally {
      await session.release();
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime-node wrote no profile file into ${dir}`);
    return {
      available: true,
      source: 'onnxruntime-node session profiling (enableProfiling): per-node kernel_time events of the CPU execution provider',
      startTimes: 'measured',
      inferences: ortInferences(parseOrtProfile(readFileSync(join(dir, file), 'utf8')), wall),
      notes: ['profiled on a second session with the same options, created after the timed samples'],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Build an onnxruntime-node session on the 'cpu' execution provider; `threads` sets intraOpNumThreads. */
export const createOrtNodeModel: CreateModel = async (weights: CanonicalWeights, options: RuntimeOptions): Promise<LoadedModel> => {
  if (options.backend !== 'cpu') throw new Error(`ort-node runs the 'cpu' execution provider here, not '${options.backend}'`);
  const ort = await loadOrtNode();
  const sessionOptions: OrtNode.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
  };
  // uint8: the quantized graph, and one profiled inference at init to read back which kernels ran.
  const integer = weights.precision === 'uint8';
  const graph = () => (integer ? exportQuantizedOnnx(weights) : exportOnnx(weights));
  const { mkdtemp, readdir, readFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const profileDir = integer ? await mkdtemp(join(tmpdir(), 'mobilenet-bench-ort-profile-')) : undefined;
  const session = await ort.InferenceSession.create(graph(), {
    ...sessionOptions,
    ...(profileDir ? { enableProfiling: true, profileFilePrefix: join(profileDir, 'profile') } : {}),
  });
  const R = weights.resolution;
  let released = false;
  const run = logitsRunner(session, ort.Tensor, R, () => released, 'ort-node');
  let kernels: Record<string, string | boolean> = { kernels: 'float32', integerKernels: false };
  if (profileDir) {
    try {
      kernels = await profiledKernels(run, R, async () => {
        session.endProfiling();
        const files = await readdir(profileDir);
        if (files.length !== 1) throw new Error(`expected one ORT profile in ${profileDir}, found ${files.length}`);
        return readFile(join(profileDir, files[0]), 'utf8');
      });
    } finally {
      await rm(profileDir, { recursive: true, force: true });
    }
  }
  return {
    run,
    effective: () => ({
      impl: 'ort-node',
      backend: 'cpu',
      // ORT does not report its pool size; unset means its default (one per physical core).
      threads: options.threads ?? null,
      simd: null,
      version: ort.env.versions.node ?? ort.env.versions.common,
      details: { executionProvider: 'cpu', graphOptimizationLevel: 'all', requestedThreads: options.threads ?? null, ...kernels },
    }),
    async dispose(): Promise<void> {
      if (released) return;
      released = true;
      await session.release();
    },
    profile: (input, profileOptions) => profileOrtNode(ort, graph(), sessionOptions, R, input, profileOptions),
  };
};
