/**
 * Reads the integer form (models/weights/quantized.ts) of an official uint8 TFLite MobileNet V1:
 * raw uint8 kernels and zero points, raw int32 biases, and the scale and zero point of every
 * activation the kernels read and write, straight from the file. Called by the TFLite loader
 * after it has validated the graph, with the operators it picked.
 */
import { WeightsError } from './canonical.ts';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite-model.ts';
import { activationRangeUint8, permute, type Quantization, type QuantizedLayer, type QuantizedWeights } from './quantized.ts';
import type { LayerSpec } from '../spec.ts';

/** TensorType codes read here. */
const UINT8 = 3;
const INT32 = 2;
/** BuiltinOperator codes read here. */
const DEPTHWISE_CONV_2D = 4;
const FULLY_CONNECTED = 9;
const SOFTMAX = 25;

/** The per-tensor quantization of a tensor, or a WeightsError naming it. */
function quantizationOf(t: TfliteTensor, file: string): Quantization {
  const q = t.quantization;
  if (!q || q.scale.length !== 1) throw new WeightsError(file, t.name, 'expected per-tensor quantization (one scale)');
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

/** A uint8 activation's quantization (checks the type). */
function activation(m: TfliteModel, index: number, file: string): Quantization {
  const t = m.tensors[index];
  if (t.type !== UINT8) throw new WeightsError(file, t.name, `activation has type code ${t.type}, expected uint8 for integer inference`);
  return quantizationOf(t, file);
}

/** The fused activation code of a conv / depthwise conv (NONE when it has no options). */
function fusedActivation(op: TfliteOperator): number {
  if (!op.options || op.builtin === FULLY_CONNECTED) return 0;
  return op.options.scalar(op.builtin === DEPTHWISE_CONV_2D ? 4 : 3, 'i8', 0, 'fused_activation_function');
}

/** The layer's uint8 kernel as stored, reordered to canonical layout. */
function canonicalKernel(raw: Uint8Array, l: LayerSpec): Uint8Array {
  const out = new Uint8Array(raw.length);
  const I = l.inChannels,
    O = l.outChannels;
  switch (l.kind) {
    case 'conv': // OHWI [O,3,3,I] → HWIO
      return permute(raw, out, (i) => {
        const ic = i % I,
          w = Math.floor(i / I) % 3,
          h = Math.floor(i / (3 * I)) % 3,
          oc = Math.floor(i / (9 * I));
        return ((h * 3 + w) * I + ic) * O + oc;
      });
    case 'depthwise': // [1,3,3,C] = [3,3,C]
      out.set(raw);
      return out;
    default: // pointwise [O,1,1,I] and fc [O,I] or [O,1,1,I] → IO
      return permute(raw, out, (i) => (i % I) * O + Math.floor(i / I));
  }
}

/**
 * The integer form of a uint8 model. `picked` are the 28 weighted operators with their layer specs
 * (conv0 … fc), `pool` the AVERAGE_POOL_2D and `tail` the operators after the logits.
 */
export function readQuantizedTflite(
  m: TfliteModel,
  picked: Array<{ spec: LayerSpec; op: TfliteOperator }>,
  pool: TfliteOperator,
  tail: TfliteOperator[],
  file: string,
): QuantizedWeights {
  const layers: QuantizedLayer[] = picked.map(({ spec, op }) => {
    const kt = m.tensors[op.inputs[1]];
    const bt = m.tensors[op.inputs[2]];
    if (kt.type !== UINT8) throw new WeightsError(file, kt.name, 'kernel is not uint8');
    if (bt.type !== INT32) throw new WeightsError(file, bt.name, `bias has type code ${bt.type}, expected int32 for integer inference`);
    const raw = m.buffers[kt.buffer];
    const b = m.buffers[bt.buffer];
    const bias = new Int32Array(spec.outChannels);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < bias.length; i++) bias[i] = view.getInt32(4 * i, true);
    const biasQ = quantizationOf(bt, file);
    if (biasQ.zeroPoint !== 0) throw new WeightsError(file, bt.name, `int32 bias zero point is ${biasQ.zeroPoint}, expected 0`);
    const output = activation(m, op.outputs[0], file);
    return {
      name: spec.name,
      kernel: canonicalKernel(raw, spec),
      kernelQuantization: quantizationOf(kt, file),
      bias,
      input: activation(m, op.inputs[0], file),
      output,
      activationRange: activationRangeUint8(fusedActivation(op), output),
    };
  });
  const poolIn = activation(m, pool.inputs[0], file);
  const poolOut = activation(m, pool.outputs[0], file);
  if (poolIn.scale !== poolOut.scale || poolIn.zeroPoint !== poolOut.zeroPoint) {
    throw new WeightsError(file, m.tensors[pool.outputs[0]].name, 'average pool output quantization differs from its input (TFLite requires them equal)');
  }
  // Pool2DOptions{padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused_activation_function 5}.
  const poolAct = pool.options?.scalar(5, 'i8', 0, 'fused_activation_function') ?? 0;
  const softmaxOp = tail.find((op) => op.builtin === SOFTMAX);
  const softmaxOut = softmaxOp ? activation(m, softmaxOp.outputs[0], file) : { scale: 1 / 256, zeroPoint: 0 };
  // SoftmaxOptions{beta:float 0}.
  const beta = softmaxOp?.options?.scalar(0, 'f32', 1, 'beta') ?? 1;
  return {
    input: layers[0].input,
    layers,
    pool: { input: poolIn, output: poolOut, activationRange: activationRangeUint8(poolAct, poolOut) },
    logits: layers[layers.length - 1].output,
    softmax: { beta, output: softmaxOut },
  };
}
