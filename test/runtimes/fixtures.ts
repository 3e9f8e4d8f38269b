/**
 * Shared helpers of the runtime tests: seeded inputs, logit comparison, and a minimal
 * protobuf reader to inspect the ONNX bytes we write (test-only; the project only writes).
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

/** The project's seeded PRNG, under the name these tests use. */
export { mulberry32 as prng } from '../../contract/stats/random.ts';
import { mulberry32 as prng } from '../../contract/stats/random.ts';

/** A seeded NHWC [1,R,R,3] input, uniform in [-1, 1] like a preprocessed photo. */
export function seededInput(resolution: number, seed = 7): Float32Array {
  const rand = prng(seed);
  const x = new Float32Array(resolution * resolution * 3);
  for (let i = 0; i < x.length; i++) x[i] = rand() * 2 - 1;
  return x;
}

/** Index of the largest value. */
export function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** max |a − b|, the range (max − min) of `a`, and the gap between a's two largest values. */
export function compareLogits(a: Float32Array, b: Float32Array): { maxAbsDiff: number; range: number; top2Gap: number } {
  let maxAbsDiff = 0;
  let lo = Infinity;
  let first = -Infinity;
  let second = -Infinity;
  for (let i = 0; i < a.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i] - b[i]));
    lo = Math.min(lo, a[i]);
    if (a[i] > first) [first, second] = [a[i], first];
    else if (a[i] > second) second = a[i];
  }
  return { maxAbsDiff, range: first - lo, top2Gap: first - second };
}

/** The agreement bound the tests state: max |Δlogit| ≤ 1e-4 · max(1, logit range). */
export function logitTolerance(range: number): number {
  return 1e-4 * Math.max(1, range);
}

/** One decoded protobuf field: varints as bigint, length-delimited as bytes. */
export interface PbField {
  field: number;
  value: bigint | Uint8Array;
}

function readVarint(buf: Uint8Array, at: number): [bigint, number] {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[at++];
    v |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [v, at];
    shift += 7n;
  }
}

/** Decode one message level (wire types 0 and 2 only, all our writer emits). */
export function decodeMessage(buf: Uint8Array): PbField[] {
  const out: PbField[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    at = next;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, n2] = readVarint(buf, at);
      out.push({ field, value: v });
      at = n2;
    } else if (wire === 2) {
      const [len, n2] = readVarint(buf, at);
      out.push({ field, value: buf.subarray(n2, n2 + Number(len)) });
      at = n2 + Number(len);
    } else {
      throw new Error(`unexpected wire type ${wire} at byte ${at}`);
    }
  }
  return out;
}

/** Fields with one number, as bytes. */
export function bytesOf(fields: PbField[], field: number): Uint8Array[] {
  return fields.filter((f) => f.field === field).map((f) => f.value as Uint8Array);
}

/** The one string field with this number. */
export function stringOf(fields: PbField[], field: number): string | undefined {
  const b = bytesOf(fields, field)[0];
  return b && new TextDecoder().decode(b);
}

/** The one varint field with this number. */
export function varintOf(fields: PbField[], field: number): bigint | undefined {
  return fields.find((f) => f.field === field)?.value as bigint | undefined;
}

/** A packed varint field as numbers. */
export function packedVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    const [v, n] = readVarint(bytes, at);
    out.push(Number(BigInt.asIntN(64, v)));
    at = n;
  }
  return out;
}
