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

/** The smaller MatMul that sizes the large one on a slow (emulated) target. */
const PROBE_N = 256;
/** A run of the large MatMul may take at most this long, or the probe's size is measured instead. */
const MAX_RUN_MS = 200;

/**
 * Time `Y = A · B` (n × n, float32) in an onnxruntime-node session with graph optimizations on and
 * the default threads. A 256 × 256 run first: when the large one would take longer than 200 ms a
 * run (an emulated board), the 256 size is measured instead, and the method says so.
 */
export async function nativeMatMulCeiling(ort: typeof OrtNode, policy: RatePolicy, n = NATIVE_MATMUL_N): Promise<Ceiling> {
  const probe = await timedSession(ort, PROBE_N);
  let size = n;
  try {
    await probe.run();
    const t0 = policy.now();
    await probe.run();
    const probeMs = policy.now() - t0;
    if (probeMs * (n / PROBE_N) ** 3 > MAX_RUN_MS) size = PROBE_N;
  } finally {
    if (size !== PROBE_N) await probe.release();
  }
  const session = size === PROBE_N ? probe : await timedSession(ort, size);
  try {
    const version = ort.env.versions.node ?? ort.env.versions.common;
    const smaller = size !== n ? ` (${n}×${n} would take over ${MAX_RUN_MS} ms a run here, so ${size}×${size})` : '';
    return await measureRate(
      async (reps) => {
        for (let i = 0; i < reps; i++) await session.run();
      },
      size * size * size,
      'GMAC/s',
      `onnxruntime-node ${version} MatMul ${size}×${size}·${size}×${size} float32${smaller}, cpu execution provider, default intra-op threads (as ort-node jobs run), ${size}³ multiply-adds a run; an empirical ceiling of the runtime, not the hardware peak`,
      policy,
    );
  } finally {
    await session.release();
  }
}

/** A MatMul session of side n with its input bound. */
async function timedSession(ort: typeof OrtNode, n: number): Promise<{ run(): Promise<unknown>; release(): Promise<void> }> {
  const session = await ort.InferenceSession.create(exportMatMulOnnx(n), { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const feeds = { A: new ort.Tensor('float32', seededMatrix(n, 3), [n, n]) };
  return { run: () => session.run(feeds), release: () => session.release() };
}
