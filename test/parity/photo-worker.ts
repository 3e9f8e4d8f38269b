/**
 * One worker of test/parity/photos.test.ts: decodes its share of the photos once, preprocesses
 * each at the resolutions its models need (models/preprocess.ts, the standard eval path), and
 * runs the reference and the runtimes on the same tensors. Everything here is pure computation;
 * the test asserts on what comes back.
 *
 * Phase A: the models run on every photo, all loaded at once, one photo at a time (the decoded
 * image is dropped as soon as its tensors exist). Phase B: the models run on seeded subsets,
 * one model at a time, on tensors kept from phase A (so each photo is decoded exactly once).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeImage, cropResizeNormalize } from '../../models/preprocess.ts';
import { loadWeightsFile } from '../../models/weights/load.ts';
import { ReferenceNetwork } from '../../models/reference/index.ts';
import type { LoadedModel } from '../../models/runtime.ts';
import type { CanonicalWeights } from '../../models/weights/canonical.ts';
import { RUNTIMES, argmax, compareLogits, type ParityRuntime, type Photo } from './helpers.ts';

/** One model to run, and on which photos. */
export interface WorkerModel {
  id: string;
  path: string;
  resolution: number;
  /** 'all': every photo of this worker; otherwise the indices (in the full list) of the photos to run. */
  photos: 'all' | number[];
  runtimes: Array<ParityRuntime['name']>;
}

export interface WorkerPhoto extends Photo {
  /** Index in the full list of photos. */
  index: number;
}

export interface WorkerInput {
  models: WorkerModel[];
  photos: WorkerPhoto[];
}

/** One photo through one runtime, compared with the reference. */
export interface PhotoRecord {
  index: number;
  top1: number;
  maxAbsDiff: number;
}

/** Everything one model produced in this worker. */
export interface ModelResult {
  id: string;
  classes: number;
  /** Reference outputs per photo: index, top-1, logit range, top-1/top-2 gap. */
  reference: Array<{ index: number; top1: number; range: number; top2Gap: number }>;
  runtimes: Record<string, PhotoRecord[]>;
  /** Milliseconds spent in the reference and in each runtime's run(). */
  ms: Record<string, number>;
}

export interface WorkerOutput {
  results: ModelResult[];
  /** Milliseconds spent decoding and resizing. */
  decodeMs: number;
  resizeMs: number;
  photos: number;
}

/** A model ready in every runtime it is compared in. */
interface Loaded {
  spec: WorkerModel;
  weights: CanonicalWeights;
  reference: ReferenceNetwork;
  models: Array<[name: string, model: LoadedModel]>;
  result: ModelResult;
}

async function load(spec: WorkerModel): Promise<Loaded> {
  const weights = await loadWeightsFile(spec.path);
  if (weights.resolution !== spec.resolution) throw new Error(`${spec.id}: resolution ${weights.resolution}, expected ${spec.resolution}`);
  const models: Loaded['models'] = [];
  for (const name of spec.runtimes) {
    const rt = RUNTIMES.find((r) => r.name === name)!;
    models.push([name, await rt.create(weights, rt.options)]);
  }
  return {
    spec,
    weights,
    reference: new ReferenceNetwork(weights),
    models,
    result: {
      id: spec.id,
      classes: weights.classes,
      reference: [],
      runtimes: Object.fromEntries(spec.runtimes.map((n) => [n, []])),
      ms: { reference: 0, ...Object.fromEntries(spec.runtimes.map((n) => [n, 0])) },
    },
  };
}

async function runOne(m: Loaded, index: number, input: Float32Array): Promise<void> {
  let t0 = performance.now();
  const expected = m.reference.infer(input);
  m.result.ms.reference += performance.now() - t0;
  const stats = compareLogits(expected, expected);
  m.result.reference.push({ index, top1: argmax(expected), range: stats.range, top2Gap: stats.top2Gap });
  for (const [name, model] of m.models) {
    t0 = performance.now();
    const got = await model.run(input);
    m.result.ms[name] += performance.now() - t0;
    if (got.length !== expected.length) throw new Error(`${m.spec.id} ${name}: ${got.length} logits, expected ${expected.length}`);
    m.result.runtimes[name].push({ index, top1: argmax(got), maxAbsDiff: compareLogits(expected, got).maxAbsDiff });
  }
}

async function dispose(m: Loaded): Promise<void> {
  for (const [, model] of m.models) await model.dispose();
}

async function main({ models, photos }: WorkerInput): Promise<WorkerOutput> {
  const phaseA = models.filter((m) => m.photos === 'all');
  const phaseB = models.filter((m) => m.photos !== 'all');
  const resA = [...new Set(phaseA.map((m) => m.resolution))];
  /** Photo index → resolutions phase B needs for it. */
  const resB = new Map<number, Set<number>>();
  for (const m of phaseB) {
    for (const i of m.photos as number[]) {
      if (!resB.has(i)) resB.set(i, new Set());
      resB.get(i)!.add(m.resolution);
    }
  }
  const kept = new Map<number, Map<number, Float32Array>>();
  let decodeMs = 0;
  let resizeMs = 0;
  const results: ModelResult[] = [];

  const loadedA: Loaded[] = [];
  for (const m of phaseA) loadedA.push(await load(m));
  for (const photo of photos) {
    let t0 = performance.now();
    const img = decodeImage(readFileSync(photo.file), basename(photo.file));
    decodeMs += performance.now() - t0;
    t0 = performance.now();
    const tensors = new Map<number, Float32Array>();
    const forB = resB.get(photo.index) ?? new Set<number>();
    for (const r of new Set([...resA, ...forB])) tensors.set(r, cropResizeNormalize(img, r));
    resizeMs += performance.now() - t0;
    for (const m of loadedA) await runOne(m, photo.index, tensors.get(m.spec.resolution)!);
    if (forB.size) kept.set(photo.index, new Map([...forB].map((r) => [r, tensors.get(r)!])));
  }
  for (const m of loadedA) {
    await dispose(m);
    results.push(m.result);
  }
  for (const spec of phaseB) {
    const m = await load(spec);
    for (const index of spec.photos as number[]) {
      const tensors = kept.get(index);
      if (!tensors) throw new Error(`${spec.id}: photo ${index} is not one of this worker's`);
      await runOne(m, index, tensors.get(spec.resolution)!);
    }
    await dispose(m);
    results.push(m.result);
  }
  return { results, decodeMs, resizeMs, photos: photos.length };
}

if (parentPort) {
  main(workerData as WorkerInput).then(
    (out) => parentPort!.postMessage({ ok: true, out }),
    (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? `${e.stack ?? e.message}` : String(e) }),
  );
}
