/**
 * MobileNet V1 in ONNX Runtime for Node (onnxruntime-node, native CPU execution provider),
 * from the ONNX graph that models/onnx/export.ts writes from canonical weights.
 */
import type * as OrtNode from 'onnxruntime-node';
import type { CreateModel, LoadedModel, RuntimeOptions } from '../runtime.ts';
import type { CanonicalWeights } from '../weights/canonical.ts';
import { exportOnnx } from './export.ts';
import { logitsRunner } from './run-session.ts';

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
    run: logitsRunner(session, ort.Tensor, R, () => released, 'ort-node'),
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
