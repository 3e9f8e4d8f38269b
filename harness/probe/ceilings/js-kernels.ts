/**
 * The plain-JavaScript micro-kernels of the ceilings (what the reference implementation gets):
 * scalar multiply-add throughput on doubles, streaming read / read-write over part of a Float32Array,
 * and the clock a core runs at (a chain of dependent integer adds).
 * Browser-safe. Each returns a value computed from every step, so no engine can drop the loop.
 */

/** Independent `a = a * m + c` chains per iteration of jsMultiplyAdd. */
export const JS_CHAINS = 12;

/** `iters` iterations of 12 independent multiply-add chains: 12 · iters multiply-adds. */
export function jsMultiplyAdd(iters: number): number {
  let a0 = 1.0;
  let a1 = 1.01;
  let a2 = 1.02;
  let a3 = 1.03;
  let a4 = 1.04;
  let a5 = 1.05;
  let a6 = 1.06;
  let a7 = 1.07;
  let a8 = 1.08;
  let a9 = 1.09;
  let a10 = 1.1;
  let a11 = 1.11;
  // x ← 0.999999·x + 1e-7 converges to 0.1: no overflow or denormals for any iteration count.
  const m = 0.999999;
  const c = 1e-7;
  for (let i = 0; i < iters; i++) {
    a0 = a0 * m + c;
    a1 = a1 * m + c;
    a2 = a2 * m + c;
    a3 = a3 * m + c;
    a4 = a4 * m + c;
    a5 = a5 * m + c;
    a6 = a6 * m + c;
    a7 = a7 * m + c;
    a8 = a8 * m + c;
    a9 = a9 * m + c;
    a10 = a10 * m + c;
    a11 = a11 * m + c;
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
}

/** Dependent int32 operations (adds and xors) per iteration of jsClockChain. */
export const JS_CLOCK_CHAIN_OPS = 16;

/**
 * `iters` iterations of 8 dependent `x = (x + a) ^ b`: an optimizing JIT emits one 32-bit add and
 * one xor each (checked in V8's code), and each takes one cycle on every x86-64 and ARMv8 core,
 * so operations per second are cycles per second: the clock the core ran at, boost included. The
 * add and the xor alternate, and `a` and `b` come from outside (arguments), because an engine folds
 * a chain of adds alone into one multiply (JavaScriptCore measured 64 "GHz" that way).
 */
export function jsClockChain(iters: number, a: number, b: number): number {
  let x = 0;
  for (let i = 0; i < iters; i++) {
    x = (x + a) ^ b;
    x = (x + a) ^ b;
    x = (x + a) ^ b;
    x = (x + a) ^ b;
    x = (x + a) ^ b;
    x = (x + a) ^ b;
    x = (x + a) ^ b;
    x = (x + a) ^ b;
  }
  return x;
}

/** Sum `a` (length a multiple of 8) from element `from`, `count` elements, into eight sums (hiding the add latency): 4 bytes read an element. */
export function jsRead(a: Float32Array, from: number, count: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  const end = from + count;
  for (let i = from; i < end; i += 8) {
    s0 += a[i];
    s1 += a[i + 1];
    s2 += a[i + 2];
    s3 += a[i + 3];
    s4 += a[i + 4];
    s5 += a[i + 5];
    s6 += a[i + 6];
    s7 += a[i + 7];
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}

/** Add 1 to `count` elements of `a` from `from` (count a multiple of 4): 8 bytes moved an element (read + write). */
export function jsReadWrite(a: Float32Array, from: number, count: number): number {
  const end = from + count;
  for (let i = from; i < end; i += 4) {
    a[i] += 1;
    a[i + 1] += 1;
    a[i + 2] += 1;
    a[i + 3] += 1;
  }
  return a[from];
}
