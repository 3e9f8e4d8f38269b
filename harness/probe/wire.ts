/**
 * A small binary form for float32 data that crosses from the harness to a page: a JSON
 * header followed by the arrays, each 4-byte aligned. Used for canonical weights (when the
 * page cannot read the original files) and for the accuracy pass's inputs and reference
 * logits, so the page gets bit-identical tensors to the ones Node uses. Browser-safe.
 */
import type { CanonicalWeights, LayerWeights } from '../../models/weights/canonical.ts';
import type { QuantizedLayer, QuantizedWeights } from '../../models/weights/quantized.ts';
import type { EvalInputs } from './accuracy.ts';

const MAGIC = 0x4d4e4231; // 'MNB1'

/** Pack a JSON header and float32 arrays: [magic u32][header bytes u32][header][pad][arrays…]. */
function packArrays(header: unknown, arrays: Float32Array[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ header, lengths: arrays.map((a) => a.length) }));
  const start = Math.ceil((8 + json.length) / 4) * 4;
  const total = start + arrays.reduce((s, a) => s + a.byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let offset = start;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

/** Inverse of packArrays; the arrays are copies (aligned, owned). Little-endian hosts only, as every browser is. */
function unpackArrays<H>(bytes: ArrayBuffer | Uint8Array): { header: H; arrays: Float32Array[] } {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (u8.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('not a mobilenet-bench data file (bad magic)');
  const jsonLength = view.getUint32(4, true);
  const { header, lengths } = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + jsonLength))) as { header: H; lengths: number[] };
  let offset = Math.ceil((8 + jsonLength) / 4) * 4;
  const arrays = lengths.map((n) => {
    if (offset + n * 4 > u8.byteLength) throw new Error('mobilenet-bench data file is truncated');
    const a = new Float32Array(n);
    new Uint8Array(a.buffer).set(u8.subarray(offset, offset + n * 4));
    offset += n * 4;
    return a;
  });
  return { header, arrays };
}

type QuantizedHeader = Omit<QuantizedWeights, 'layers'> & { layers: Array<Omit<QuantizedLayer, 'kernel' | 'bias'>> };
type WeightsHeader = Omit<CanonicalWeights, 'layers' | 'quantized'> & {
  layers: Array<Omit<LayerWeights, 'kernel' | 'bias'>>;
  quantized?: QuantizedHeader;
};

/** Integer bytes carried bit for bit in a float32 slot (never read as floats): uint8 padded to 4 bytes, int32 as is. */
function bitsAsFloat32(a: Uint8Array | Int32Array): Float32Array {
  const bytes = new Uint8Array(Math.ceil(a.byteLength / 4) * 4);
  bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return new Float32Array(bytes.buffer);
}

/** Canonical weights → bytes (the integer form of uint8 weights too). */
export function encodeWeights(w: CanonicalWeights): Uint8Array {
  const { layers, quantized, ...rest } = w;
  const header: WeightsHeader = { ...rest, layers: layers.map(({ kernel: _k, bias: _b, ...meta }) => meta) };
  const arrays = layers.flatMap((l) => [l.kernel, l.bias]);
  if (quantized) {
    header.quantized = { ...quantized, layers: quantized.layers.map(({ kernel: _k, bias: _b, ...meta }) => meta) };
    arrays.push(...quantized.layers.flatMap((l) => [bitsAsFloat32(l.kernel), bitsAsFloat32(l.bias)]));
  }
  return packArrays(header, arrays);
}

/** Bytes → canonical weights. */
export function decodeWeights(bytes: ArrayBuffer | Uint8Array): CanonicalWeights {
  const { header, arrays } = unpackArrays<WeightsHeader>(bytes);
  const { quantized, ...rest } = header;
  const n = header.layers.length;
  const w: CanonicalWeights = { ...rest, layers: header.layers.map((meta, i) => ({ ...meta, kernel: arrays[2 * i], bias: arrays[2 * i + 1] })) };
  if (quantized) {
    // The uint8 kernel has as many values as the float one it dequantizes to.
    const kernelSize = (i: number) => arrays[2 * i].length;
    w.quantized = {
      ...quantized,
      layers: quantized.layers.map((meta, i) => ({
        ...meta,
        kernel: new Uint8Array(arrays[2 * n + 2 * i].buffer, 0, kernelSize(i)),
        bias: new Int32Array(arrays[2 * n + 2 * i + 1].buffer),
      })),
    };
  }
  return w;
}

interface InputsHeader {
  labels: Array<number | null>;
  note?: string;
  crop?: number;
  classNames?: string[];
  preprocessing?: string;
  tensors: number;
  hasReference: boolean;
}

/** Eval inputs (tensors, labels, reference logits) → bytes. */
export function encodeEvalInputs(inputs: EvalInputs): Uint8Array {
  const header: InputsHeader = {
    labels: inputs.labels,
    tensors: inputs.tensors.length,
    hasReference: inputs.referenceLogits !== null,
    ...(inputs.note !== undefined ? { note: inputs.note } : {}),
    ...(inputs.crop !== undefined ? { crop: inputs.crop } : {}),
    ...(inputs.classNames ? { classNames: inputs.classNames } : {}),
    ...(inputs.preprocessing ? { preprocessing: inputs.preprocessing } : {}),
  };
  return packArrays(header, [...inputs.tensors, ...(inputs.referenceLogits ?? [])]);
}

/** Bytes → eval inputs. */
export function decodeEvalInputs(bytes: ArrayBuffer | Uint8Array): EvalInputs {
  const { header, arrays } = unpackArrays<InputsHeader>(bytes);
  return {
    tensors: arrays.slice(0, header.tensors),
    labels: header.labels,
    referenceLogits: header.hasReference ? arrays.slice(header.tensors) : null,
    ...(header.note !== undefined ? { note: header.note } : {}),
    ...(header.crop !== undefined ? { crop: header.crop } : {}),
    ...(header.classNames ? { classNames: header.classNames } : {}),
    ...(header.preprocessing ? { preprocessing: header.preprocessing } : {}),
  };
}
