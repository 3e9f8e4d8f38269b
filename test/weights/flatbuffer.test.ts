/** The FlatBuffers reader on hand-built buffers: fields, defaults, vectors, strings, and bounds checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlatBuffer, FlatBufferError } from '../../models/weights/flatbuffer.ts';

/**
 * A hand-laid buffer, identifier "TEST", root table with
 * slot 0: i32 = -7, slot 1: string "hi", slot 2: [u8] = [1,2,3], slot 3: [table{slot 0: u16 = 9}], slot 4 absent.
 */
function build(): Uint8Array {
  const b = new Uint8Array(96);
  const v = new DataView(b.buffer);
  v.setUint32(0, 24, true); // root → table at 24
  b.set(new TextEncoder().encode('TEST'), 4);
  // vtable at 8: size 14 (5 slots), table size 20, offsets 4, 8, 12, 16, 0
  [14, 20, 4, 8, 12, 16, 0].forEach((x, i) => v.setUint16(8 + 2 * i, x, true));
  v.setInt32(24, 24 - 8, true); // soffset → vtable at 8
  v.setInt32(28, -7, true); // slot 0
  v.setUint32(32, 48 - 32, true); // slot 1 → string at 48
  v.setUint32(36, 56 - 36, true); // slot 2 → vector at 56
  v.setUint32(40, 64 - 40, true); // slot 3 → vector of tables at 64
  v.setUint32(48, 2, true);
  b.set([104, 105, 0], 52); // "hi"
  v.setUint32(56, 3, true);
  b.set([1, 2, 3], 60);
  v.setUint32(64, 1, true);
  v.setUint32(68, 80 - 68, true); // one table at 80
  [6, 8, 4].forEach((x, i) => v.setUint16(72 + 2 * i, x, true)); // its vtable at 72: size 6, table 8, slot 0 at +4
  v.setInt32(80, 80 - 72, true);
  v.setUint16(84, 9, true);
  return b;
}

test('reads scalars, defaults, strings, byte vectors and tables', () => {
  const fb = new FlatBuffer(build());
  assert.equal(fb.identifier(), 'TEST');
  const root = fb.root('Root');
  assert.equal(root.scalar(0, 'i32', 0), -7);
  assert.equal(root.string(1, 's'), 'hi');
  assert.deepEqual([...root.bytes(2, 'b')!], [1, 2, 3]);
  assert.deepEqual(root.scalars(2, 'u8', 'b'), [1, 2, 3]);
  const kids = root.tables(3, 'kids');
  assert.equal(kids.length, 1);
  assert.equal(kids[0].scalar(0, 'u16', 0), 9);
  assert.equal(kids[0].scalar(1, 'u16', 42), 42); // past the vtable: default
  assert.equal(root.has(4), false);
  assert.equal(root.scalar(4, 'i32', 5), 5);
  assert.equal(root.table(4, 't'), undefined);
  assert.deepEqual(root.tables(4, 'none'), []);
  assert.equal(root.scalar(9, 'f32', 1.5), 1.5);
});

test('out-of-range offsets and lengths throw FlatBufferError naming the path', () => {
  const cases: Array<[string, (b: Uint8Array, v: DataView) => void, (fb: FlatBuffer) => unknown, RegExp]> = [
    ['root offset', (_b, v) => v.setUint32(0, 1 << 30, true), (fb) => fb.root('Root'), /Root \(root offset\).*outside the 96-byte buffer/],
    ['vtable', (_b, v) => v.setInt32(24, -1000, true), (fb) => fb.root('Root'), /Root: vtable header at byte 1024/],
    ['string length', (_b, v) => v.setUint32(48, 1000, true), (fb) => fb.root('Root').string(1, 's'), /Root\.s: string of 1000 bytes/],
    ['vector length', (_b, v) => v.setUint32(56, 0xffffffff, true), (fb) => fb.root('Root').bytes(2, 'b'), /Root\.b: vector of 4294967295/],
    ['table in vector', (_b, v) => v.setUint32(68, 5000, true), (fb) => fb.root('Root').tables(3, 'kids'), /Root\.kids\[0\]: offset target/],
    ['field past table', (_b, v) => v.setUint16(12, 40, true), (fb) => fb.root('Root').scalar(0, 'i32', 0), /field 0 at offset 40 lies past/],
  ];
  for (const [what, corrupt, read, message] of cases) {
    const b = build();
    corrupt(b, new DataView(b.buffer));
    assert.throws(
      () => read(new FlatBuffer(b)),
      (e: unknown) => e instanceof FlatBufferError && message.test(e.message),
      what,
    );
  }
  assert.throws(() => new FlatBuffer(new Uint8Array(5)).root('Root'), FlatBufferError);
  assert.equal(new FlatBuffer(new Uint8Array(5)).identifier(), '');
});
