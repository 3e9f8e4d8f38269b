import test from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { TargetCeilingsSchema, type Ceiling } from '../../contract/ceilings.ts';
import { ceilingsWasm, type CeilingsWasmExports } from '../../harness/probe/ceilings/wasm-kernels.ts';
import { chunkWalk, largestWorkingSet, measureCeilings, plausibleClock } from '../../harness/probe/ceilings/measure-ceilings.ts';
import { nodeCeilingsPlatform, nodeFmaThreads } from '../../harness/probe/ceilings/node-platform.ts';
import { startFmaThreads } from '../../harness/probe/ceilings/threaded-fma.ts';
import { availableParallelism } from 'node:os';

process.env.ORT_DISABLE_TELEMETRY = '1';
const MiB = 2 ** 20;

test('the hand-assembled module validates, and its stream kernels touch exactly the bytes they are given', async () => {
  const bytes = ceilingsWasm({ pages: 1, relaxed: false });
  assert.ok(WebAssembly.validate(bytes));
  const { exports } = await WebAssembly.instantiate(await WebAssembly.compile(bytes));
  const k = exports as unknown as CeilingsWasmExports;
  const f = new Float32Array(k.memory.buffer);
  f.fill(1);
  // 256 bytes = 16 v128 loads of ones: lane 0 of the sum is 16.
  assert.equal(k.read(0, 256, 1), 16);
  assert.equal(k.read(0, 256, 3), 48);
  // Three read-write passes over the first 256 bytes add 3 to each of their 64 floats, and nothing beyond.
  assert.equal(k.rw(0, 256, 3), 4);
  assert.deepEqual([f[0], f[63], f[64]], [4, 4, 1]);
  const x = k.fma(1000);
  assert.ok(Number.isFinite(x) && x > 0);
});

test('working sets: beyond the LLC where it is known, streamed in 16 MiB pieces round the set', () => {
  assert.equal(largestWorkingSet(480 * MiB), 512 * MiB);
  assert.equal(largestWorkingSet(32 * MiB), 64 * MiB);
  assert.equal(largestWorkingSet(null), 256 * MiB);
  assert.equal(largestWorkingSet(4096 * MiB), 1024 * MiB);
  const seen: number[] = [];
  const walk = chunkWalk(64 * MiB);
  walk(6, (offset, length) => {
    assert.equal(length, 16 * MiB);
    seen.push(offset / MiB);
  });
  assert.deepEqual(seen, [0, 16, 32, 48, 0, 16]);
  assert.equal(chunkWalk(32 * 1024).chunkBytes, 32 * 1024);
});

const isMeasured = (c: Ceiling, unit: string) => {
  assert.ok(c.available, `expected a measurement, got ${c.available ? '' : c.reason}`);
  assert.equal(c.unit, unit);
  assert.ok(c.value > 0);
  assert.ok(c.ci95[0] <= c.value && c.value <= c.ci95[1], `the median ${c.value} lies in its interval ${c.ci95}`);
  assert.ok(c.samples >= 3);
};

/** Measured, or refused because the budget was spent (a loaded machine): never a number without an interval. */
const measuredOrOverBudget = (c: Ceiling, unit: string) => {
  if (c.available) isMeasured(c, unit);
  else assert.match(c.reason, /budget of [\d.]+ s was spent/);
};

test('Node: the ceilings measured in the process, with their intervals and methods; relaxed SIMD measured or refused with the reason', async () => {
  const c = await measureCeilings(
    'node',
    { budgetMs: 8000, lastLevelCache: { bytes: 16 * MiB, source: 'test' }, targetPrecision: 0.05 },
    nodeCeilingsPlatform('node'),
  );
  TargetCeilingsSchema.parse(c);
  isMeasured(c.compute.jsScalar, 'GMAC/s');
  measuredOrOverBudget(c.compute.wasmSimd, 'GMAC/s');
  measuredOrOverBudget(c.compute.native, 'GMAC/s');
  if (c.compute.native.available) assert.match(c.compute.native.method, /not the hardware peak/);
  const relaxed = c.compute.wasmRelaxedSimd;
  if (relaxed.available) isMeasured(relaxed, 'GMAC/s');
  else assert.match(relaxed.reason, /relaxed SIMD|budget/);
  // Threaded: on every thread Node allows, started together; one thread only is refused as such.
  const threaded = c.compute.wasmSimdThreaded!;
  if (availableParallelism() > 1) {
    measuredOrOverBudget(threaded, 'GMAC/s');
    if (threaded.available) {
      assert.equal(threaded.threads, availableParallelism());
      assert.match(threaded.method, /os\.availableParallelism\(\).*Atomics\.notify.*slowest/);
    }
  } else assert.match(threaded.available ? '' : threaded.reason, /one thread/);
  // The threaded stream: the largest set split between the same threads.
  const stream = c.threadedStream!;
  assert.deepEqual([stream.language, stream.access, stream.workingSetBytes], ['wasm', 'read-write', 64 * MiB]);
  if (availableParallelism() > 1) {
    measuredOrOverBudget(stream.ceiling, 'GB/s');
    if (stream.ceiling.available) {
      assert.equal(stream.ceiling.threads, availableParallelism());
      assert.match(stream.ceiling.method, /split between the threads.*Atomics\.notify.*slowest/);
    }
  } else assert.match(stream.ceiling.available ? '' : stream.ceiling.reason, /one thread/);
  // 32 KiB, 1 MiB, 16 MiB and the largest (64 MiB: beyond the given 16 MiB LLC) × JS/WASM × read/read-write.
  assert.equal(c.bandwidth.length, 16);
  for (const b of c.bandwidth) measuredOrOverBudget(b.ceiling, 'GB/s');
  assert.deepEqual([...new Set(c.bandwidth.map((b) => b.workingSetBytes))], [32 * 1024, MiB, 16 * MiB, 64 * MiB]);
  assert.ok(c.nominalPeak === undefined || c.nominalPeak.cores >= 1);
  // The clock: first of all, so never over budget; near the clock read (a boost is ×1.6 at most
  // on server parts; a JIT that did not emit one add per step would measure half or less).
  isMeasured(c.clock!, 'GHz');
  if (c.nominalPeak?.ghz) {
    const ratio = c.clock!.available ? c.clock!.value / c.nominalPeak.ghz : 0;
    assert.ok(ratio > 0.6 && ratio < 2, `clock ${c.clock!.available && c.clock!.value} GHz against ${c.nominalPeak.ghz} read`);
  }
});

test('a clock beyond any CPU (an engine that folded the chain) is unavailable with the reason, never a peak to hold ceilings against', () => {
  const at = (value: number): Ceiling => ({
    available: true,
    value,
    unit: 'GHz',
    ci95: [value, value],
    precision: 0.01,
    samples: 7,
    stopReason: 'precision',
    elapsedMs: 250,
    method: 'add chain',
  });
  assert.deepEqual(plausibleClock(at(3.9)), at(3.9));
  const folded = plausibleClock(at(63.8));
  assert.ok(!folded.available);
  assert.match(folded.reason, /^measured 63\.8 GHz, beyond any CPU's clock: this engine shortened the dependent chain$/);
});

test('a budget too small for every ceiling: those left are refused with the reason, not measured short', async () => {
  const c = await measureCeilings(
    'node',
    { budgetMs: 1000, lastLevelCache: { bytes: MiB, source: 'test' }, targetPrecision: 0.05 },
    nodeCeilingsPlatform('node'),
  );
  // 20 ceilings get at least 100 ms each: 1 s cannot hold them all.
  const refused = [...Object.values(c.compute), ...c.bandwidth.map((b) => b.ceiling)].filter((x) => !x.available && /budget of 1 s was spent/.test(x.reason));
  assert.ok(refused.length > 0);
  isMeasured(c.compute.jsScalar, 'GMAC/s');
});

test('a platform without WebAssembly or a native runtime gets those ceilings unavailable with the reason, never a number', async () => {
  const saved = globalThis.WebAssembly;
  delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
  try {
    const c = await measureCeilings(
      'bare',
      { budgetMs: 1000, lastLevelCache: { bytes: MiB, source: 'test' }, targetPrecision: 0.05 },
      {
        environment: 'browser',
        now: () => performance.now(),
        nativeUnavailable: 'a page has no native runtime',
      },
    );
    assert.deepEqual(c.compute.wasmSimd, { available: false, reason: 'no WebAssembly in this engine' });
    assert.deepEqual(c.compute.wasmRelaxedSimd, { available: false, reason: 'no WebAssembly in this engine' });
    assert.deepEqual(c.compute.native, { available: false, reason: 'a page has no native runtime' });
    assert.match(c.compute.wasmSimdThreaded!.available ? '' : c.compute.wasmSimdThreaded!.reason, /no single-threaded WebAssembly SIMD kernel/);
    isMeasured(c.compute.jsScalar, 'GMAC/s');
    for (const b of c.bandwidth.filter((x) => x.language === 'wasm'))
      assert.deepEqual(b.ceiling, { available: false, reason: 'no WebAssembly in this engine' });
  } finally {
    globalThis.WebAssembly = saved;
  }
});

test('threads for the threaded ceiling: every worker runs each release before it resolves; a broken module is refused with why', async () => {
  const host = nodeFmaThreads();
  assert.ok(!('unavailable' in host));
  assert.equal(host.count, availableParallelism());
  // Count the done messages as they reach the pool: a run must not resolve before every thread's.
  const done: number[] = [];
  const counted: typeof host = {
    ...host,
    start: (init, onMessage, onError) =>
      host.start(
        init,
        (m) => {
          if ('done' in m) done.push(m.done);
          onMessage(m);
        },
        onError,
      ),
  };
  const threads = await startFmaThreads(counted, ceilingsWasm({ pages: 1, relaxed: false }), 3);
  try {
    await threads.run(200_000);
    assert.deepEqual(done, [1, 1, 1]);
    await threads.run(1000);
    assert.deepEqual(done, [1, 1, 1, 2, 2, 2]);
  } finally {
    threads.close();
  }
  await assert.rejects(startFmaThreads(host, Uint8Array.from([0, 1, 2]), 2), /a worker failed: .*(WebAssembly|magic|buffer|Module)/i);
  // One thread allowed: the threaded ceiling is refused as the single-threaded one, not measured again.
  const c = await measureCeilings(
    'one-core',
    { budgetMs: 1000, lastLevelCache: { bytes: MiB, source: 'test' }, targetPrecision: 0.05 },
    { environment: 'node', now: () => performance.now(), threads: () => ({ ...host, count: 1 }) },
  );
  const one = c.compute.wasmSimdThreaded!;
  assert.ok(!one.available && /os\.availableParallelism\(\) is 1: one thread/.test(one.reason), JSON.stringify(one));
});
