/**
 * Write MobileNet V1 as an ONNX model (ir_version 8, opset 13) from canonical weights, so
 * ONNX Runtime runs exactly the network the reference and tfjs run.
 *
 * Graph: input `input` float NHWC [1,R,R,3] → Transpose to NCHW → Conv (stem, s2) → Clip(0,6)
 * → 13 × (Conv group=C depthwise → Clip → Conv 1×1 → Clip) → GlobalAveragePool → Flatten
 * → Gemm → output `logits` [1, classes]. TF 'same' padding is written as explicit pads.
 */
import type { CanonicalWeights } from '../weights/canonical.ts';
import { specOf, validateWeights } from '../weights/canonical.ts';
import { samePadding, type LayerSpec } from '../spec.ts';
import { ProtoWriter, float32LE } from './protobuf.ts';

/** ONNX IR version written. */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset written. */
export const ONNX_OPSET = 13;
/** producer_name written. */
export const ONNX_PRODUCER = 'mobilenet-bench';

/** TensorProto.DataType.FLOAT. */
const FLOAT = 1;
/** AttributeProto.AttributeType values used. */
const ATTR_INT = 2;
const ATTR_INTS = 7;

/** ONNX Conv pads [top, left, bottom, right] for TF 'same' on a square map. */
export function onnxSamePads(inSize: number, kernel: number, stride: number): [number, number, number, number] {
  const [before, after] = samePadding(inSize, kernel, stride);
  return [before, before, after, after];
}

/** An int or ints attribute. */
export type Attr = { name: string; int: number } | { name: string; ints: number[] };

/** One graph node as the writers build it. */
export interface Node {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** conv0 HWIO [3,3,I,O] → OIHW [O,I,3,3]. */
function stemToOIHW(k: Float32Array, kh: number, kw: number, inC: number, outC: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < inC; i++) for (let o = 0; o < outC; o++) out[((o * inC + i) * kh + h) * kw + w] = k[((h * kw + w) * inC + i) * outC + o];
  return out;
}

/** depthwise HWC [3,3,C] → [C,1,3,3]. */
function depthwiseToOIHW(k: Float32Array, kh: number, kw: number, c: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let h = 0; h < kh; h++) for (let w = 0; w < kw; w++) for (let ch = 0; ch < c; ch++) out[(ch * kh + h) * kw + w] = k[(h * kw + w) * c + ch];
  return out;
}

/** pointwise IO [I,O] → [O,I,1,1]. */
function pointwiseToOIHW(k: Float32Array, inC: number, outC: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let i = 0; i < inC; i++) for (let o = 0; o < outC; o++) out[o * inC + i] = k[i * outC + o];
  return out;
}

/** A ValueInfoProto of a float tensor with fixed dims. */
export function writeValueInfo(w: ProtoWriter, name: string, dims: number[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => dim.varint(1, d));
      });
    }),
  );
}

/** A NodeProto with int / ints attributes. */
export function writeNode(w: ProtoWriter, n: Node): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.op);
  for (const a of n.attrs ?? []) {
    w.message(5, (attr) => {
      attr.string(1, a.name);
      if ('int' in a) attr.varint(3, a.int).varint(20, ATTR_INT);
      else attr.packedInt64s(8, a.ints).varint(20, ATTR_INTS);
    });
  }
}

function writeInitializer(w: ProtoWriter, t: Initializer): void {
  if (t.dims.length > 0) w.packedInt64s(1, t.dims);
  w.varint(2, FLOAT);
  w.string(8, t.name);
  w.bytes(9, float32LE(t.data));
}

/** Serialize the network as ONNX ModelProto bytes. */
export function exportOnnx(weights: CanonicalWeights): Uint8Array {
  validateWeights(weights);
  const spec = specOf(weights);
  const byName = new Map(weights.layers.map((l) => [l.name, l]));
  const R = weights.resolution;
  const nodes: Node[] = [];
  const inits: Initializer[] = [
    { name: 'relu6_min', dims: [], data: new Float32Array([0]) },
    { name: 'relu6_max', dims: [], data: new Float32Array([6]) },
  ];

  nodes.push({ op: 'Transpose', name: 'to_nchw', inputs: ['input'], outputs: ['input_nchw'], attrs: [{ name: 'perm', ints: [0, 3, 1, 2] }] });
  let x = 'input_nchw';

  const conv = (l: LayerSpec, weight: Float32Array, dims: number[], group: number) => {
    const lw = byName.get(l.name)!;
    inits.push({ name: `${l.name}.weight`, dims, data: weight }, { name: `${l.name}.bias`, dims: [l.outChannels], data: lw.bias });
    nodes.push({
      op: 'Conv',
      name: l.name,
      inputs: [x, `${l.name}.weight`, `${l.name}.bias`],
      outputs: [`${l.name}.conv`],
      attrs: [
        { name: 'kernel_shape', ints: [l.kernel, l.kernel] },
        { name: 'strides', ints: [l.stride, l.stride] },
        { name: 'pads', ints: onnxSamePads(l.inSize, l.kernel, l.stride) },
        { name: 'dilations', ints: [1, 1] },
        { name: 'group', int: group },
      ],
    });
    nodes.push({ op: 'Clip', name: `${l.name}.relu6`, inputs: [`${l.name}.conv`, 'relu6_min', 'relu6_max'], outputs: [`${l.name}.out`] });
    x = `${l.name}.out`;
  };

  for (const l of spec.layers) {
    const k = byName.get(l.name)?.kernel;
    switch (l.kind) {
      case 'conv':
        conv(l, stemToOIHW(k!, l.kernel, l.kernel, l.inChannels, l.outChannels), [l.outChannels, l.inChannels, l.kernel, l.kernel], 1);
        break;
      case 'depthwise':
        conv(l, depthwiseToOIHW(k!, l.kernel, l.kernel, l.inChannels), [l.inChannels, 1, l.kernel, l.kernel], l.inChannels);
        break;
      case 'pointwise':
        conv(l, pointwiseToOIHW(k!, l.inChannels, l.outChannels), [l.outChannels, l.inChannels, 1, 1], 1);
        break;
      case 'avgpool':
        nodes.push({ op: 'GlobalAveragePool', name: 'pool', inputs: [x], outputs: ['pool.out'] });
        nodes.push({ op: 'Flatten', name: 'flatten', inputs: ['pool.out'], outputs: ['features'], attrs: [{ name: 'axis', int: 1 }] });
        x = 'features';
        break;
      case 'fc': {
        const lw = byName.get(l.name)!;
        inits.push({ name: 'fc.weight', dims: [l.inChannels, l.outChannels], data: lw.kernel }, { name: 'fc.bias', dims: [l.outChannels], data: lw.bias });
        nodes.push({ op: 'Gemm', name: 'fc', inputs: [x, 'fc.weight', 'fc.bias'], outputs: ['logits'] });
        break;
      }
    }
  }

  const model = new ProtoWriter();
  model.varint(1, ONNX_IR_VERSION);
  model.string(2, ONNX_PRODUCER);
  model.string(3, '0.1.0');
  model.message(7, (graph) => {
    for (const n of nodes) graph.message(1, (w) => writeNode(w, n));
    graph.string(2, `mobilenet_v1_${weights.alpha}_${R}`);
    for (const t of inits) graph.message(5, (w) => writeInitializer(w, t));
    graph.message(11, (w) => writeValueInfo(w, 'input', [1, R, R, 3]));
    graph.message(12, (w) => writeValueInfo(w, 'logits', [1, weights.classes]));
  });
  model.message(8, (op) => op.string(1, '').varint(2, ONNX_OPSET));
  return model.finish();
}
