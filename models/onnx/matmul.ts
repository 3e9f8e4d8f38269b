/**
 * A one-node ONNX model, `Y = A · B` with A [n, n] an input and B [n, n] an initializer: what the
 * native ceiling (harness/probe/ceilings/native-matmul.ts) times through onnxruntime-node. Large
 * and square, so ORT's GEMM runs its best kernel; n³ multiply-adds per run.
 */
import { mulberry32 } from '../../contract/stats/random.ts';
import { ONNX_IR_VERSION, ONNX_OPSET, ONNX_PRODUCER, writeNode, writeValueInfo } from './export.ts';
import { ProtoWriter, float32LE } from './protobuf.ts';

/** TensorProto.DataType.FLOAT. */
const FLOAT = 1;

/** Seeded values in [-1, 1): no denormals, no overflow in a sum of n products. */
export function seededMatrix(n: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const m = new Float32Array(n * n);
  for (let i = 0; i < m.length; i++) m[i] = random() * 2 - 1;
  return m;
}

/** ModelProto bytes of `Y = MatMul(A, B)`, input `A` and output `Y` both [n, n]. */
export function exportMatMulOnnx(n: number, seed = 7): Uint8Array {
  const model = new ProtoWriter();
  model.varint(1, ONNX_IR_VERSION);
  model.string(2, ONNX_PRODUCER);
  model.message(7, (graph) => {
    graph.message(1, (w) => writeNode(w, { op: 'MatMul', name: 'matmul', inputs: ['A', 'B'], outputs: ['Y'] }));
    graph.string(2, `matmul_${n}`);
    graph.message(5, (t) => {
      t.packedInt64s(1, [n, n]);
      t.varint(2, FLOAT);
      t.string(8, 'B');
      t.bytes(9, float32LE(seededMatrix(n, seed)));
    });
    graph.message(11, (w) => writeValueInfo(w, 'A', [n, n]));
    graph.message(12, (w) => writeValueInfo(w, 'Y', [n, n]));
  });
  model.message(8, (op) => op.string(1, '').varint(2, ONNX_OPSET));
  return model.finish();
}
