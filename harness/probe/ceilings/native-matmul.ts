/**
 * The native ceiling in Node (and a board's Node): a large square MatMul through
 * onnxruntime-node, the runtime the `ort-node` jobs use, with its default thread pool as they
 * have it. An empirical ceiling of that runtime on this machine, not the hardware peak.
 */
import type * as OrtNode from 'onnxruntime-node';
import type { Ceiling } from '../../../contract/ceilings.ts';
import { exportMatMulOnnx, seededMatrix } from '../../../models/onnx/matmul.ts';
import { measureRate, type RatePolicy } from './measure-rate.ts';

/** Side of the square MatMul: 1024³ ≈ 1.07 G multiply-adds a run, 4 MiB a matrix. */
export const NATIVE_MATMUL_N = 1024;

/** Time `Y = A · B` (n × n, float32) in an onnxruntime-node session with graph optimizations on and the default threads. */
export async function nativeMatMulCeiling(ort: typeof OrtNode, policy: RatePolicy, n = NATIVE_MATMUL_N): Promise<Ceiling> {
  const session = await ort.InferenceSession.create(exportMatMulOnnx(n), { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  try {
    const feeds = { A: new ort.Tensor('float32', seededMatrix(n, 3), [n, n]) };
    const version = ort.env.versions.node ?? ort.env.versions.common;
    return await measureRate(
      async (reps) => {
        for (let i = 0; i < reps; i++) await session.run(feeds);
      },
      n * n * n,
      'GMAC/s',
      `onnxruntime-node ${version} MatMul ${n}×${n}·${n}×${n} float32, cpu execution provider, default intra-op threads (as ort-node jobs run), ${n}³ multiply-adds a run; an empirical ceiling of the runtime, not the hardware peak`,
      policy,
    );
  } finally {
    await session.release();
  }
}
