/**
 * The 1000 real photos (issue 2, item 6): on the official weights, the reference and the
 * runtimes see the same preprocessed tensors (models/preprocess.ts, decoded once per photo,
 * resized once per resolution), and tfjs and ONNX Runtime pick the reference's top-1 on at
 * least 99.5 % of them. 99.5 % and not 100 %: a real photo can be a genuine near tie, where
 * float32 rounding (≤ ~1e-5 of the logit range, see helpers.ts) may legitimately flip the
 * top-1. Every logit must also stay within the parity bound of helpers.ts.
 *
 * What runs, chosen to fit CI time on 2 cores (measured numbers in the diagnostics):
 * - FULL: all 1000 photos through three models covering the three loaders (float TFLite,
 *   tfjs Layers with 1000 classes, uint8 TFLite dequantized), tfjs-wasm and ORT-node (and
 *   ORT-web on one of them) compared with the reference.
 * - SUBSET_PHOTOS: the other twelve official models on seeded subsets of the photos.
 * tfjs-cpu is left out here (~0.4 s a pass; real-weights.test.ts covers it).
 * Top-1 accuracy against the labels (1001-class models: label + 1) is printed for information;
 * the only accuracy assertion is a loose floor on the FULL models, catching a class offset or
 * a broken preprocessing (published top-1 of these models: 39.9 % to 49.8 %; ~0.1 % when broken).
 *
 * The work is split over worker threads (one per core, at most MAX_WORKERS), each owning an
 * interleaved share of the photos, so decoding and the reference run in parallel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { skipWithoutSharedData } from '../helpers/data.ts';
import { PARITY_REL_TOL, listPhotos, listRealModels, parityBound, seededSubset, type ParityRuntime } from './helpers.ts';
import type { ModelResult, PhotoRecord, WorkerInput, WorkerModel, WorkerOutput } from './photo-worker.ts';

const skip = skipWithoutSharedData();

/**
 * Models run on all 1000 photos, and the runtimes compared there. ORT-web (~2× ORT-node's CPU
 * time in Node) runs the 1000 photos on the cheap 0.25_128 model only, to fit the time budget;
 * it meets the other models on the subsets below and in real-weights.test.ts.
 */
const FULL: Record<string, Array<ParityRuntime['name']>> = {
  'tflite/mobilenet_v1_0.25_224.tflite': ['tfjs-wasm', 'ort-node'],
  'tfjs/mobilenet_v1_0.25_224': ['tfjs-wasm', 'ort-node'],
  'tflite/mobilenet_v1_0.25_128_quant.tflite': ['tfjs-wasm', 'ort-node', 'ort-web'],
};
/**
 * Every other official model: a seeded subset of the photos (nested: the 20 are among the 100),
 * sized by cost: the reference takes ~0.1 s a photo for all three other α 0.25 models together
 * and ~1.3 s for the nine α 0.5/0.75 ones.
 */
const SUBSET_PHOTOS: Record<number, number> = { 0.25: 100, 0.5: 20, 0.75: 20, 1: 20 };
const SUBSET_SEED = 1;
const SUBSET_RUNTIMES: Array<ParityRuntime['name']> = ['tfjs-wasm', 'ort-node', 'ort-web'];
/** Required share of photos where a runtime's top-1 is the reference's. */
const MIN_AGREEMENT = 0.995;
/** Loose floor on the FULL models' reference top-1 accuracy (see the header). */
const MIN_ACCURACY = 0.25;
const MAX_WORKERS = 4;

/** Start a worker running photo-worker.ts under tsx (a worker does not inherit --import hooks in Node 20). */
function runWorker(input: WorkerInput, started: Worker[]): Promise<WorkerOutput> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./photo-worker.ts', import.meta.url).href;
  const src = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(src, { eval: true, workerData: input });
    started.push(worker);
    let settled = false;
    worker.on('message', (msg: { ok: true; out: WorkerOutput } | { ok: false; error: string }) => {
      settled = true;
      void worker.terminate();
      if (msg.ok) resolve(msg.out);
      else reject(new Error(`photo worker failed: ${msg.error}`));
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`photo worker exited with code ${code} before answering`));
    });
  });
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

test("1000 photos: tfjs and ONNX Runtime pick the reference's top-1 on ≥ 99.5 %", { skip }, async (t) => {
  const started = performance.now();
  const photos = listPhotos();
  assert.equal(photos.length, 1000, 'the labels tsv lists 1000 photos');
  const indices = photos.map((_, i) => i);
  const real = listRealModels();
  for (const id of Object.keys(FULL))
    assert.ok(
      real.some((m) => m.id === id),
      `${id} is in shared/data/weights`,
    );
  const models: WorkerModel[] = real.map((m) =>
    FULL[m.id]
      ? { id: m.id, path: m.path, resolution: m.resolution, photos: 'all', runtimes: FULL[m.id] }
      : {
          id: m.id,
          path: m.path,
          resolution: m.resolution,
          photos: seededSubset(indices, SUBSET_PHOTOS[m.alpha] ?? 20, SUBSET_SEED),
          runtimes: SUBSET_RUNTIMES,
        },
  );

  // Interleaved shares: worker w owns photos w, w + workers, … (and its part of every subset).
  const workers = Math.max(1, Math.min(availableParallelism(), MAX_WORKERS));
  const mine = (w: number) => (i: number) => i % workers === w;
  const running: Worker[] = [];
  const outputs = await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      runWorker(
        {
          photos: photos.map((p, index) => ({ ...p, index })).filter((p) => mine(w)(p.index)),
          models: models.map((m) => (m.photos === 'all' ? m : { ...m, photos: m.photos.filter(mine(w)) })),
        },
        running,
      ),
    ),
  ).catch(async (e: unknown) => {
    // One worker failed: stop the others rather than wait for them.
    await Promise.all(running.map((w) => w.terminate()));
    throw e;
  });
  const wallMs = performance.now() - started;

  // Merge the workers' shares per model.
  const merged = new Map<string, ModelResult>();
  for (const out of outputs) {
    for (const r of out.results) {
      const m = merged.get(r.id);
      if (!m) {
        merged.set(r.id, structuredClone(r));
        continue;
      }
      m.reference.push(...r.reference);
      for (const [name, recs] of Object.entries(r.runtimes)) m.runtimes[name].push(...recs);
      for (const [name, ms] of Object.entries(r.ms)) m.ms[name] += ms;
    }
  }
  const sum = (f: (o: WorkerOutput) => number) => outputs.reduce((s, o) => s + f(o), 0);
  t.diagnostic(
    `${workers} worker(s); wall ${(wallMs / 1000).toFixed(1)} s; decode ${(sum((o) => o.decodeMs) / 1000).toFixed(1)} s and resize ${(sum((o) => o.resizeMs) / 1000).toFixed(1)} s for ${sum((o) => o.photos)} photos (times: summed over the workers, each thread's own wall clock)`,
  );

  const referenceAccuracy = new Map<string, number>();
  for (const model of models) {
    const r = merged.get(model.id);
    const n = model.photos === 'all' ? photos.length : model.photos.length;
    await t.test(`${model.id} (${model.photos === 'all' ? 'all 1000 photos' : `${n} seeded photos`})`, () => {
      assert.ok(r, `${model.id}: no result`);
      assert.equal(r.reference.length, n, 'every photo went through the reference');
      const offset = r.classes === 1001 ? 1 : 0;
      const ref = new Map(r.reference.map((x) => [x.index, x]));
      const correct = (index: number, top1: number) => (top1 === photos[index].label1000 + offset ? 1 : 0);
      const refAcc = r.reference.reduce((s, x) => s + correct(x.index, x.top1), 0) / n;
      referenceAccuracy.set(model.id, refAcc);
      t.diagnostic(`${model.id}: reference top-1 accuracy ${pct(refAcc)} on ${n} photos; reference ${(r.ms.reference / 1000).toFixed(1)} s`);
      if (model.photos === 'all')
        assert.ok(refAcc >= MIN_ACCURACY, `${model.id}: reference top-1 accuracy ${pct(refAcc)} < ${pct(MIN_ACCURACY)}: class offset or preprocessing broken?`);
      for (const name of model.runtimes) {
        const recs: PhotoRecord[] = r.runtimes[name];
        assert.equal(recs.length, n, `${name}: every photo ran`);
        let agree = 0;
        let acc = 0;
        let maxAbs = 0;
        let maxRel = 0;
        const disagreements: string[] = [];
        const outside: string[] = [];
        for (const rec of recs) {
          const x = ref.get(rec.index)!;
          acc += correct(rec.index, rec.top1);
          maxAbs = Math.max(maxAbs, rec.maxAbsDiff);
          maxRel = Math.max(maxRel, rec.maxAbsDiff / Math.max(1, x.range));
          if (rec.top1 === x.top1) agree++;
          else disagreements.push(`${basename(photos[rec.index].file)} (ref ${x.top1}, ${name} ${rec.top1}, ref top-2 gap ${x.top2Gap.toExponential(2)})`);
          if (rec.maxAbsDiff > parityBound(x.range)) outside.push(`${basename(photos[rec.index].file)}: ${rec.maxAbsDiff} > ${parityBound(x.range)}`);
        }
        t.diagnostic(
          `${model.id} ${name}: top-1 agreement ${agree}/${n} (${pct(agree / n)}), max|Δlogit| ${maxAbs.toExponential(2)} (${maxRel.toExponential(2)} of range, bound ${PARITY_REL_TOL}), top-1 accuracy ${pct(acc / n)}; ${(r.ms[name] / 1000).toFixed(1)} s`,
        );
        if (disagreements.length) t.diagnostic(`${model.id} ${name}: disagreements: ${disagreements.join('; ')}`);
        assert.ok(
          agree / n >= MIN_AGREEMENT,
          `${model.id} ${name}: top-1 agreement ${agree}/${n} < ${pct(MIN_AGREEMENT)}: ${disagreements.slice(0, 10).join('; ')}`,
        );
        assert.deepEqual(outside, [], `${model.id} ${name}: logits outside the parity bound`);
      }
    });
  }

  // Issue 5: the two float 0.25-224 trainings (TF-slim/TFLite, 1001 classes; Keras/tfjs, 1000)
  // land within two points of each other on the same 1000 photos.
  await t.test('float 0.25-224: TFLite and Keras/tfjs trainings within two points of top-1', () => {
    const a = referenceAccuracy.get('tflite/mobilenet_v1_0.25_224.tflite')!;
    const b = referenceAccuracy.get('tfjs/mobilenet_v1_0.25_224')!;
    t.diagnostic(`top-1 on 1000 photos: TFLite ${pct(a)}, Keras/tfjs ${pct(b)}`);
    assert.ok(Math.abs(a - b) <= 0.02, `${pct(a)} vs ${pct(b)}`);
  });
});
