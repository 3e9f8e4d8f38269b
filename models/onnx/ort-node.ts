/**
 * MobileNet V1 in ONNX Runtime for Node (onnxruntime-node, native CPU execution provider),
 * from the ONNX graph that models/onnx/export.ts writes from canonical weights.
 */
import type * as OrtNode from 'onnxruntime-node';
import type { CreateModel, LoadedModel, RuntimeOptions } from '../runtime.ts';
import type { CanonicalWeights } from '../weights/canonical.ts';
import { exportOnnx } from './export.ts';

/** Load onnxruntime-node with telemetry off (the variable must be set before the native module loads). */
export async function loadOrtNode(): Promise<typeof OrtNode> {
  process.env.ORT_DISABLE_TELEMETRY = '1';
  return await import('onnxruntime-node');
}

/** Build an onnxruntime-node session on the 'cpu' execution provider; `threads` sets intraOpNumThreads. */
export const createOrtNodeModel: CreateModel = async (weights: CanonicalWeights, options: RuntimeOptions): Promise<LoadedModel> => {
  if (options.backend !== 'cpu') throw new Error(`ort-node runs the 'cpu' execution provider here, not '${options.backend}'`);
  const ort = await loadOrtNode();
  const session = await ort.InferenceSession.create(exportOnnx(weights), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
  });
  const R = weights.resolution;
  let released = false;
  return {
    async run(input: Float32Array): Promise<Float32Array> {
      if (released) throw new Error('ort-node session was released');
      if (input.length !== R * R * 3) throw new RangeError(`input has ${input.length} values, expected ${R * R * 3} (NHWC [1,${R},${R},3])`);
      const out = await session.run({ input: new ort.Tensor('float32', input, [1, R, R, 3]) });
      const logits = out.logits;
      const data = Float32Array.from(logits.data as Float32Array);
      logits.dispose();
      return data;
    },
    effective: () => ({
      impl: 'ort-node',
      backend: 'cpu',
      // ORT does not report its pool size; unset means its default (one per physical core).
      threads: options.threads ?? null,
      simd: null,
      version: ort.env.versions.node ?? ort.env.versions.common,
      details: { executionProvider: 'cpu', graphOptimizationLevel: 'all', requestedThreads: options.threads ?? null },
    }),
    async dispose(): Promise<void> {
      if (released) return;
      released = true;
      await session.release();
    },
  };
};
