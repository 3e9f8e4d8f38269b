/**
 * The integer form of a quantized MobileNet V1, as the official uint8 .tflite files store it:
 * uint8 kernels with a zero point, int32 biases (scale = input scale · kernel scale, zero point 0),
 * and the scale and zero point of every activation. Canonical weights of a uint8 file carry it
 * next to the dequantized float tensors (`CanonicalWeights.quantized`), so the integer reference,
 * the quantized ONNX export and the float paths all start from the same numbers.
 *
 * Kernel layouts are the canonical ones (see canonical.ts): conv0 HWIO, dwN HWC, pwN and fc IO.
 */

/** Per-tensor affine quantization of a uint8 tensor, kept for the record: real = scale · (q − zeroPoint). */
export interface Quantization {
  scale: number;
  zeroPoint: number;
}

/** One weighted layer in integer form. */
export interface QuantizedLayer {
  /** conv0, dw1, pw1, …, pw13, fc (models/spec.ts). */
  name: string;
  /** Raw uint8 kernel values, canonical layout. */
  kernel: Uint8Array;
  kernelQuantization: Quantization;
  /** Raw int32 bias values (real = scale · q with scale = input scale · kernel scale). */
  bias: Int32Array;
  /** The layer's input activation (uint8). */
  input: Quantization;
  /** The layer's output activation (uint8). */
  output: Quantization;
  /** The uint8 range the output is clamped to after the fused activation (NONE: [0, 255]; ReLU6 through the output range). */
  activationRange: [number, number];
}

/** Everything the integer network needs besides the weighted layers. */
export interface QuantizedWeights {
  /** The model's uint8 input: real = scale · (q − zeroPoint); 1/128 and 128 for every official file. */
  input: Quantization;
  /** conv0 … pw13, fc in network order. */
  layers: QuantizedLayer[];
  /** The global average pool: input and output quantization (TFLite requires them equal) and clamp range. */
  pool: { input: Quantization; output: Quantization; activationRange: [number, number] };
  /** The logits (fc output) quantization. */
  logits: Quantization;
  /** The softmax: its beta and uint8 output quantization (1/256, 0 in the official files). */
  softmax: { beta: number; output: Quantization };
}

/** TFLite's CalculateActivationRangeUint8 for NONE, RELU6 and RELU (fused activation codes 0, 3, 1). */
export function activationRangeUint8(activation: number, output: Quantization): [number, number] {
  const quantize = (x: number) => output.zeroPoint + Math.round(x / output.scale);
  switch (activation) {
    case 0:
      return [0, 255];
    case 1:
      return [Math.max(0, quantize(0)), 255];
    case 3:
      return [Math.max(0, quantize(0)), Math.min(255, quantize(6))];
    default:
      throw new Error(`fused activation ${activation} is not supported for uint8 (NONE, RELU or RELU6 only)`);
  }
}

/** Reorders a kernel given in a source layout to canonical layout (any element type). */
export function permute<T extends Uint8Array | Float32Array>(src: T, out: T, index: (i: number) => number): T {
  for (let i = 0; i < src.length; i++) out[index(i)] = src[i];
  return out;
}
