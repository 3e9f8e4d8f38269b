/** The float32-vs-uint8 view: pairs, speed-up, top-1 cost, TFLite-arithmetic agreement, published figures. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { JobResultSchema, type JobResult } from '../../contract/results.ts';
import { buildReportModel } from '../../reports/data.ts';
import { quantizationPairs, quantizationHtml } from '../../reports/sections/quantization.ts';
import { PUBLISHED_ACCURACY } from '../../models/published.ts';

function job(
  id: string,
  impl: string,
  backend: string,
  precision: JobResult['precision'],
  medianMs: number,
  top1: number,
  predictions: number[],
  weights = 'tflite:/x.tflite',
): JobResult {
  return JobResultSchema.parse({
    schemaVersion: 1,
    id: `node/${id}`,
    target: 'node',
    impl,
    backend,
    threads: null,
    alpha: 0.25,
    resolution: 224,
    precision,
    weightsSource: weights,
    status: 'ok',
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1,
    effective: { impl, backend, threads: null, simd: null, version: '1' },
    coldStart: { loadMs: 1, initMs: 1, firstInferenceMs: 1 },
    latency: {
      samplesMs: [medianMs],
      medianMs,
      p90Ms: medianMs,
      p99Ms: medianMs,
      meanMs: medianMs,
      minMs: medianMs,
      maxMs: medianMs,
      madMs: 0,
      ci95Ms: [medianMs, medianMs],
      warmupSamples: 1,
      stoppedBy: 'minimums',
      drift: null,
    },
    memory: null,
    analytic: { macs: 41e6, params: 0.47e6, gmacPerSecond: null },
    accuracy: { n: predictions.length, top1, top5: top1, agreementTop1: 1, maxAbsLogitDelta: 0, predictions },
  });
}

test("uint8 rows are paired with the same runtime's float row (the .tflite one first) and judged against TFLite arithmetic", () => {
  const results = [
    job('reference/0.25_224', 'reference', 'js', 'float32', 200, 0.56, [1, 2, 3, 4], 'tfjs-layers:/k/model.json'),
    job('reference/0.25_224-tflite', 'reference', 'js', 'float32', 210, 0.5, [1, 2, 3, 4]),
    job('reference/0.25_224-uint8', 'reference', 'js', 'uint8', 500, 0.47, [1, 2, 3, 5]),
    job('reference/0.25_224-uint8-dequantized', 'reference', 'js', 'uint8-dequantized', 205, 0.48, [1, 2, 3, 5]),
    job('ort-node-cpu/0.25_224-tflite', 'ort-node', 'cpu', 'float32', 4, 0.5, [1, 2, 3, 4]),
    job('ort-node-cpu/0.25_224-uint8', 'ort-node', 'cpu', 'uint8', 2, 0.46, [1, 2, 9, 5]),
  ];
  const model = buildReportModel({ source: 'test', label: 'test', run: {} as never, results });
  const pairs = quantizationPairs(model.targets[0]);
  const ref = pairs.find((p) => p.uint8.id === 'node/reference/0.25_224-uint8')!;
  assert.equal(ref.float!.id, 'node/reference/0.25_224-tflite', 'the same training as the uint8 file is preferred');
  assert.ok(Math.abs(ref.speedup! - 210 / 500) < 1e-12);
  assert.ok(Math.abs(ref.top1CostPoints! - -3) < 1e-9);
  assert.ok(Math.abs(ref.vsDequantizedPoints! - -1) < 1e-9);
  assert.equal(ref.tfliteAgreement, null, 'the reference is the TFLite arithmetic itself');
  const ort = pairs.find((p) => p.uint8.id === 'node/ort-node-cpu/0.25_224-uint8')!;
  assert.equal(ort.speedup, 2);
  assert.equal(ort.tfliteAgreement, 0.75);
  const dq = pairs.find((p) => p.uint8.precision === 'uint8-dequantized')!;
  assert.equal(dq.runtime, 'reference');
  const section = String(quantizationHtml(model.targets[0]));
  assert.match(section, /49\.8 → 48\.2 \(-1\.6\)/);
  assert.match(section, /uint8 \(integer kernels\)/);
  assert.match(section, /uint8 \(dequantized\)/);
  assert.equal(
    quantizationHtml(
      buildReportModel({ source: 'test', label: 'test', run: {} as never, results: results.filter((r) => r.precision === 'float32') }).targets[0],
    ),
    null,
  );
});

test('the published table has all 16 variants, and uint8 never beats float by more than rounding', () => {
  assert.equal(Object.keys(PUBLISHED_ACCURACY).length, 16);
  for (const [v, a] of Object.entries(PUBLISHED_ACCURACY)) assert.ok(a.uint8.top1 <= a.float.top1 && a.float.top1 - a.uint8.top1 < 3, v);
  assert.deepEqual(
    [
      PUBLISHED_ACCURACY['0.25_224'].float.top1,
      PUBLISHED_ACCURACY['0.25_224'].uint8.top1,
      PUBLISHED_ACCURACY['0.25_128'].uint8.top1,
      PUBLISHED_ACCURACY['0.75_224'].uint8.top1,
    ],
    [49.8, 48.2, 39.9, 67.9],
  );
});
