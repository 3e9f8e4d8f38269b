/**
 * Write the official uint8 MobileNet V1 as a quantized ONNX graph that ONNX Runtime runs on its
 * integer kernels, from the same integer form the integer reference runs (CanonicalWeights.quantized:
 * raw uint8 kernels and zero points, int32 biases, activation scales from the .tflite file).
 *
 * Graph (opset 13 + com.microsoft 1): input float NHWC [1,R,R,3] → Transpose to NCHW →
 * QuantizeLinear (1/128, 128) → 27 × QLinearConv (stem; depthwise with group = C; pointwise 1×1),
 * each with its int32 bias and its output scale/zero point (the uint8 output range is ReLU6, so no
 * Clip is needed) → QLinearGlobalAveragePool (com.microsoft) → QLinearConv 1×1 (logits) →
 * DequantizeLinear → Flatten → output `logits` [1, classes] float. The integer ops are written
 * explicitly (not QDQ) so there is nothing for the optimizer to fuse or leave as float; which
 * kernels really ran is read back from ORT's profile (models/onnx/executed-ops.ts).
 */
import { specOf, validateWeights, type CanonicalWeights } from '../weights/canonical.ts';
import type { Quantization } from '../weights/quantized.ts';
import type { QuantizedLayer } from '../weights/quantized.ts';
import type { LayerSpec } from '../spec.ts';
import { ONNX_IR_VERSION, ONNX_OPSET, ONNX_PRODUCER, onnxSamePads, writeNode, writeValueInfo, type Node } from './export.ts';
import { ProtoWriter, float32LE } from './protobuf.ts';

/** TensorProto.DataType values used. */
const FLOAT = 1;
const UINT8 = 2;
const INT32 = 6;
/** Microsoft contrib-op domain (QLinearGlobalAveragePool) and its opset. */
const MS_DOMAIN = 'com.microsoft';
const MS_OPSET = 1;

interface Initializer {
  name: string;
  dims: number[];
  type: typeof FLOAT | typeof UINT8 | typeof INT32;
  bytes: Uint8Array;
}

/** A node in a domain other than the default one. */
type DomainNode = Node & { domain?: string };

/** Kernel in canonical layout → OIHW bytes (conv HWIO, depthwise HWC → [C,1,3,3], pointwise/fc IO → [O,I,1,1]). */
function toOIHW(l: LayerSpec, k: Uint8Array): Uint8Array {
  const out = new Uint8Array(k.length);
  const I = l.inChannels,
    O = l.outChannels;
  switch (l.kind) {
    case 'conv':
      for (let h = 0; h < 3; h++)
        for (let w = 0; w < 3; w++)
          for (let i = 0; i < I; i++)
            for (let o = 0; o < O; o++) {
              out[((o * I + i) * 3 + h) * 3 + w] = k[((h * 3 + w) * I + i) * O + o];
            }
      return out;
    case 'depthwise':
      for (let h = 0; h < 3; h++) for (let w = 0; w < 3; w++) for (let c = 0; c < I; c++) out[(c * 3 + h) * 3 + w] = k[(h * 3 + w) * I + c];
      return out;
    default:
      for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) out[o * I + i] = k[i * O + o];
      return out;
  }
}

/** A ValueInfoProto with an element type. */
function writeTypedValueInfo(w: ProtoWriter, name: string, elemType: number, dims: number[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, elemType);
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => dim.varint(1, d));
      });
    }),
  );
}

function writeInitializer(w: ProtoWriter, t: Initializer): void {
  if (t.dims.length > 0) w.packedInt64s(1, t.dims);
  w.varint(2, t.type);
  w.string(8, t.name);
  w.bytes(9, t.bytes);
}

/** Serialize the quantized network as ONNX ModelProto bytes; needs weights with an integer form. */
export function exportQuantizedOnnx(weights: CanonicalWeights, options: { layerOutputs?: boolean } = {}): Uint8Array {
  validateWeights(weights);
  const q = weights.quantized;
  if (!q) throw new Error('the quantized ONNX graph needs uint8 weights with their integer form (an official *_quant.tflite file)');
  const spec = specOf(weights);
  const byName = new Map(q.layers.map((l) => [l.name, l]));
  const R = weights.resolution;
  const nodes: DomainNode[] = [];
  const inits: Initializer[] = [];

  /** Scale and zero-point initializers of one quantization, named once. */
  const params = new Map<string, [string, string]>();
  const quantParams = (qp: Quantization): [string, string] => {
    const key = `${qp.scale}/${qp.zeroPoint}`;
    let names = params.get(key);
    if (!names) {
      const i = params.size;
      names = [`q${i}.scale`, `q${i}.zero_point`];
      inits.push(
        { name: names[0], dims: [], type: FLOAT, bytes: float32LE(new Float32Array([qp.scale])) },
        { name: names[1], dims: [], type: UINT8, bytes: new Uint8Array([qp.zeroPoint]) },
      );
      params.set(key, names);
    }
    return names;
  };

  nodes.push({ op: 'Transpose', name: 'to_nchw', inputs: ['input'], outputs: ['input_nchw'], attrs: [{ name: 'perm', ints: [0, 3, 1, 2] }] });
  const [inScale, inZero] = quantParams(q.input);
  nodes.push({ op: 'QuantizeLinear', name: 'quantize_input', inputs: ['input_nchw', inScale, inZero], outputs: ['input_q'] });
  let x = 'input_q';

  const qconv = (l: LayerSpec, lw: QuantizedLayer, group: number) => {
    const kernelDims = l.kind === 'depthwise' ? [l.inChannels, 1, 3, 3] : [l.outChannels, l.inChannels, l.kernel === 3 ? 3 : 1, l.kernel === 3 ? 3 : 1];
    inits.push(
      { name: `${l.name}.weight`, dims: kernelDims, type: UINT8, bytes: toOIHW(l, lw.kernel) },
      { name: `${l.name}.bias`, dims: [l.outChannels], type: INT32, bytes: new Uint8Array(lw.bias.buffer, lw.bias.byteOffset, lw.bias.byteLength) },
    );
    const [xs, xz] = quantParams(lw.input);
    const [ws, wz] = quantParams(lw.kernelQuantization);
    const [ys, yz] = quantParams(lw.output);
    const k = l.kind === 'fc' ? 1 : l.kernel;
    nodes.push({
      op: 'QLinearConv',
      name: l.name,
      inputs: [x, xs, xz, `${l.name}.weight`, ws, wz, ys, yz, `${l.name}.bias`],
      outputs: [`${l.name}.out`],
      attrs: [
        { name: 'kernel_shape', ints: [k, k] },
        { name: 'strides', ints: [l.stride, l.stride] },
        { name: 'pads', ints: l.kind === 'fc' ? [0, 0, 0, 0] : onnxSamePads(l.inSize, l.kernel, l.stride) },
        { name: 'dilations', ints: [1, 1] },
        { name: 'group', int: group },
      ],
    });
    x = `${l.name}.out`;
  };

  for (const l of spec.layers) {
    const lw = byName.get(l.name);
    switch (l.kind) {
      case 'conv':
      case 'pointwise':
      case 'fc':
        qconv(l, lw!, 1);
        break;
      case 'depthwise':
        qconv(l, lw!, l.inChannels);
        break;
      case 'avgpool': {
        const [xs, xz] = quantParams(q.pool.input);
        const [ys, yz] = quantParams(q.pool.output);
        nodes.push({
          op: 'QLinearGlobalAveragePool',
          name: 'pool',
          domain: MS_DOMAIN,
          inputs: [x, xs, xz, ys, yz],
          outputs: ['pool.out'],
          attrs: [{ name: 'channels_last', int: 0 }],
        });
        x = 'pool.out';
        break;
      }
    }
  }
  const [ls, lz] = quantParams(q.logits);
  nodes.push({ op: 'DequantizeLinear', name: 'dequantize_logits', inputs: [x, ls, lz], outputs: ['logits_nchw'] });
  nodes.push({ op: 'Flatten', name: 'flatten', inputs: ['logits_nchw'], outputs: ['logits'], attrs: [{ name: 'axis', int: 1 }] });

  const model = new ProtoWriter();
  model.varint(1, ONNX_IR_VERSION);
  model.string(2, ONNX_PRODUCER);
  model.string(3, '0.1.0');
  model.message(7, (graph) => {
    for (const n of nodes) {
      graph.message(1, (w) => {
        writeNode(w, n);
        if (n.domain) w.string(7, n.domain);
      });
    }
    graph.string(2, `mobilenet_v1_${weights.alpha}_${R}_quant`);
    for (const t of inits) graph.message(5, (w) => writeInitializer(w, t));
    graph.message(11, (w) => writeValueInfo(w, 'input', [1, R, R, 3]));
    graph.message(12, (w) => writeValueInfo(w, 'logits', [1, weights.classes]));
    // For layer-by-layer comparisons (tests): every layer's uint8 output as a graph output too.
    if (options.layerOutputs) {
      for (const l of spec.layers) {
        const name = l.kind === 'avgpool' ? 'pool.out' : `${l.name}.out`;
        graph.message(12, (w) => writeTypedValueInfo(w, name, UINT8, [1, l.outChannels, l.kind === 'fc' ? 1 : l.outSize, l.kind === 'fc' ? 1 : l.outSize]));
      }
    }
  });
  model.message(8, (op) => op.string(1, '').varint(2, ONNX_OPSET));
  model.message(8, (op) => op.string(1, MS_DOMAIN).varint(2, MS_OPSET));
  return model.finish();
}
