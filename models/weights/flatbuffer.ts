/**
 * A minimal read-only FlatBuffers reader: tables through their vtables, offsets,
 * strings and vectors of scalars, strings and tables. Every read is bounds-checked
 * against the buffer, so a truncated or corrupt file raises a FlatBufferError that
 * says what was being read and where, never a RangeError or garbage values.
 *
 * Wire format (little-endian): the buffer starts with a uoffset (u32) to the root
 * table, optionally followed by a 4-byte file identifier. A table starts with an
 * soffset (i32) such that vtable = table − soffset; the vtable is
 * [u16 vtable bytes, u16 table bytes, u16 field offsets…] and a field offset of 0
 * (or a field past the vtable's end) means "absent, use the default". Fields that
 * refer to tables, strings or vectors hold a u32 offset relative to the field itself;
 * a vector is a u32 element count followed by the elements (tables and strings as
 * u32 offsets relative to each element); a string is a u32 byte count, UTF-8 bytes
 * and a terminating 0.
 */

/** A structural problem in the buffer; `path` names what was being read (e.g. `Model.buffers[3].data`). */
export class FlatBufferError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'FlatBufferError';
  }
}

/** Scalar element types a vector can hold. */
export type ScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'i64' | 'u64' | 'f32' | 'f64';

const SCALAR_SIZE: Record<ScalarType, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  i64: 8,
  u64: 8,
  f32: 4,
  f64: 8,
};

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The whole buffer with checked little-endian scalar reads. */
export class FlatBuffer {
  readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  /** Throws unless [pos, pos + size) lies inside the buffer. */
  check(pos: number, size: number, path: string, what: string): void {
    if (!Number.isSafeInteger(pos) || !Number.isSafeInteger(size) || pos < 0 || size < 0 || pos + size > this.length) {
      throw new FlatBufferError(path, `${what} at byte ${pos} (${size} bytes) lies outside the ${this.length}-byte buffer (truncated or corrupt file?)`);
    }
  }

  /** Reads one scalar after a bounds check. */
  scalar(type: ScalarType, pos: number, path: string): number {
    this.check(pos, SCALAR_SIZE[type], path, `${type} value`);
    const v = this.view;
    switch (type) {
      case 'u8':
        return v.getUint8(pos);
      case 'i8':
        return v.getInt8(pos);
      case 'u16':
        return v.getUint16(pos, true);
      case 'i16':
        return v.getInt16(pos, true);
      case 'u32':
        return v.getUint32(pos, true);
      case 'i32':
        return v.getInt32(pos, true);
      case 'f32':
        return v.getFloat32(pos, true);
      case 'f64':
        return v.getFloat64(pos, true);
      case 'i64':
      case 'u64': {
        const big = type === 'i64' ? v.getBigInt64(pos, true) : v.getBigUint64(pos, true);
        const n = Number(big);
        if (!Number.isSafeInteger(n)) throw new FlatBufferError(path, `64-bit value ${big} does not fit a safe integer`);
        return n;
      }
    }
  }

  /** The 4-byte file identifier after the root offset ('' when the buffer is too short). */
  identifier(): string {
    if (this.length < 8) return '';
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  /** The root table; `name` is used in error paths (e.g. 'Model'). */
  root(name: string): Table {
    if (this.length < 8) {
      throw new FlatBufferError(name, `buffer holds ${this.length} bytes, too short for a FlatBuffer (at least 8)`);
    }
    const pos = this.scalar('u32', 0, `${name} (root offset)`);
    this.check(pos, 4, `${name} (root offset)`, 'root table');
    return new Table(this, pos, name);
  }
}

/** One table: fields by vtable slot index (0-based, in schema declaration order). */
export class Table {
  private readonly vtable: number;
  private readonly vtableSize: number;
  private readonly tableSize: number;

  constructor(
    readonly fb: FlatBuffer,
    readonly pos: number,
    /** Where this table sits in the object graph, for error messages. */
    readonly path: string,
  ) {
    const soffset = fb.scalar('i32', pos, `${path} (table header)`);
    this.vtable = pos - soffset;
    fb.check(this.vtable, 4, path, 'vtable header');
    this.vtableSize = fb.view.getUint16(this.vtable, true);
    this.tableSize = fb.view.getUint16(this.vtable + 2, true);
    if (this.vtableSize < 4 || this.vtableSize % 2 !== 0) {
      throw new FlatBufferError(path, `vtable at byte ${this.vtable} declares an invalid size ${this.vtableSize}`);
    }
    fb.check(this.vtable, this.vtableSize, path, 'vtable');
    fb.check(pos, Math.max(this.tableSize, 4), path, 'table');
  }

  /** Absolute position of a field, or 0 when absent. */
  private field(slot: number): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vtableSize) return 0;
    const rel = this.fb.view.getUint16(this.vtable + entry, true);
    if (rel === 0) return 0;
    if (rel >= this.tableSize) {
      throw new FlatBufferError(this.path, `field ${slot} at offset ${rel} lies past the table's ${this.tableSize} bytes`);
    }
    return this.pos + rel;
  }

  has(slot: number): boolean {
    return this.field(slot) !== 0;
  }

  /** A scalar field, or `dflt` when absent. */
  scalar(slot: number, type: ScalarType, dflt: number, name = `field ${slot}`): number {
    const p = this.field(slot);
    return p === 0 ? dflt : this.fb.scalar(type, p, `${this.path}.${name}`);
  }

  /** Follows a u32 offset field; 0 when the field is absent. */
  private indirect(slot: number, path: string): number {
    const p = this.field(slot);
    if (p === 0) return 0;
    return deref(this.fb, p, path);
  }

  /** A sub-table, or undefined when absent. */
  table(slot: number, name: string): Table | undefined {
    const path = `${this.path}.${name}`;
    const p = this.indirect(slot, path);
    return p === 0 ? undefined : new Table(this.fb, p, path);
  }

  /** A string, or undefined when absent. */
  string(slot: number, name: string): string | undefined {
    const path = `${this.path}.${name}`;
    const p = this.indirect(slot, path);
    return p === 0 ? undefined : readString(this.fb, p, path);
  }

  /** Position and length of a vector, or undefined when absent. */
  private vector(slot: number, elemSize: number, path: string): { start: number; length: number } | undefined {
    const p = this.indirect(slot, path);
    if (p === 0) return undefined;
    const length = this.fb.scalar('u32', p, `${path} (vector length)`);
    this.fb.check(p + 4, length * elemSize, path, `vector of ${length} × ${elemSize}-byte elements`);
    return { start: p + 4, length };
  }

  /** Number of elements of a vector field (0 when absent). */
  vectorLength(slot: number, name: string): number {
    const path = `${this.path}.${name}`;
    const p = this.indirect(slot, path);
    return p === 0 ? 0 : this.fb.scalar('u32', p, `${path} (vector length)`);
  }

  /** A vector of scalars as numbers ([] when absent). */
  scalars(slot: number, type: ScalarType, name: string): number[] {
    const path = `${this.path}.${name}`;
    const size = SCALAR_SIZE[type];
    const v = this.vector(slot, size, path);
    if (!v) return [];
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.fb.scalar(type, v.start + i * size, `${path}[${i}]`);
    return out;
  }

  /** A vector of bytes as a zero-copy view into the buffer, or undefined when absent. */
  bytes(slot: number, name: string): Uint8Array | undefined {
    const path = `${this.path}.${name}`;
    const v = this.vector(slot, 1, path);
    return v ? this.fb.bytes.subarray(v.start, v.start + v.length) : undefined;
  }

  /** A vector of tables ([] when absent). */
  tables(slot: number, name: string): Table[] {
    const path = `${this.path}.${name}`;
    const v = this.vector(slot, 4, path);
    if (!v) return [];
    const out: Table[] = [];
    for (let i = 0; i < v.length; i++) {
      const ep = `${path}[${i}]`;
      out.push(new Table(this.fb, deref(this.fb, v.start + 4 * i, ep), ep));
    }
    return out;
  }

  /** A vector of strings ([] when absent). */
  strings(slot: number, name: string): string[] {
    const path = `${this.path}.${name}`;
    const v = this.vector(slot, 4, path);
    if (!v) return [];
    const out: string[] = [];
    for (let i = 0; i < v.length; i++) {
      const ep = `${path}[${i}]`;
      out.push(readString(this.fb, deref(this.fb, v.start + 4 * i, ep), ep));
    }
    return out;
  }
}

/** Follows the u32 offset stored at `pos` (relative to `pos`) and checks the target is in the buffer. */
function deref(fb: FlatBuffer, pos: number, path: string): number {
  const target = pos + fb.scalar('u32', pos, `${path} (offset)`);
  fb.check(target, 4, path, 'offset target');
  return target;
}

function readString(fb: FlatBuffer, pos: number, path: string): string {
  const length = fb.scalar('u32', pos, `${path} (string length)`);
  fb.check(pos + 4, length, path, `string of ${length} bytes`);
  return utf8.decode(fb.bytes.subarray(pos + 4, pos + 4 + length));
}
