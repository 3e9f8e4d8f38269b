/**
 * A minimal protocol-buffers *reader* for ONNX ModelProto: the graph's nodes (op, inputs,
 * outputs, int/float attributes), its float initializers and its input shapes. Just enough to
 * read a MobileNet V1 back (models/weights/onnx.ts); the writer is protobuf.ts.
 */

/** One decoded node. */
export interface OnnxNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** int / ints / float attributes by name. */
  attrs: Map<string, number | number[]>;
}

/** One float initializer. */
export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array;
  /** TensorProto.DataType; only FLOAT (1) carries `data`. */
  dataType: number;
}

/** A graph input or output: its name and dims (null where symbolic). */
export interface OnnxValueInfo {
  name: string;
  dims: Array<number | null>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/** Bytes that are not a well-formed ONNX model. */
export class OnnxReadError extends Error {}

const utf8 = new TextDecoder();

/** Iterates over the fields of one message. */
class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new OnnxReadError('truncated varint');
      const b = this.buf[this.pos++];
      // Beyond 2^53 precision is lost; the fields read here (dims, attributes) are small.
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
      if (shift > 63) throw new OnnxReadError('varint too long');
    }
    // A negative int64 comes as a 10-byte two's complement varint.
    return result >= 2 ** 63 ? result - 2 ** 64 : result;
  }
  /** Each field as (number, wire type, sub-reader for length-delimited or value). */
  *fields(): Generator<{ field: number; wire: number; value: number; sub: Reader | null }> {
    while (this.pos < this.end) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (wire === 0) yield { field, wire, value: this.varint(), sub: null };
      else if (wire === 2) {
        const len = this.varint();
        if (this.pos + len > this.end) throw new OnnxReadError(`field ${field} runs past the end of its message`);
        const sub = new Reader(this.buf, this.pos, this.pos + len);
        this.pos += len;
        yield { field, wire, value: len, sub };
      } else if (wire === 5) {
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
        this.pos += 4;
        yield { field, wire, value: v, sub: null };
      } else if (wire === 1) {
        this.pos += 8;
        yield { field, wire, value: 0, sub: null };
      } else throw new OnnxReadError(`unsupported wire type ${wire} (field ${field})`);
    }
  }
  string(): string {
    return utf8.decode(this.buf.subarray(this.start, this.end));
  }
  bytes(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }
  packedVarints(): number[] {
    const out: number[] = [];
    while (this.pos < this.end) out.push(this.varint());
    return out;
  }
}

function readNode(r: Reader): OnnxNode {
  const node: OnnxNode = { op: '', name: '', inputs: [], outputs: [], attrs: new Map() };
  for (const f of r.fields()) {
    if (f.field === 1 && f.sub) node.inputs.push(f.sub.string());
    else if (f.field === 2 && f.sub) node.outputs.push(f.sub.string());
    else if (f.field === 3 && f.sub) node.name = f.sub.string();
    else if (f.field === 4 && f.sub) node.op = f.sub.string();
    else if (f.field === 5 && f.sub) {
      let name = '';
      let value: number | number[] | undefined;
      const ints: number[] = [];
      for (const a of f.sub.fields()) {
        if (a.field === 1 && a.sub) name = a.sub.string();
        else if (a.field === 2 && a.wire === 5) value = a.value;
        else if (a.field === 3 && a.wire === 0) value = a.value;
        else if (a.field === 8) ints.push(...(a.sub ? a.sub.packedVarints() : [a.value]));
      }
      node.attrs.set(name, value ?? ints);
    }
  }
  return node;
}

function readTensor(r: Reader): OnnxTensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | null = null;
  const floats: number[] = [];
  for (const f of r.fields()) {
    if (f.field === 1) dims.push(...(f.sub ? f.sub.packedVarints() : [f.value]));
    else if (f.field === 2) dataType = f.value;
    else if (f.field === 4) {
      if (f.sub) {
        const b = f.sub.bytes();
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        for (let i = 0; i + 4 <= b.byteLength; i += 4) floats.push(view.getFloat32(i, true));
      } else floats.push(f.value);
    } else if (f.field === 8 && f.sub) name = f.sub.string();
    else if (f.field === 9 && f.sub) raw = f.sub.bytes();
  }
  let data = new Float32Array(0);
  if (dataType === 1) {
    if (raw) {
      data = new Float32Array(raw.byteLength / 4);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
    } else data = Float32Array.from(floats);
  }
  return { name, dims, data, dataType };
}

function readValueInfo(r: Reader): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', dims: [] };
  for (const f of r.fields()) {
    if (f.field === 1 && f.sub) info.name = f.sub.string();
    else if (f.field === 2 && f.sub) {
      for (const t of f.sub.fields()) {
        if (t.field !== 1 || !t.sub) continue;
        for (const tt of t.sub.fields()) {
          if (tt.field !== 2 || !tt.sub) continue;
          for (const d of tt.sub.fields()) {
            if (d.field !== 1 || !d.sub) continue;
            let dim: number | null = null;
            for (const v of d.sub.fields()) if (v.field === 1 && v.wire === 0) dim = v.value;
            info.dims.push(dim);
          }
        }
      }
    }
  }
  return info;
}

/** Decode the graph of an ONNX ModelProto; throws OnnxReadError when the bytes are not one. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraph {
  let graph: Reader | null = null;
  for (const f of new Reader(bytes).fields()) if (f.field === 7 && f.sub) graph = f.sub;
  if (!graph) throw new OnnxReadError('no graph (ModelProto field 7): not an ONNX model');
  const out: OnnxGraph = { nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  for (const f of graph.fields()) {
    if (!f.sub) continue;
    if (f.field === 1) out.nodes.push(readNode(f.sub));
    else if (f.field === 5) {
      const t = readTensor(f.sub);
      out.initializers.set(t.name, t);
    } else if (f.field === 11) out.inputs.push(readValueInfo(f.sub));
    else if (f.field === 12) out.outputs.push(readValueInfo(f.sub));
  }
  return out;
}
