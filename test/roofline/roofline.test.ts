import test from 'node:test';
import assert from 'node:assert/strict';
import type { Ceiling, TargetCeilings } from '../../contract/ceilings.ts';
import {
  attainable,
  ceilingFor,
  checkAgainstNominal,
  checkedCeilings,
  jobOnRoofline,
  memoryRoof,
  placeOnRoofline,
  threadsOfJob,
} from '../../contract/roofline.ts';
import { nominalPeakFromCpuinfo } from '../../harness/probe/ceilings/nominal-peak.ts';

const measured = (value: number, unit: 'GMAC/s' | 'GB/s' | 'GHz'): Ceiling => ({
  available: true,
  value,
  unit,
  ci95: [value * 0.98, value * 1.02],
  precision: 0.02,
  samples: 9,
  stopReason: 'precision',
  elapsedMs: 100,
  method: 'test',
});

/** A target whose ceilings are round numbers, so every point is checkable by hand. */
const ceilings: TargetCeilings = {
  target: 'node',
  measuredAt: '2026-12-07T00:00:00Z',
  durationMs: 8000,
  environment: 'node',
  compute: {
    jsScalar: measured(4, 'GMAC/s'),
    wasmSimd: measured(20, 'GMAC/s'),
    wasmRelaxedSimd: { available: false, reason: 'not compiled' },
    native: measured(100, 'GMAC/s'),
  },
  bandwidth: [
    { language: 'wasm', access: 'read-write', workingSetBytes: 32 * 1024, ceiling: measured(150, 'GB/s') },
    { language: 'wasm', access: 'read-write', workingSetBytes: 512 * 2 ** 20, ceiling: measured(10, 'GB/s') },
    { language: 'js', access: 'read-write', workingSetBytes: 512 * 2 ** 20, ceiling: measured(2, 'GB/s') },
    { language: 'js', access: 'read', workingSetBytes: 512 * 2 ** 20, ceiling: measured(3, 'GB/s') },
  ],
  notes: [],
};

test('each runtime is held against its own ceiling', () => {
  assert.equal(ceilingFor('reference', 'js').key, 'jsScalar');
  assert.equal(ceilingFor('tfjs', 'cpu').key, 'jsScalar');
  assert.equal(ceilingFor('tfjs', 'wasm').key, 'wasmSimd');
  assert.equal(ceilingFor('ort-web', 'wasm').key, 'wasmSimd');
  assert.equal(ceilingFor('litert', 'wasm').key, 'wasmSimd');
  assert.equal(ceilingFor('ort-node', 'cpu').key, 'native');
  const gpu = ceilingFor('tfjs', 'webgl');
  assert.equal(gpu.key, null);
  assert.match(gpu.why, /GPU/);
});

test('WebAssembly runtimes on several threads are held against the threaded ceiling; on one (or unsaid) against the single-threaded one', () => {
  assert.equal(ceilingFor('ort-web', 'wasm', 1).key, 'wasmSimd');
  assert.equal(ceilingFor('ort-web', 'wasm', null).key, 'wasmSimd');
  assert.equal(ceilingFor('ort-web', 'wasm', 2).key, 'wasmSimdThreaded');
  assert.equal(ceilingFor('tfjs', 'wasm', 4).key, 'wasmSimdThreaded');
  assert.equal(ceilingFor('litert', 'wasm', 2).key, 'wasmSimdThreaded');
  // Native and JavaScript kernels keep their ceiling whatever the threads (the native MatMul runs the runtime's default pool).
  assert.equal(ceilingFor('ort-node', 'cpu', 2).key, 'native');
  assert.equal(ceilingFor('reference', 'js', 2).key, 'jsScalar');
  // The threads a job ran: the runtime's report first, then what was asked.
  assert.equal(threadsOfJob({ threads: 4, effective: null }), 4);
  assert.equal(threadsOfJob({ threads: null, effective: { impl: 'tfjs', backend: 'wasm', threads: 2, simd: true, version: '4' } }), 2);
  assert.equal(threadsOfJob({ threads: 4, effective: { impl: 'tfjs', backend: 'wasm', threads: 1, simd: true, version: '4' } }), 1);
  assert.equal(threadsOfJob({ threads: null, effective: null }), null);

  const threaded = { ...ceilings, compute: { ...ceilings.compute, wasmSimdThreaded: { ...measured(36, 'GMAC/s'), threads: 2 } } };
  const onTwo = { impl: 'ort-web', backend: 'wasm', threads: 2, effective: null };
  const two = placeOnRoofline(threaded, onTwo, 18, 25_690_112, 4_825_344); // pointwise: 5.32 MAC/B, compute-bound
  assert.ok(two.ok);
  assert.equal(two.point.ceiling, 'wasmSimdThreaded');
  assert.equal(two.point.ceilingThreads, 2);
  assert.equal(two.point.computeRoof, 36);
  assert.equal(two.point.fraction, 0.5);
  const one = placeOnRoofline(threaded, { ...onTwo, threads: 1 }, 18, 25_690_112, 4_825_344);
  assert.ok(one.ok);
  assert.equal(one.point.ceiling, 'wasmSimd');
  assert.equal(one.point.ceilingThreads, 1);
  assert.equal(one.point.fraction, 0.9);
  // No threaded ceiling (an old run.json, or one refused): no point, with why, rather than the single-threaded roof.
  const old = placeOnRoofline(ceilings, onTwo, 18, 25_690_112, 4_825_344);
  assert.ok(!old.ok && /threaded WebAssembly ceiling/.test(old.reason));
  const refused = {
    ...ceilings,
    compute: { ...ceilings.compute, wasmSimdThreaded: { available: false as const, reason: 'the page is not cross-origin isolated' } },
  };
  const none = placeOnRoofline(refused, onTwo, 18, 25_690_112, 4_825_344);
  assert.ok(!none.ok && /cross-origin isolated/.test(none.reason));

  // The memory roof of a threaded job: the stream on every thread where it was measured, else the single-threaded one.
  const depthwise = [4, 3_612_672, 3_212_544] as const; // 1.0-224's first depthwise layer: 1.12 MAC/B
  assert.equal(two.point.bandwidthThreads, 1, 'no threaded stream in the record: the single-threaded roof');
  const withStream = {
    ...threaded,
    threadedStream: {
      language: 'wasm' as const,
      access: 'read-write' as const,
      workingSetBytes: 512 * 2 ** 20,
      ceiling: { ...measured(20, 'GB/s'), threads: 2 },
    },
  };
  const dwTwo = placeOnRoofline(withStream, onTwo, ...depthwise);
  assert.ok(dwTwo.ok);
  assert.equal(dwTwo.point.bound, 'memory');
  assert.equal(dwTwo.point.bandwidthRoof, 20);
  assert.equal(dwTwo.point.bandwidthThreads, 2);
  assert.equal(dwTwo.point.roof, 20 * (3_612_672 / 3_212_544));
  const dwOne = placeOnRoofline(withStream, { ...onTwo, threads: 1 }, ...depthwise);
  assert.ok(dwOne.ok);
  assert.equal(dwOne.point.bandwidthRoof, 10, 'a one-thread job keeps the single-threaded stream');
  const streamRefused = { ...withStream, threadedStream: { ...withStream.threadedStream, ceiling: { available: false as const, reason: 'one thread' } } };
  const fallback = placeOnRoofline(streamRefused, onTwo, ...depthwise);
  assert.ok(fallback.ok);
  assert.equal(fallback.point.bandwidthRoof, 10);
  assert.equal(fallback.point.bandwidthThreads, 1);
});

test('the threaded ceiling is checked against as many cores as it ran threads, at most all', () => {
  const peak = nominalPeakFromCpuinfo(XEON); // 2 cores, 83.2 GMAC/s each at 16 lanes: 20.8 at 4 lanes
  assert.equal(checkAgainstNominal('wasmSimdThreaded', 40, peak, 2).verdict, 'ok');
  assert.equal(checkAgainstNominal('wasmSimdThreaded', 40, peak, 1).verdict, 'above');
  assert.equal(checkAgainstNominal('wasmSimdThreaded', 40, peak, 8).verdict, 'ok'); // 8 threads on 2 cores: 41.6
  assert.equal(checkAgainstNominal('wasmSimdThreaded', 70, peak, 8).verdict, 'above'); // 1.68×: beyond any boost
});

test('the memory roof is the read-write stream over the largest working set', () => {
  assert.deepEqual(memoryRoof(ceilings, 'wasm'), { gbPerSecond: 10, workingSetBytes: 512 * 2 ** 20, threads: 1 });
  assert.deepEqual(memoryRoof(ceilings, 'js'), { gbPerSecond: 2, workingSetBytes: 512 * 2 ** 20, threads: 1 });
  assert.equal(attainable(1.1246, 20, 10), 11.246);
  assert.equal(attainable(5, 20, 10), 20);
});

test('a depthwise layer (dw1, 1.0-224, 1.1246 MAC/B) under the WebAssembly roof is memory-bound; a pointwise one compute-bound', () => {
  const dw = placeOnRoofline(ceilings, { impl: 'tfjs', backend: 'wasm', threads: null, effective: null }, 5, 3_612_672, 3_212_544);
  assert.ok(dw.ok);
  assert.equal(dw.point.bound, 'memory');
  assert.equal(dw.point.roof.toFixed(3), '11.246'); // 10 GB/s × 1.1246 MAC/B
  assert.equal(dw.point.fraction.toFixed(4), (5 / 11.2455).toFixed(4));
  assert.equal(dw.point.fractionOfCompute, 0.25);
  const pw = placeOnRoofline(ceilings, { impl: 'tfjs', backend: 'wasm', threads: null, effective: null }, 15, 25_690_112, 4_825_344);
  assert.ok(pw.ok);
  assert.equal(pw.point.bound, 'compute');
  assert.equal(pw.point.roof, 20);
  assert.equal(pw.point.fraction, 0.75);
});

test('no point without ceilings, for a GPU backend, or for an unavailable ceiling, each with the reason', () => {
  const none = placeOnRoofline(undefined, { impl: 'reference', backend: 'js', threads: null, effective: null }, 1, 1, 1);
  assert.ok(!none.ok && /no ceilings/.test(none.reason));
  const gpu = placeOnRoofline(ceilings, { impl: 'ort-web', backend: 'webgpu', threads: null, effective: null }, 1, 1, 1);
  assert.ok(!gpu.ok && /GPU/.test(gpu.reason));
  const broken = { ...ceilings, compute: { ...ceilings.compute, native: { available: false as const, reason: 'no onnxruntime-node' } } };
  const native = placeOnRoofline(broken, { impl: 'ort-node', backend: 'cpu', threads: null, effective: null }, 50, 1, 1);
  assert.ok(!native.ok && /no onnxruntime-node/.test(native.reason));
  const old = placeOnRoofline(ceilings, { impl: 'ort-node', backend: 'cpu', threads: null, effective: null }, 50, 1000, undefined);
  assert.ok(!old.ok && /bytes/.test(old.reason));
});

const XEON = `processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Processor
cpu MHz\t\t: 2600.000
flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512bw
processor\t: 1
model name\t: Intel(R) Xeon(R) Processor
cpu MHz\t\t: 2600.000
flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512bw
`;
const PI = `processor\t: 0
BogoMIPS\t: 108.00
Features\t: fp asimd evtstrm crc32 cpuid
CPU implementer\t: 0x41
CPU part\t: 0xd08
processor\t: 1
Features\t: fp asimd evtstrm crc32 cpuid
processor\t: 2
processor\t: 3
`;
const ZEN = `processor\t: 0
model name\t: AMD EPYC 7B13 64-Core Processor @ 3.00GHz
flags\t\t: sse avx fma avx2
`;

test('nominal peak: cores × FMA units × lanes × GHz, saying where the frequency came from', () => {
  const x = nominalPeakFromCpuinfo(XEON);
  assert.equal(x.gmacPerSecond, 2 * 2 * 16 * 2.6); // 166.4 GMAC/s = 332.8 GFLOP/s
  assert.equal(x.lanes, 16);
  assert.match(x.frequencySource, /cpu MHz/);
  const pi = nominalPeakFromCpuinfo(PI, 1_800_000);
  assert.equal(pi.cores, 4);
  assert.equal(pi.gmacPerSecond, 4 * 2 * 4 * 1.8);
  assert.match(pi.frequencySource, /cpufreq/);
  const zen = nominalPeakFromCpuinfo(ZEN);
  assert.equal(zen.gmacPerSecond, 1 * 2 * 8 * 3);
  assert.match(zen.frequencySource, /model name/);
  const none = nominalPeakFromCpuinfo(PI);
  assert.equal(none.gmacPerSecond, null);
  assert.match(none.unavailable ?? '', /frequency/);
});

test('a ceiling above the nominal peak, or under a tenth of it, is flagged', () => {
  const peak = nominalPeakFromCpuinfo(XEON); // 83.2 GMAC/s per core at 16 lanes
  assert.equal(checkAgainstNominal('wasmSimd', 20, peak).verdict, 'ok'); // 4 lanes of one core: 20.8
  // Up to 1.6× is a boost above the cpu MHz read (the idle EPYC VM measured 1.14×); beyond it, a wrong assumption.
  const boosted = checkAgainstNominal('wasmSimd', 25, peak);
  assert.equal(boosted.verdict, 'ok');
  assert.match(boosted.why, /120 % of the nominal 20\.8 .*boost/);
  assert.equal(checkAgainstNominal('wasmSimd', 35, peak).verdict, 'above');
  // A cpufreq maximum is the boost clock already: nothing may measure above it.
  const pi = nominalPeakFromCpuinfo(PI, 1_800_000); // 3.6 GMAC/s per lane-core
  assert.equal(pi.clockIsMaximum, true);
  assert.equal(checkAgainstNominal('jsScalar', 3.7, pi).verdict, 'above');
  assert.equal(checkAgainstNominal('jsScalar', 3.5, pi).verdict, 'ok');
  assert.equal(checkAgainstNominal('jsScalar', 4, peak).verdict, 'ok'); // 1 lane: 5.2
  assert.equal(checkAgainstNominal('native', 10, peak).verdict, 'far-below'); // 166.4 across both cores
  assert.equal(checkAgainstNominal('native', 120, peak).verdict, 'ok');
  assert.equal(checkAgainstNominal('native', 120, undefined).verdict, 'unknown');
});

test('a clock measured above the clock read: the peak is taken at it, with a 10 % slack instead of the ×1.6 headroom; one at or below it changes nothing', () => {
  const peak = nominalPeakFromCpuinfo(XEON); // 2.6 GHz read; WebAssembly SIMD's share: 20.8 GMAC/s
  // This VM's Chromium: relaxed SIMD 29.1 GMAC/s, clock 3.95 GHz measured: 92 % of 31.6.
  const seen = checkAgainstNominal('wasmSimd', 29.1, peak, 1, 3.95);
  assert.equal(seen.verdict, 'ok');
  assert.match(seen.why, /^92 % of the nominal 31\.6 GMAC\/s of 1 core × 4 lanes at 3\.95 GHz measured in the target \(2\.6 GHz read/);
  // 30 GMAC/s is 1.25× the peak at a measured 3.0 GHz (24.0): above, where the ×1.6 headroom over the 2.6 read would pass it (1.44×).
  const beyond = checkAgainstNominal('wasmSimd', 30, peak, 1, 3.0);
  assert.equal(beyond.verdict, 'above');
  assert.match(beyond.why, /^measured 1\.25× the nominal 24\.0 GMAC\/s .* beyond the measured clock's slack \(×1\.1\)/);
  assert.equal(checkAgainstNominal('wasmSimd', 30, peak, 1, null).verdict, 'ok');
  // A clock at or below the one read (a throttled page, a slow JIT) never lowers the peak.
  assert.deepEqual(checkAgainstNominal('wasmSimd', 25, peak, 1, 1.3), checkAgainstNominal('wasmSimd', 25, peak));
  // checkedCeilings takes the clock from the target's record.
  const fast = { ...ceilings, nominalPeak: peak, compute: { ...ceilings.compute, native: measured(150, 'GMAC/s'), jsScalar: measured(8, 'GMAC/s') } };
  assert.deepEqual(checkedCeilings(fast).refused, []); // 8 of a lane-core's 5.2 at 2.6 GHz: within ×1.6
  assert.match(checkedCeilings({ ...fast, clock: measured(2.9, 'GHz') }).refused.join(), /^jsScalar: measured 1\.38× the nominal 5\.8 GMAC\/s/);
});

test("a job is placed against its own run's ceilings; a ceiling the nominal check refuses places nothing", () => {
  const job = {
    status: 'ok',
    target: 'node',
    impl: 'ort-node',
    backend: 'cpu',
    analytic: { macs: 568_740_352, params: 4_231_976, gmacPerSecond: 40, bytes: 50_000_000 },
  } as unknown as Parameters<typeof jobOnRoofline>[1];
  const at = jobOnRoofline([{ ceilings: [ceilings] }], job);
  assert.ok(at);
  assert.equal(at.ceiling, 'native');
  assert.equal(at.fraction, 0.4); // 40 of min(100, 10 GB/s × 11.37 MAC/B): compute-bound
  assert.equal(at.bound, 'compute');
  assert.equal(jobOnRoofline([{ ceilings: [{ ...ceilings, target: 'chromium' }] }], job), null);
  // With a nominal peak of 166.4 GMAC/s on two cores, a 10 GMAC/s native ceiling is under a tenth of it: not drawn.
  const peak = nominalPeakFromCpuinfo(XEON);
  const low = { ...ceilings, nominalPeak: peak, compute: { ...ceilings.compute, native: measured(10, 'GMAC/s') } };
  assert.equal(jobOnRoofline([{ ceilings: [low] }], job), null);
  const { refused } = checkedCeilings(low);
  assert.equal(refused.length, 1);
  assert.match(refused[0], /^native: measured 6\.0 % of the nominal 166\.4 GMAC\/s/);
});
