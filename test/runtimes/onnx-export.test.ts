/** The protobuf writer and the ONNX graph it writes: structure, pads, and that both ORT flavours load it. */
import './fixtures.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoWriter, encodeVarint } from '../../models/onnx/protobuf.ts';
import { exportOnnx, onnxSamePads, ONNX_IR_VERSION, ONNX_OPSET, ONNX_PRODUCER } from '../../models/onnx/export.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { specOf } from '../../models/weights/canonical.ts';
import { decodeMessage, bytesOf, stringOf, varintOf, packedVarints, type PbField } from './fixtures.ts';

test('varints: small, multi-byte, and negative int64 as 10 bytes', () => {
  assert.deepEqual([...encodeVarint(0)], [0]);
  assert.deepEqual([...encodeVarint(1)], [1]);
  assert.deepEqual([...encodeVarint(300)], [0xac, 0x02]);
  assert.deepEqual([...encodeVarint(-1)], [255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
  assert.throws(() => encodeVarint(2 ** 60), RangeError);
});

test('writer: strings, packed values and nested messages decode back', () => {
  const bytes = new ProtoWriter()
    .varint(1, 150)
    .string(2, 'héllo')
    .packedInt64s(3, [1, 300, -2])
    .packedFloats(4, [1.5, -2])
    .message(5, (m) => m.varint(1, 7).string(2, 'x'))
    .finish();
  assert.deepEqual([...bytes.subarray(0, 3)], [0x08, 0x96, 0x01]);
  const f = decodeMessage(bytes);
  assert.equal(varintOf(f, 1), 150n);
  assert.equal(stringOf(f, 2), 'héllo');
  assert.deepEqual(packedVarints(bytesOf(f, 3)[0]), [1, 300, -2]);
  const floats = bytesOf(f, 4)[0];
  assert.deepEqual([...new Float32Array(floats.slice().buffer)], [1.5, -2]);
  const nested = decodeMessage(bytesOf(f, 5)[0]);
  assert.equal(varintOf(nested, 1), 7n);
  assert.equal(stringOf(nested, 2), 'x');
});

test('TF same padding as ONNX pads: stride 2 on even sizes pads only bottom/right, odd sizes both sides', () => {
  assert.deepEqual(onnxSamePads(224, 3, 2), [0, 0, 1, 1]);
  assert.deepEqual(onnxSamePads(14, 3, 2), [0, 0, 1, 1]);
  assert.deepEqual(onnxSamePads(97, 3, 2), [1, 1, 1, 1]);
  assert.deepEqual(onnxSamePads(7, 3, 2), [1, 1, 1, 1]);
  assert.deepEqual(onnxSamePads(112, 3, 1), [1, 1, 1, 1]);
  assert.deepEqual(onnxSamePads(7, 1, 1), [0, 0, 0, 0]);
});

/** Conv nodes of an exported model: name → {pads, strides, group}. */
function convNodes(graph: PbField[]) {
  const convs = new Map<string, Record<string, number[]>>();
  const ops: string[] = [];
  for (const nodeBytes of bytesOf(graph, 1)) {
    const node = decodeMessage(nodeBytes);
    ops.push(stringOf(node, 4)!);
    if (stringOf(node, 4) !== 'Conv') continue;
    const attrs: Record<string, number[]> = {};
    for (const a of bytesOf(node, 5).map(decodeMessage)) {
      const name = stringOf(a, 1)!;
      const ints = bytesOf(a, 8)[0];
      attrs[name] = ints ? packedVarints(ints) : [Number(varintOf(a, 3))];
    }
    convs.set(stringOf(node, 3)!, attrs);
  }
  return { convs, ops };
}

for (const resolution of [128, 97]) {
  test(`ONNX model 0.25_${resolution}: header, ops, and every Conv's pads/strides/group follow the spec`, () => {
    const w = syntheticWeights(0.25, resolution);
    const spec = specOf(w);
    const model = decodeMessage(exportOnnx(w));
    assert.equal(varintOf(model, 1), BigInt(ONNX_IR_VERSION));
    assert.equal(stringOf(model, 2), ONNX_PRODUCER);
    const opset = decodeMessage(bytesOf(model, 8)[0]);
    assert.equal(varintOf(opset, 2), BigInt(ONNX_OPSET));
    const graph = decodeMessage(bytesOf(model, 7)[0]);
    const { convs, ops } = convNodes(graph);
    assert.equal(ops[0], 'Transpose');
    assert.deepEqual(ops.slice(-3), ['GlobalAveragePool', 'Flatten', 'Gemm']);
    assert.equal(ops.filter((o) => o === 'Clip').length, 27);
    for (const l of spec.layers.filter((x) => x.kind === 'conv' || x.kind === 'depthwise' || x.kind === 'pointwise')) {
      const a = convs.get(l.name);
      assert.ok(a, `Conv ${l.name} missing`);
      assert.deepEqual(a.strides, [l.stride, l.stride], l.name);
      assert.deepEqual(a.pads, onnxSamePads(l.inSize, l.kernel, l.stride), l.name);
      assert.deepEqual(a.group, [l.kind === 'depthwise' ? l.inChannels : 1], l.name);
    }
    // The stem and the stride-2 blocks: even sizes pad [0,0,1,1], odd ones [1,1,1,1].
    const strided = spec.layers.filter((l) => l.stride === 2);
    assert.equal(strided.length, 5);
    for (const l of strided) {
      assert.deepEqual(convs.get(l.name)!.pads, l.inSize % 2 === 0 ? [0, 0, 1, 1] : [1, 1, 1, 1], `${l.name} at ${l.inSize}`);
    }
    // Graph input and output names.
    const io = (f: number) => stringOf(decodeMessage(bytesOf(graph, f)[0]), 1);
    assert.equal(io(11), 'input');
    assert.equal(io(12), 'logits');
  });
}

test('the exported bytes load in onnxruntime-node and onnxruntime-web with input/output names', async () => {
  const bytes = exportOnnx(syntheticWeights(0.25, 128));
  const ortNode = await import('onnxruntime-node');
  const a = await ortNode.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  assert.deepEqual([a.inputNames, a.outputNames], [['input'], ['logits']]);
  await a.release();
  const { createOrtWebModel } = await import('../../models/onnx/ort-web.ts');
  const m = await createOrtWebModel(syntheticWeights(0.25, 128), { backend: 'wasm', threads: 1 });
  assert.equal(m.effective().impl, 'ort-web');
  await m.dispose();
});
