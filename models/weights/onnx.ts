/**
 * An ONNX MobileNet V1 → canonical weights: the graph's Conv nodes in order are the stem, then
 * 13 × (depthwise, pointwise), each with its bias (batch norm already folded, as exporters write
 * it); then a global pool and one classifier: Gemm, MatMul (+ Add) or a 1×1 Conv, any number of
 * classes. Inert ops (Transpose, Clip/Relu, Flatten/Reshape/Squeeze, Dropout, Softmax, Identity)
 * are passed over; anything else is refused by name. Layouts: stem OIHW → HWIO, depthwise
 * [C,1,3,3] → HWC, pointwise [O,I,1,1] → IO, classifier → [in, classes]. Padding must be TF
 * 'same' (what the reference computes); PyTorch's symmetric pads on stride 2 differ and are refused.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mobilenetV1, resolutionProblem, samePadding, type LayerSpec } from '../spec.ts';
import { OnnxReadError, readOnnxGraph, type OnnxNode, type OnnxTensor } from '../onnx/reader.ts';
import { WeightsError, validateWeights, type CanonicalWeights, type LayerWeights } from './canonical.ts';
import { inferAlpha } from './tflite.ts';

const INERT = new Set(['Transpose', 'Clip', 'Relu', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Dropout', 'Softmax', 'Identity']);
const POOLS = new Set(['GlobalAveragePool', 'ReduceMean', 'AveragePool']);

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** Loads an .onnx MobileNet V1 file. */
export function loadOnnxFile(path: string): CanonicalWeights {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new WeightsError(path, undefined, `cannot read the ONNX file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return loadOnnx(bytes, path);
}

/** Converts ONNX bytes (a MobileNet V1 graph) to canonical weights; `file` names it in errors. */
export function loadOnnx(bytes: Uint8Array, file: string): CanonicalWeights {
  let graph;
  try {
    graph = readOnnxGraph(bytes);
  } catch (e) {
    if (e instanceof OnnxReadError) throw new WeightsError(file, undefined, `not a readable ONNX model: ${e.message}`);
    throw e;
  }
  const init = (name: string | undefined, node: OnnxNode): OnnxTensor => {
    const t = name === undefined ? undefined : graph.initializers.get(name);
    if (!t)
      throw new WeightsError(file, node.name || node.op, `input ${name ?? '(none)'} is not a constant initializer: the weights must be stored in the file`);
    if (t.dataType !== 1)
      throw new WeightsError(file, t.name, `data type ${t.dataType}, expected FLOAT (1): quantized ONNX models are not read (use the float model)`);
    return t;
  };

  // Resolution from the graph input (NHWC [1,R,R,3] or NCHW [1,3,R,R]).
  const input = graph.inputs.find((i) => !graph.initializers.has(i.name));
  const d = input?.dims ?? [];
  const resolution = d.length === 4 && d[3] === 3 && d[1] === d[2] ? d[1] : d.length === 4 && d[1] === 3 && d[2] === d[3] ? d[2] : null;
  if (!input || resolution === null) {
    throw new WeightsError(file, input?.name ?? 'input', `input shape [${d.map((x) => x ?? '?')}], expected fixed [1, R, R, 3] or [1, 3, R, R]`);
  }
  const tooLarge = resolutionProblem(resolution);
  if (tooLarge) throw new WeightsError(file, input.name, `input shape [${d.map((x) => x ?? '?')}]: ${tooLarge}`);

  const convs = graph.nodes.filter((n) => n.op === 'Conv');
  const stem = convs[0] ? init(convs[0].inputs[1], convs[0]) : undefined;
  const stemOut = stem?.dims[0];
  // α from the stem and the 27th conv (pw13), else from the stem alone (each official α has its own
  // stem width); every layer is then checked against the spec, so a wrong guess names the layer.
  const lastPw = convs[26] && graph.initializers.get(convs[26].inputs[1])?.dims[0];
  const alpha =
    stemOut === undefined
      ? undefined
      : ((lastPw !== undefined ? inferAlpha(stemOut, lastPw) : undefined) ?? [1, 0.75, 0.5, 0.25].find((a) => inferAlpha(stemOut, Math.floor(1024 * a)) === a));
  if (alpha === undefined) {
    throw new WeightsError(
      file,
      convs[0]?.name ?? 'conv0',
      `not MobileNet V1: the first layer that differs from the spec is conv0 (${stemOut ?? 'no'} output channels; MobileNet V1's stem has max(floor(32α), 8) = 8, 16, 24 or 32)`,
    );
  }
  // The spec with a placeholder class count; the head sets the real one.
  const backbone = mobilenetV1(alpha, resolution, 1).layers.filter((l) => l.kind !== 'avgpool' && l.kind !== 'fc');

  const layers: LayerWeights[] = [];
  let k = 0;
  let pooled = false;
  let head: { kernel: Float32Array; bias: Float32Array; classes: number } | null = null;
  const differs = (l: LayerSpec | undefined, node: OnnxNode, why: string) =>
    new WeightsError(
      file,
      node.name || node.op,
      `not MobileNet V1 α ${alpha} × ${resolution}: the first layer that differs from the spec is ${l?.name ?? 'the head'} (${why})`,
    );

  for (const node of graph.nodes) {
    if (INERT.has(node.op)) continue;
    const spec = backbone[k];
    if (node.op === 'Conv' && spec) {
      const w = init(node.inputs[1], node);
      const group = (node.attrs.get('group') as number | undefined) ?? 1;
      const strides = (node.attrs.get('strides') as number[] | undefined) ?? [1, 1];
      const expectDims =
        spec.kind === 'conv' ? [spec.outChannels, 3, 3, 3] : spec.kind === 'depthwise' ? [spec.inChannels, 1, 3, 3] : [spec.outChannels, spec.inChannels, 1, 1];
      const expectGroup = spec.kind === 'depthwise' ? spec.inChannels : 1;
      if (w.dims.join() !== expectDims.join() || group !== expectGroup) {
        throw differs(spec, node, `Conv weight [${w.dims}] group ${group}, expected [${expectDims}] group ${expectGroup} for a ${spec.kind} conv`);
      }
      if (strides[0] !== spec.stride || strides[1] !== spec.stride)
        throw differs(spec, node, `strides [${strides}], expected [${spec.stride}, ${spec.stride}]`);
      const [before, after] = samePadding(spec.inSize, spec.kernel, spec.stride);
      const pads = (node.attrs.get('pads') as number[] | undefined) ?? [0, 0, 0, 0];
      const autoPad = node.attrs.get('auto_pad');
      if (autoPad === undefined && pads.join() !== [before, before, after, after].join()) {
        throw differs(spec, node, `pads [${pads}], expected TF 'same' [${before}, ${before}, ${after}, ${after}] (the reference pads as TensorFlow does)`);
      }
      const bias = node.inputs[2] ? init(node.inputs[2], node).data : new Float32Array(spec.outChannels);
      let kernel: Float32Array;
      if (spec.kind === 'conv') {
        kernel = new Float32Array(w.data.length);
        const [o, i] = [spec.outChannels, 3];
        for (let oc = 0; oc < o; oc++)
          for (let ic = 0; ic < i; ic++)
            for (let h = 0; h < 3; h++)
              for (let x = 0; x < 3; x++) {
                kernel[((h * 3 + x) * i + ic) * o + oc] = w.data[((oc * i + ic) * 3 + h) * 3 + x];
              }
      } else if (spec.kind === 'depthwise') {
        kernel = new Float32Array(w.data.length);
        const c = spec.inChannels;
        for (let ch = 0; ch < c; ch++) for (let h = 0; h < 3; h++) for (let x = 0; x < 3; x++) kernel[(h * 3 + x) * c + ch] = w.data[(ch * 3 + h) * 3 + x];
      } else kernel = transpose2d(w.data, spec.outChannels, spec.inChannels);
      layers.push({ name: spec.name, kernel, bias: Float32Array.from(bias) });
      k++;
      continue;
    }
    if (spec) throw differs(spec, node, `a ${node.op} node where a Conv was expected`);
    if (POOLS.has(node.op) && !pooled && !head) {
      pooled = true;
      continue;
    }
    const inC = backbone[backbone.length - 1].outChannels;
    if (pooled && !head && (node.op === 'Gemm' || node.op === 'MatMul' || node.op === 'Conv')) {
      const w = init(node.inputs[1], node);
      let kernel: Float32Array;
      let classes: number;
      if (node.op === 'Conv') {
        if (w.dims.length !== 4 || w.dims[1] !== inC || w.dims[2] !== 1 || w.dims[3] !== 1)
          throw differs(undefined, node, `classifier Conv weight [${w.dims}], expected [classes, ${inC}, 1, 1]`);
        classes = w.dims[0];
        kernel = transpose2d(w.data, classes, inC);
      } else {
        const transB = node.op === 'Gemm' && node.attrs.get('transB') === 1;
        if (w.dims.length !== 2 || w.dims[transB ? 1 : 0] !== inC)
          throw differs(undefined, node, `classifier weight [${w.dims}]${transB ? ' (transB)' : ''}, expected [${inC}, classes]`);
        classes = w.dims[transB ? 0 : 1];
        kernel = transB ? transpose2d(w.data, classes, inC) : Float32Array.from(w.data);
      }
      const bias = node.inputs[2] ? Float32Array.from(init(node.inputs[2], node).data) : new Float32Array(classes);
      head = { kernel, bias, classes };
      continue;
    }
    if (head && node.op === 'Add' && node.inputs.some((i) => graph.initializers.has(i))) {
      const b = init(
        node.inputs.find((i) => graph.initializers.has(i)),
        node,
      );
      if (b.data.length !== head.classes) throw differs(undefined, node, `bias of ${b.data.length} values, expected ${head.classes}`);
      head.bias = head.bias.map((v, i) => v + b.data[i]);
      continue;
    }
    throw new WeightsError(
      file,
      node.name || node.op,
      `unsupported op in the head: ${node.op}; after conv_pw_13 a MobileNet V1 head may hold only a global average pool, one Gemm, MatMul (+ Add) or 1×1 Conv classifier, and ${[...INERT].join(', ')}`,
    );
  }
  if (k < backbone.length)
    throw new WeightsError(
      file,
      backbone[k].name,
      `not MobileNet V1: the graph ends after ${k} convolutions, expected ${backbone.length} before the head (${backbone[k].name} is missing)`,
    );
  if (!pooled || !head) throw new WeightsError(file, 'fc', 'no classifier after the global average pool: expected a Gemm, MatMul or 1×1 Conv');
  layers.push({ name: 'fc', kernel: head.kernel, bias: head.bias });
  const weights: CanonicalWeights = {
    alpha,
    resolution,
    classes: head.classes,
    precision: 'float32',
    source: { kind: 'onnx', file, sha256: createHash('sha256').update(bytes).digest('hex') },
    batchNormFolded: true,
    input: {},
    layers,
  };
  validateWeights(weights, file);
  return weights;
}
