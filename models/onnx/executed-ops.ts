/**
 * Which kernels ONNX Runtime really executed, read from its own profile of one inference:
 * every node event names the op type (after graph optimization and layout transformation) and
 * the execution provider. A quantized job whose profile shows float convolutions (Conv, FusedConv,
 * Gemm, MatMul) or no QLinearConv ran on float kernels, and is invalid.
 *
 * Where the profile comes from: onnxruntime-node writes it to a file (profileFilePrefix); the
 * onnxruntime-web wasm build prints it at endProfiling, captured by ort-web-profile.ts. Browser-safe.
 */

/** Op types that compute a convolution or matrix product in float: a quantized graph must show none. */
const FLOAT_COMPUTE_OPS = ['Conv', 'FusedConv', 'NhwcFusedConv', 'Gemm', 'MatMul', 'FusedMatMul', 'FusedGemm', 'ConvInteger'];

/** Op type (with its provider) → how many nodes of it ran, from an ORT profile (JSON or its text). */
export function executedOps(profile: string): Map<string, number> {
  const ops = new Map<string, number>();
  let events: Array<{ cat?: string; args?: { op_name?: string; provider?: string } }>;
  try {
    const start = profile.indexOf('[');
    const end = profile.lastIndexOf(']');
    events = JSON.parse(profile.slice(start, end + 1));
  } catch {
    throw new Error('ORT profile is not valid JSON: cannot tell which kernels ran');
  }
  for (const e of events) {
    if (e.cat !== 'Node' || !e.args?.op_name) continue;
    const key = e.args.provider ? `${e.args.op_name}@${e.args.provider.replace(/ExecutionProvider$/, '')}` : e.args.op_name;
    ops.set(key, (ops.get(key) ?? 0) + 1);
  }
  if (ops.size === 0) throw new Error('ORT profile lists no node: cannot tell which kernels ran');
  return ops;
}

/** `QLinearConv@CPU×28, QuantizeLinear@CPU×1, …`, most frequent first. */
function describeOps(ops: Map<string, number>): string {
  return [...ops]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k}×${n}`)
    .join(', ');
}

/** What the executed ops say about the kernels: integer when QLinearConv ran and no float conv/matmul did. */
export function kernelKind(ops: Map<string, number>): { integer: boolean; floatOps: string[] } {
  const types = [...ops.keys()].map((k) => k.split('@')[0]);
  const floatOps = [...new Set(types.filter((t) => FLOAT_COMPUTE_OPS.includes(t)))];
  return { integer: types.includes('QLinearConv') && floatOps.length === 0, floatOps };
}

/** The effective.details entries for a run: executed ops and the kernel verdict. */
export function kernelDetails(ops: Map<string, number>): Record<string, string | boolean> {
  const { integer, floatOps } = kernelKind(ops);
  return {
    executedOps: describeOps(ops),
    integerKernels: integer,
    ...(floatOps.length ? { floatComputeOps: floatOps.join(', ') } : {}),
  };
}

/**
 * One profiled inference (on a zero input of the model's shape) and the kernels it executed:
 * `endProfiling` stops ORT's profiler (later runs are not profiled) and returns the profile text.
 */
export async function profiledKernels(
  run: (input: Float32Array) => Promise<Float32Array>,
  resolution: number,
  endProfiling: () => Promise<string>,
): Promise<Record<string, string | boolean>> {
  await run(new Float32Array(resolution * resolution * 3));
  return kernelDetails(executedOps(await endProfiling()));
}
