/**
 * Official TF-slim MobileNet V1 TFLite flatbuffers (float32 and uint8 quantized)
 * → canonical weights.
 *
 * The graph is walked in operator order and must be exactly: CONV_2D (stem),
 * 13 × (DEPTHWISE_CONV_2D, CONV_2D 1×1), AVERAGE_POOL_2D, CONV_2D 1×1 (or
 * FULLY_CONNECTED) logits, then only RESHAPE / SQUEEZE / SOFTMAX. Each op must consume
 * the previous op's output. Batch norm is already folded by the converter (the
 * `…_Fold_bias` / `…_bias` tensors), so the kernels and biases are taken as they are:
 * float32 as stored; uint8 dequantized real = scale · (q − zero_point); int32 biases
 * real = scale · q (scale = input scale · kernel scale). TFLite layouts are transposed
 * to canonical: conv OHWI [out,kh,kw,in] → HWIO, depthwise [1,kh,kw,C] → [kh,kw,C],
 * 1×1 conv [out,1,1,in] and FULLY_CONNECTED [out,in] → [in,out].
 *
 * Only the schema fields needed are read (slot numbers from tensorflow/lite/schema/schema.fbs):
 * Model{version 0, operator_codes 1, subgraphs 2, description 3, buffers 4},
 * OperatorCode{deprecated_builtin_code:byte 0, custom_code 1, version 2, builtin_code:int 3},
 * SubGraph{tensors 0, inputs 1, outputs 2, operators 3, name 4},
 * Tensor{shape 0, type 1, buffer 2, name 3, quantization 4},
 * QuantizationParameters{min 0, max 1, scale 2, zero_point:[long] 3, quantized_dimension 6},
 * Operator{opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4},
 * Buffer{data:[ubyte] 0, offset:ulong 1, size:ulong 2}.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ALPHAS, scaledChannels } from '../spec.ts';
import { WeightsError, kernelShape, specOf, validateWeights, type CanonicalWeights, type LayerWeights, type Precision } from './canonical.ts';
import type { Quantization } from './quantized.ts';
import { FlatBuffer, FlatBufferError } from './flatbuffer.ts';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite-model.ts';
import { readQuantizedTflite } from './tflite-quantized.ts';

/** TFLite BuiltinOperator codes used here. */
const BuiltinOp = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  RELU6: 21,
  RESHAPE: 22,
  SOFTMAX: 25,
  SQUEEZE: 43,
  QUANTIZE: 114,
} as const;

const OP_NAMES = new Map<number, string>(Object.entries(BuiltinOp).map(([k, v]) => [v, k]));
function opName(code: number): string {
  return OP_NAMES.get(code) ?? `builtin op ${code}`;
}

/** TFLite TensorType names by code, with the element size of the ones we may read. */
const TENSOR_TYPES: Record<number, { name: string; size: number }> = {
  0: { name: 'float32', size: 4 },
  1: { name: 'float16', size: 2 },
  2: { name: 'int32', size: 4 },
  3: { name: 'uint8', size: 1 },
  4: { name: 'int64', size: 8 },
  5: { name: 'string', size: 0 },
  6: { name: 'bool', size: 1 },
  7: { name: 'int16', size: 2 },
  8: { name: 'complex64', size: 8 },
  9: { name: 'int8', size: 1 },
  10: { name: 'float64', size: 8 },
};
export const TensorType = { FLOAT32: 0, INT32: 2, UINT8: 3, INT8: 9 } as const;
function typeName(code: number): string {
  return TENSOR_TYPES[code]?.name ?? `tensor type ${code}`;
}

/** The identifier every TFLite flatbuffer carries at bytes 4..8. */
const TFLITE_IDENTIFIER = 'TFL3';

/** Turns anything thrown while reading into a WeightsError naming the file (and the tensor when known). */
function wrap<T>(file: string, tensor: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WeightsError) throw e;
    if (e instanceof FlatBufferError) throw new WeightsError(file, tensor, `corrupt flatbuffer: ${e.message}`);
    throw new WeightsError(file, tensor, `unexpected error while reading: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Parses the structure of a .tflite flatbuffer (no weights converted yet). */
export function parseTflite(bytes: Uint8Array, file: string): TfliteModel {
  return wrap(file, undefined, () => {
    const fb = new FlatBuffer(bytes);
    if (bytes.byteLength < 8) {
      throw new WeightsError(file, undefined, `file holds ${bytes.byteLength} bytes, too short for a TFLite flatbuffer`);
    }
    const id = fb.identifier();
    if (id !== TFLITE_IDENTIFIER) {
      throw new WeightsError(file, undefined, `file identifier is ${JSON.stringify(id)}, expected "${TFLITE_IDENTIFIER}" (not a TFLite model?)`);
    }
    const model = fb.root('Model');
    const version = model.scalar(0, 'u32', 0, 'version');
    if (version !== 3) throw new WeightsError(file, undefined, `schema version ${version}, expected 3`);
    const description = model.string(3, 'description');

    const builtins = model.tables(1, 'operator_codes').map((oc) => {
      const deprecated = oc.scalar(0, 'i8', 0, 'deprecated_builtin_code');
      const code = oc.scalar(3, 'i32', 0, 'builtin_code');
      return Math.max(deprecated, code);
    });

    const buffers = model.tables(4, 'buffers').map((b, i) => {
      const data = b.bytes(0, 'data');
      if (data && data.length > 0) return data;
      // Models over 2 GB keep buffers outside the flatbuffer: offset/size into the file.
      const offset = b.scalar(1, 'u64', 0, 'offset');
      const size = b.scalar(2, 'u64', 0, 'size');
      if (offset > 1) {
        fb.check(offset, size, `Model.buffers[${i}]`, 'external buffer data');
        return bytes.subarray(offset, offset + size);
      }
      return new Uint8Array(0);
    });

    const subgraphs = model.tables(2, 'subgraphs');
    if (subgraphs.length === 0) throw new WeightsError(file, undefined, 'model has no subgraph');
    const sg = subgraphs[0];

    const tensors: TfliteTensor[] = sg.tables(0, 'tensors').map((t, index) => {
      const q = t.table(4, 'quantization');
      const tensor: TfliteTensor = {
        index,
        name: t.string(3, 'name') ?? `tensor ${index}`,
        shape: t.scalars(0, 'i32', 'shape'),
        type: t.scalar(1, 'i8', 0, 'type'),
        buffer: t.scalar(2, 'u32', 0, 'buffer'),
      };
      if (q) {
        const scale = q.scalars(2, 'f32', 'scale');
        if (scale.length > 0) {
          tensor.quantization = {
            scale,
            zeroPoint: q.scalars(3, 'i64', 'zero_point'),
            quantizedDimension: q.scalar(6, 'i32', 0, 'quantized_dimension'),
          };
        }
      }
      return tensor;
    });

    const checkTensorIndex = (i: number, what: string) => {
      if (i !== -1 && (i < 0 || i >= tensors.length)) {
        throw new WeightsError(file, undefined, `${what} refers to tensor ${i}, but the subgraph has ${tensors.length} tensors`);
      }
    };
    const inputs = sg.scalars(1, 'i32', 'inputs');
    const outputs = sg.scalars(2, 'i32', 'outputs');
    inputs.forEach((i) => checkTensorIndex(i, 'subgraph input'));
    outputs.forEach((i) => checkTensorIndex(i, 'subgraph output'));

    const operators: TfliteOperator[] = sg.tables(3, 'operators').map((op, index) => {
      const opcodeIndex = op.scalar(0, 'u32', 0, 'opcode_index');
      if (opcodeIndex >= builtins.length) {
        throw new WeightsError(file, undefined, `operator ${index} has opcode_index ${opcodeIndex}, but the model has ${builtins.length} operator codes`);
      }
      const o: TfliteOperator = {
        index,
        builtin: builtins[opcodeIndex],
        inputs: op.scalars(1, 'i32', 'inputs'),
        outputs: op.scalars(2, 'i32', 'outputs'),
        optionsType: op.scalar(3, 'u8', 0, 'builtin_options_type'),
        options: op.table(4, 'builtin_options'),
      };
      o.inputs.forEach((i) => checkTensorIndex(i, `operator ${index} (${opName(o.builtin)}) input`));
      o.outputs.forEach((i) => checkTensorIndex(i, `operator ${index} (${opName(o.builtin)}) output`));
      return o;
    });

    for (const t of tensors) {
      if (t.buffer >= buffers.length) {
        throw new WeightsError(file, t.name, `refers to buffer ${t.buffer}, but the model has ${buffers.length} buffers`);
      }
    }
    return { version, description, tensors, inputs, outputs, operators, buffers };
  });
}

/** Reads the constant data of `t` as real numbers after checking its shape, type and byte length. */
function readConstant(
  m: TfliteModel,
  t: TfliteTensor,
  file: string,
  expectedShape: number[],
  role: 'kernel' | 'bias',
): { values: Float32Array; quantization?: Quantization } {
  if (t.shape.length !== expectedShape.length || t.shape.some((d, i) => d !== expectedShape[i])) {
    throw new WeightsError(file, t.name, `${role} shape is [${t.shape}], expected [${expectedShape}]`);
  }
  const count = expectedShape.reduce((a, b) => a * b, 1);
  const allowed = role === 'kernel' ? [TensorType.FLOAT32, TensorType.UINT8, TensorType.INT8] : [TensorType.FLOAT32, TensorType.INT32];
  if (!allowed.includes(t.type as never)) {
    throw new WeightsError(file, t.name, `${role} has type ${typeName(t.type)}, expected one of ${allowed.map(typeName).join(', ')}`);
  }
  const elem = TENSOR_TYPES[t.type].size;
  const data = m.buffers[t.buffer];
  if (data.length !== count * elem) {
    throw new WeightsError(file, t.name, `buffer holds ${data.length} bytes, expected ${count * elem} for shape [${expectedShape}] ${typeName(t.type)}`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const values = new Float32Array(count);
  if (t.type === TensorType.FLOAT32) {
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
    return { values };
  }
  const q = t.quantization;
  if (!q) throw new WeightsError(file, t.name, `${typeName(t.type)} ${role} has no quantization scale`);
  if (q.scale.length !== 1) {
    throw new WeightsError(file, t.name, `${typeName(t.type)} ${role} has ${q.scale.length} scales (per-axis quantization), expected 1 (per-tensor)`);
  }
  const scale = q.scale[0];
  const zeroPoint = q.zeroPoint.length > 0 ? q.zeroPoint[0] : 0;
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new WeightsError(file, t.name, `quantization scale is ${scale}, expected a positive finite number`);
  }
  if (t.type === TensorType.UINT8) {
    if (zeroPoint < 0 || zeroPoint > 255) throw new WeightsError(file, t.name, `uint8 zero point ${zeroPoint} outside [0, 255]`);
    for (let i = 0; i < count; i++) values[i] = scale * (data[i] - zeroPoint);
  } else if (t.type === TensorType.INT8) {
    for (let i = 0; i < count; i++) values[i] = scale * (view.getInt8(i) - zeroPoint);
  } else {
    for (let i = 0; i < count; i++) values[i] = scale * (view.getInt32(4 * i, true) - zeroPoint);
  }
  return { values, quantization: { scale, zeroPoint } };
}

/** OHWI [O,kh,kw,I] → HWIO [kh,kw,I,O]. */
function ohwiToHwio(src: Float32Array, o: number, kh: number, kw: number, ci: number): Float32Array {
  const dst = new Float32Array(src.length);
  for (let oc = 0; oc < o; oc++) {
    for (let h = 0; h < kh; h++) {
      for (let w = 0; w < kw; w++) {
        for (let i = 0; i < ci; i++) dst[((h * kw + w) * ci + i) * o + oc] = src[((oc * kh + h) * kw + w) * ci + i];
      }
    }
  }
  return dst;
}

/** [O, I] → [I, O]. */
function transpose2d(src: Float32Array, o: number, ci: number): Float32Array {
  const dst = new Float32Array(src.length);
  for (let oc = 0; oc < o; oc++) for (let i = 0; i < ci; i++) dst[i * o + oc] = src[oc * ci + i];
  return dst;
}

/** Infers α from the stem and last pointwise channel counts (TF-slim: max(floor(c·α), 8)). */
export function inferAlpha(stem: number, lastPointwise: number): number | undefined {
  const fits = (a: number) => scaledChannels(32, a) === stem && scaledChannels(1024, a) === lastPointwise;
  const official = ALPHAS.find(fits);
  if (official !== undefined) return official;
  // A non-official multiplier: the last layer has the finest resolution of α.
  const guess = Math.round((lastPointwise / 1024) * 1000) / 1000;
  return guess > 0 && guess <= 1 && fits(guess) ? guess : undefined;
}

const EXPECTED_AFTER_LOGITS = new Set<number>([BuiltinOp.RESHAPE, BuiltinOp.SQUEEZE, BuiltinOp.SOFTMAX]);

/** Parses a .tflite MobileNet V1 and converts it to canonical weights (validated). `file` names it in errors. */
export function loadTflite(bytes: Uint8Array, file: string): CanonicalWeights {
  const m = parseTflite(bytes, file);
  return wrap(file, undefined, () => convert(m, bytes, file));
}

function convert(m: TfliteModel, bytes: Uint8Array, file: string): CanonicalWeights {
  const ops = m.operators;
  const tensor = (i: number) => m.tensors[i];

  // 1. Walk the operators and pick out the 28 weighted ops.
  interface Picked {
    name: string;
    op: TfliteOperator;
  }
  const picked: Picked[] = [];
  let k = 0;
  let previousOutput = m.inputs.length === 1 ? m.inputs[0] : undefined;
  if (previousOutput === undefined) throw new WeightsError(file, undefined, `subgraph has ${m.inputs.length} inputs, expected 1`);
  const inputTensor = tensor(previousOutput);
  const expectOp = (allowed: number[], what: string): TfliteOperator => {
    const op = ops[k];
    if (!op) throw new WeightsError(file, undefined, `graph ends after ${k} operators, expected ${allowed.map(opName).join(' or ')} (${what})`);
    if (!allowed.includes(op.builtin)) {
      throw new WeightsError(
        file,
        undefined,
        `not MobileNet V1: the first layer that differs is ${what}: operator ${k} is ${opName(op.builtin)}, expected ${allowed.map(opName).join(' or ')} (${what})`,
      );
    }
    if (op.inputs[0] !== previousOutput) {
      const got = op.inputs[0] === undefined || op.inputs[0] < 0 ? 'nothing' : `tensor ${tensor(op.inputs[0]).name}`;
      throw new WeightsError(
        file,
        undefined,
        `operator ${k} (${opName(op.builtin)}, ${what}) reads ${got}, expected the previous output ${tensor(previousOutput!).name}`,
      );
    }
    if (op.outputs.length !== 1) throw new WeightsError(file, undefined, `operator ${k} (${opName(op.builtin)}) has ${op.outputs.length} outputs, expected 1`);
    previousOutput = op.outputs[0];
    k++;
    return op;
  };
  picked.push({ name: 'conv0', op: expectOp([BuiltinOp.CONV_2D], 'stem conv') });
  for (let b = 1; b <= 13; b++) {
    picked.push({ name: `dw${b}`, op: expectOp([BuiltinOp.DEPTHWISE_CONV_2D], `block ${b} of 13, depthwise`) });
    picked.push({ name: `pw${b}`, op: expectOp([BuiltinOp.CONV_2D], `block ${b} of 13, pointwise`) });
  }
  const poolOp = expectOp([BuiltinOp.AVERAGE_POOL_2D], 'global average pool');
  picked.push({ name: 'fc', op: expectOp([BuiltinOp.CONV_2D, BuiltinOp.FULLY_CONNECTED], 'logits') });
  const tail = ops.slice(k);
  for (; k < ops.length; k++) {
    if (!EXPECTED_AFTER_LOGITS.has(ops[k].builtin)) {
      throw new WeightsError(
        file,
        undefined,
        `unsupported op in the head: operator ${k} after the logits is ${opName(ops[k].builtin)}, expected only RESHAPE, SQUEEZE or SOFTMAX`,
      );
    }
  }

  const weightTensor = (p: Picked, slot: 1 | 2, role: string): TfliteTensor => {
    const i = p.op.inputs[slot];
    if (i === undefined || i < 0) throw new WeightsError(file, undefined, `operator ${p.op.index} (${p.name}) has no ${role} input`);
    return tensor(i);
  };

  // 2. α from channel counts, resolution from the input tensor.
  const stemOut = weightTensor(picked[0], 1, 'filter').shape[0];
  const lastPw = weightTensor(picked[26], 1, 'filter').shape[0];
  const alpha = inferAlpha(stemOut, lastPw);
  if (alpha === undefined) {
    throw new WeightsError(
      file,
      undefined,
      `stem has ${stemOut} output channels and pw13 has ${lastPw}: no width multiplier α gives max(floor(32α), 8) = ${stemOut} and floor(1024α) = ${lastPw}`,
    );
  }
  const s = inputTensor.shape;
  if (s.length !== 4 || s[0] !== 1 || s[3] !== 3 || s[1] !== s[2]) {
    throw new WeightsError(file, inputTensor.name, `input shape is [${s}], expected [1, N, N, 3]`);
  }
  const resolution = s[1];
  const fcTensor = weightTensor(picked[27], 1, 'filter');
  const classes = fcTensor.shape[0];
  // Any head size: 1001 (TF-slim, background first), 1000, or a fine-tuned model's own classes.
  if (!Number.isInteger(classes) || classes < 1) {
    throw new WeightsError(file, fcTensor.name, `logits have ${classes} outputs, expected at least 1 (1001 for the official models)`);
  }
  let spec;
  try {
    spec = specOf({ alpha, resolution, classes });
  } catch (e) {
    throw new WeightsError(file, inputTensor.name, `input shape [${s}] does not give a valid MobileNet V1: ${(e as Error).message}`);
  }

  // 3. Convert each layer.
  const kernelTypes = new Set<number>();
  const layers: LayerWeights[] = picked.map((p) => {
    const l = spec.layers.find((x) => x.name === p.name)!;
    const ft = weightTensor(p, 1, 'filter');
    const bt = weightTensor(p, 2, 'bias');
    checkOptions(m, p, l.stride, file, ft.name);
    kernelTypes.add(ft.type);
    const canonical = kernelShape(spec, p.name);
    let tfliteShape: number[];
    let transform: (v: Float32Array) => Float32Array;
    switch (l.kind) {
      case 'conv':
        tfliteShape = [l.outChannels, 3, 3, l.inChannels];
        transform = (v) => ohwiToHwio(v, l.outChannels, 3, 3, l.inChannels);
        break;
      case 'depthwise':
        tfliteShape = [1, 3, 3, l.inChannels];
        transform = (v) => v; // [1,3,3,C] and [3,3,C] share the memory order
        break;
      default: // pointwise, fc
        tfliteShape = p.op.builtin === BuiltinOp.FULLY_CONNECTED ? [l.outChannels, l.inChannels] : [l.outChannels, 1, 1, l.inChannels];
        transform = (v) => transpose2d(v, l.outChannels, l.inChannels);
    }
    const kernel = readConstant(m, ft, file, tfliteShape, 'kernel');
    const bias = readConstant(m, bt, file, [l.outChannels], 'bias');
    const out: LayerWeights = { name: p.name, kernel: transform(kernel.values), bias: bias.values };
    if (out.kernel.length !== canonical.reduce((a, b) => a * b, 1)) {
      throw new WeightsError(file, ft.name, `converted kernel has ${out.kernel.length} values, expected shape [${canonical}]`);
    }
    if (kernel.quantization) out.kernelQuantization = kernel.quantization;
    if (bias.quantization) {
      out.biasQuantization = bias.quantization;
      // int32 biases share the accumulator's scale: input scale × kernel scale.
      const inQ = tensor(p.op.inputs[0]).quantization;
      if (kernel.quantization && inQ && inQ.scale.length === 1) {
        const expected = inQ.scale[0] * kernel.quantization.scale;
        if (Math.abs(bias.quantization.scale / expected - 1) > 1e-4) {
          throw new WeightsError(file, bt.name, `int32 bias scale is ${bias.quantization.scale}, expected input scale × kernel scale = ${expected}`);
        }
      }
    }
    return out;
  });

  let precision: Precision;
  if (kernelTypes.size === 1 && kernelTypes.has(TensorType.FLOAT32)) precision = 'float32';
  else if (kernelTypes.size === 1 && kernelTypes.has(TensorType.UINT8)) precision = 'uint8-dequantized';
  else {
    throw new WeightsError(file, undefined, `kernels have types ${[...kernelTypes].map(typeName).join(', ')}, expected all float32 or all uint8`);
  }

  const input: CanonicalWeights['input'] = {};
  if (inputTensor.type === TensorType.UINT8) {
    const q = inputTensor.quantization;
    if (!q || q.scale.length !== 1) throw new WeightsError(file, inputTensor.name, 'uint8 input has no per-tensor quantization');
    input.quantization = { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
  } else if (inputTensor.type !== TensorType.FLOAT32) {
    throw new WeightsError(file, inputTensor.name, `input has type ${typeName(inputTensor.type)}, expected float32 or uint8`);
  }

  const weights: CanonicalWeights = {
    alpha,
    resolution,
    classes,
    precision,
    source: { kind: 'tflite', file, sha256: createHash('sha256').update(bytes).digest('hex') },
    batchNormFolded: true,
    input,
    layers,
  };
  if (precision === 'uint8-dequantized') {
    // The integer form too: integer kernels run it, the float paths run the dequantized tensors.
    weights.quantized = readQuantizedTflite(
      m,
      picked.map((p) => ({ spec: spec.layers.find((x) => x.name === p.name)!, op: p.op })),
      poolOp,
      tail,
      file,
    );
  }
  validateWeights(weights, file);
  return weights;
}

/**
 * Checks stride, 'same' padding and ReLU6 from Conv2DOptions / DepthwiseConv2DOptions when present.
 * Float models fuse RELU6; the uint8 models fuse NONE and clamp through the output range [0, 6].
 */
function checkOptions(m: TfliteModel, p: { name: string; op: TfliteOperator }, stride: number, file: string, tensorName: string): void {
  const o = p.op.options;
  if (!o || p.name === 'fc' || p.op.builtin === BuiltinOp.FULLY_CONNECTED) return;
  // Conv2DOptions{padding 0, stride_w 1, stride_h 2, fused_activation_function 3};
  // DepthwiseConv2DOptions{padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation_function 4}.
  const isDw = p.op.builtin === BuiltinOp.DEPTHWISE_CONV_2D;
  const padding = o.scalar(0, 'i8', 0, 'padding');
  const sw = o.scalar(1, 'i32', 0, 'stride_w');
  const sh = o.scalar(2, 'i32', 0, 'stride_h');
  const act = o.scalar(isDw ? 4 : 3, 'i8', 0, 'fused_activation_function');
  if (padding !== 0) throw new WeightsError(file, tensorName, `${p.name} padding is ${padding === 1 ? 'VALID' : padding}, expected SAME`);
  if (sw !== stride || sh !== stride) throw new WeightsError(file, tensorName, `${p.name} stride is ${sh}×${sw}, expected ${stride}×${stride}`);
  if (act === 3) return;
  // The uint8 models fuse no activation: ReLU6 is the output's quantized range, [0, 6] (zero point 0, scale ≈ 6/255).
  const out = m.tensors[p.op.outputs[0]];
  const q = out.quantization;
  if (act === 0 && out.type === TensorType.UINT8 && q && q.scale.length === 1) {
    const lo = q.scale[0] * (0 - (q.zeroPoint[0] ?? 0));
    const hi = q.scale[0] * (255 - (q.zeroPoint[0] ?? 0));
    if (Math.abs(lo) < 1e-6 && hi > 5.9 && hi < 6 + 1e-3) return;
    throw new WeightsError(
      file,
      tensorName,
      `${p.name} has no fused activation and its uint8 output ${out.name} covers [${lo}, ${hi}], expected [0, 6] (ReLU6)`,
    );
  }
  throw new WeightsError(file, tensorName, `${p.name} fused activation is ${act}, expected RELU6 (3)`);
}

/** Reads a .tflite file and loads it; the source records the file's SHA-256. */
export async function loadTfliteFile(path: string): Promise<CanonicalWeights> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new WeightsError(path, undefined, `cannot read file: ${(e as Error).message}`);
  }
  return loadTflite(bytes, path);
}
