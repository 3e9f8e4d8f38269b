/**
 * A tiny protocol-buffers *writer*: just enough wire format to emit an ONNX ModelProto
 * (varints, length-delimited bytes/strings, packed floats and int64s, nested messages).
 * Chunks are kept in a list and joined once, so large initializers are copied only once.
 */

/** Wire types used here (proto3 encoding). */
const VARINT = 0;
const LENGTH_DELIMITED = 2;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** Encode a non-negative integer or a negative int64 (two's complement, 10 bytes) as a varint. */
export function encodeVarint(value: number | bigint): Uint8Array {
  let v = typeof value === 'bigint' ? value : BigInt(value);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`varint needs a safe integer, got ${value}`);
  if (v < 0n) v = BigInt.asUintN(64, v);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/** float32 values as little-endian bytes (a view of the same memory on little-endian hosts). */
export function float32LE(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return out;
}

/** Accumulates one message's fields; `finish()` returns its bytes. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes written so far. */
  length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wireType: number): void {
    this.push(encodeVarint(field * 8 + wireType));
  }

  /** An int32/int64/enum/bool field (wire type 0). */
  varint(field: number, value: number | bigint): this {
    this.tag(field, VARINT);
    this.push(encodeVarint(value));
    return this;
  }

  /** A bytes field (wire type 2); the array is referenced, not copied, until finish(). */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.push(encodeVarint(data.length));
    this.push(data);
    return this;
  }

  /** A string field, UTF-8. */
  string(field: number, text: string): this {
    return this.bytes(field, utf8.encode(text));
  }

  /** A repeated float field, packed (wire type 2, float32 little-endian). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    return this.bytes(field, float32LE(values instanceof Float32Array ? values : Float32Array.from(values)));
  }

  /** A repeated int64 field, packed (wire type 2, varints). */
  packedInt64s(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.push(encodeVarint(values[i]));
    return this.bytes(field, inner.finish());
  }

  /** A nested message field: `build` writes the sub-message's fields. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    this.tag(field, LENGTH_DELIMITED);
    this.push(encodeVarint(inner.length));
    for (const c of inner.chunks) this.push(c);
    return this;
  }

  /** Join all chunks into one array. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
