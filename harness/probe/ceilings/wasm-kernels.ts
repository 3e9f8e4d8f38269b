/**
 * The WebAssembly micro-kernels of the ceilings, assembled here byte by byte (no toolchain):
 * a module exporting its memory and
 * - `fma(iters) -> f32`: 12 independent f32x4 chains `acc = acc * m + c` (f32x4.mul then
 *   f32x4.add), 48 multiply-adds per iteration; with `relaxed`, one f32x4.relaxed_madd each;
 * - `read(ptr, bytes, reps) -> f32`: streams `bytes` from `ptr` with v128.load into eight sums;
 * - `rw(ptr, bytes, reps) -> f32`: loads, adds 1 and stores back each v128 (read-modify-write).
 * Browser-safe: pure bytes, no platform API.
 */

/** Independent accumulator chains of `fma`: enough to cover mul + add latency on two pipes, few enough to stay in 16 registers. */
export const FMA_CHAINS = 12;
/** Multiply-adds one `fma` iteration performs: chains × 4 lanes. */
export const MACS_PER_FMA_ITERATION = FMA_CHAINS * 4;
/** Bytes one `read`/`rw` inner iteration touches (eight v128, unrolled). */
export const STREAM_STEP_BYTES = 128;
/** v128 accesses per inner iteration (and independent sums of `read`: enough to hide f32x4.add's latency behind two loads a cycle). */
const STREAM_UNROLL = STREAM_STEP_BYTES / 16;

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const simd = (op: number) => [0xfd, ...uleb(op)];
const OP = {
  v128Load: 0x00,
  v128Store: 0x0b,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  f32x4RelaxedMadd: 0x105,
} as const;
const localGet = (i: number) => [0x20, ...uleb(i)];
const localSet = (i: number) => [0x21, ...uleb(i)];
const localTee = (i: number) => [0x22, ...uleb(i)];
const f32Const = (x: number) => {
  const b = new Uint8Array(new Float32Array([x]).buffer);
  return [0x43, ...b];
};
const i32Const = (n: number) => [0x41, ...sleb(n)];
/** memarg of a 16-byte-aligned v128 access at `offset`. */
const memarg = (offset: number) => [4, ...uleb(offset)];
const LOOP_VOID = [0x03, 0x40];
const END = 0x0b;
const BR_IF = 0x0d;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_LT_U = 0x49;

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}
function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}
/** A function body: locals as [count, type] runs, then code. */
function body(locals: Array<[number, number]>, code: number[]): number[] {
  const inner = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...code, END];
  return [...uleb(inner.length), ...inner];
}

/** `fma(iters)`: param 0 = iters; locals 1..12 accumulators, 13 = m, 14 = c. */
function fmaBody(relaxed: boolean): number[] {
  const acc = (k: number) => 1 + k;
  const m = 1 + FMA_CHAINS;
  const c = m + 1;
  const code: number[] = [];
  for (let k = 0; k < FMA_CHAINS; k++) code.push(...f32Const(1 + k / 64), ...simd(OP.f32x4Splat), ...localSet(acc(k)));
  // x ← 0.999999·x + 1e-7 converges to 0.1: no overflow, no denormals, whatever the iteration count.
  code.push(...f32Const(0.999999), ...simd(OP.f32x4Splat), ...localSet(m));
  code.push(...f32Const(1e-7), ...simd(OP.f32x4Splat), ...localSet(c));
  code.push(...LOOP_VOID);
  for (let k = 0; k < FMA_CHAINS; k++) {
    code.push(...localGet(acc(k)), ...localGet(m));
    if (relaxed) code.push(...localGet(c), ...simd(OP.f32x4RelaxedMadd));
    else code.push(...simd(OP.f32x4Mul), ...localGet(c), ...simd(OP.f32x4Add));
    code.push(...localSet(acc(k)));
  }
  code.push(...localGet(0), ...i32Const(1), I32_SUB, ...localTee(0), BR_IF, 0, END);
  code.push(...localGet(acc(0)));
  for (let k = 1; k < FMA_CHAINS; k++) code.push(...localGet(acc(k)), ...simd(OP.f32x4Add));
  code.push(...simd(OP.f32x4ExtractLane), 0);
  return body([[FMA_CHAINS + 2, V128]], code);
}

/** `read(ptr, bytes, reps)` / `rw(ptr, bytes, reps)`: params 0..2; locals 3 = p, 4 = end, 5..12 sums (read) or 5 = one (rw). */
function streamBody(write: boolean): number[] {
  const [ptr, bytes, reps, p, end] = [0, 1, 2, 3, 4];
  const v = (k: number) => 5 + k;
  const code: number[] = [...localGet(ptr), ...localGet(bytes), I32_ADD, ...localSet(end)];
  if (write) code.push(...f32Const(1), ...simd(OP.f32x4Splat), ...localSet(v(0)));
  code.push(...LOOP_VOID, ...localGet(ptr), ...localSet(p), ...LOOP_VOID);
  for (let k = 0; k < STREAM_UNROLL; k++) {
    if (write) {
      // *(p + 16k) += 1, as v128
      code.push(...localGet(p), ...localGet(p), ...simd(OP.v128Load), ...memarg(16 * k), ...localGet(v(0)), ...simd(OP.f32x4Add));
      code.push(...simd(OP.v128Store), ...memarg(16 * k));
    } else {
      code.push(...localGet(v(k)), ...localGet(p), ...simd(OP.v128Load), ...memarg(16 * k), ...simd(OP.f32x4Add), ...localSet(v(k)));
    }
  }
  code.push(...localGet(p), ...i32Const(STREAM_STEP_BYTES), I32_ADD, ...localTee(p), ...localGet(end), I32_LT_U, BR_IF, 0, END);
  code.push(...localGet(reps), ...i32Const(1), I32_SUB, ...localTee(reps), BR_IF, 0, END);
  if (write) code.push(...localGet(ptr), ...simd(OP.v128Load), ...memarg(0));
  else {
    code.push(...localGet(v(0)));
    for (let k = 1; k < STREAM_UNROLL; k++) code.push(...localGet(v(k)), ...simd(OP.f32x4Add));
  }
  code.push(...simd(OP.f32x4ExtractLane), 0);
  return body(
    [
      [2, I32],
      [write ? 1 : STREAM_UNROLL, V128],
    ],
    code,
  );
}

/**
 * The module's bytes. `pages` of 64 KiB of memory (exported as `memory`); `relaxed` swaps the
 * fma body for f32x4.relaxed_madd (an engine without relaxed SIMD refuses to validate it).
 */
export function ceilingsWasm(options: { pages: number; relaxed: boolean }): Uint8Array<ArrayBuffer> {
  const types = section(
    1,
    vec([
      [0x60, ...vec([[I32]]), ...vec([[F32]])],
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[F32]])],
    ]),
  );
  const funcs = section(3, vec([[0], [1], [1]]));
  const memory = section(5, vec([[0x00, ...uleb(options.pages)]]));
  const exports = section(
    7,
    vec([
      [...name('memory'), 0x02, 0],
      [...name('fma'), 0x00, 0],
      [...name('read'), 0x00, 1],
      [...name('rw'), 0x00, 2],
    ]),
  );
  const code = section(10, [...uleb(3), ...fmaBody(options.relaxed), ...streamBody(false), ...streamBody(true)]);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...funcs, ...memory, ...exports, ...code]);
}

/** The exports of an instantiated ceilings module. */
export interface CeilingsWasmExports {
  memory: WebAssembly.Memory;
  fma(iters: number): number;
  read(ptr: number, bytes: number, reps: number): number;
  rw(ptr: number, bytes: number, reps: number): number;
}
