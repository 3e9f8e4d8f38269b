/**
 * The probe's platform binding for Node: weights from local files, every runtime
 * that Node can run (models/loaders/node.ts), memory from node-memory.ts, and reference
 * logits cached on disk so that four implementations of one variant compute them once.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NODE_LOADERS } from '../../models/loaders/node.ts';
import { loadFactory } from '../../models/loaders/pick.ts';
import { runtimeOf } from '../../models/registry.ts';
import type { CanonicalWeights } from '../../models/weights/canonical.ts';
import { DEFAULT_CROP } from '../../models/preprocess.ts';
import type { Job, WeightsRef } from '../plan.ts';
import { loadEvalSet, readLabelsFile } from '../eval-set.ts';
import { classFolders, describeNormalization, isClassFolderSet, loadClassFolderSet, renormalize } from '../eval-class-folders.ts';
import { cacheDir } from '../cache.ts';
import type { EvalInputs } from './accuracy.ts';
import type { ProbeEnvironment } from './probe.ts';
import { syntheticInput } from './probe.ts';
import { readMemoryInNode } from './node-memory.ts';
import type { RequantizationMode } from '../../models/reference/quantized/fixed-point.ts';
import { nodeCeilingsPlatform } from './ceilings/node-platform.ts';

/** Synthetic inputs used for agreement when no eval set is configured. */
const SYNTHETIC_AGREEMENT_INPUTS = 4;

/** Load canonical weights for a job in Node. */
export async function loadWeightsInNode(ref: WeightsRef, job: Pick<Job, 'alpha' | 'resolution'> & Partial<Pick<Job, 'precision'>>): Promise<CanonicalWeights> {
  if (ref.kind === 'synthetic') {
    const { syntheticWeights } = await import('../../models/weights/synthetic.ts');
    return syntheticWeights(job.alpha, job.resolution, { seed: ref.seed });
  }
  const { loadWeightsFile } = await import('../../models/weights/load.ts');
  const weights = await loadWeightsFile(ref.path);
  // A file under the wrong name (α 0.5 weights as α 0.25) must fail the job, not be recorded as the other variant.
  const { checkWeightsFitVariant } = await import('../../models/weights/canonical.ts');
  checkWeightsFitVariant(weights, job, ref.path);
  // uint8 jobs run the file's integer form on integer kernels; others its float (dequantized) tensors.
  if ('precision' in job && job.precision === 'uint8') {
    const { asIntegerWeights } = await import('../../models/weights/canonical.ts');
    return asIntegerWeights(weights);
  }
  return weights;
}

/** Identity of a set of weights, for cache keys. */
function weightsKey(w: CanonicalWeights): string {
  const src = w.source.kind === 'synthetic' ? `synthetic:${w.source.seed}` : `${w.source.kind}:${w.source.sha256}`;
  return `${src}:${w.alpha}:${w.resolution}:${w.classes}:${w.precision}`;
}

/** Cache file of the reference logits for these weights and inputs. */
function referenceCacheFile(weights: CanonicalWeights, inputsKey: string): string {
  const key = createHash('sha256')
    .update(`${weightsKey(weights)}|${inputsKey}`)
    .digest('hex')
    .slice(0, 32);
  return join(cacheDir(), 'reference-logits', `${key}.f32`);
}

function saveLogits(file: string, classes: number, logits: Float32Array[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const joined = new Float32Array(logits.length * classes);
  logits.forEach((l, i) => joined.set(l, i * classes));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, new Uint8Array(joined.buffer));
  renameSync(tmp, file);
}

/** Reference logits for the inputs, from the disk cache or computed once (and cached). */
async function referenceLogits(
  weights: CanonicalWeights,
  inputsKey: string,
  tensors: Float32Array[],
  softmaxOutputs = false,
  requantization: RequantizationMode = 'gemmlowp',
): Promise<Float32Array[]> {
  const file = referenceCacheFile(weights, requantization === 'gemmlowp' ? inputsKey : `${inputsKey}:${requantization}`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (all.length === tensors.length * weights.classes) {
      return tensors.map((_, i) => all.slice(i * weights.classes, (i + 1) * weights.classes));
    }
  }
  // The integer reference for uint8 (integer-kernel) jobs, the float one otherwise.
  const { referenceNetworkFor } = await import('../../models/reference/index.ts');
  const net = referenceNetworkFor(weights, requantization);
  const out = tensors.map((t) => (softmaxOutputs ? referenceProbabilities(net, t) : net.infer(t).slice()));
  saveLogits(file, weights.classes, out);
  return out;
}

/** The reference's softmax output: the integer network's uint8 softmax dequantized, or the float softmax of the logits. */
function referenceProbabilities(net: { infer(x: Float32Array): Float32Array }, x: Float32Array): Float32Array {
  if ('inferProbabilities' in net) return (net as { inferProbabilities(x: Float32Array): Float32Array }).inferProbabilities(x);
  const logits = net.infer(x);
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  return logits.map((v) => Math.exp(v - max) / sum);
}

/** Eval inputs for a job: labelled images from the configured set, else seeded synthetic tensors (agreement only). */
export async function evalInputsInNode(job: Job, weights: CanonicalWeights): Promise<EvalInputs> {
  let tensors: Float32Array[];
  let labels: Array<number | null>;
  let inputsKey: string;
  let note: string | undefined;
  let crop: number | undefined;
  let classNames: string[] | undefined;
  let preprocessing: string | undefined;
  if (job.accuracy.evalSet && isClassFolderSet(job.accuracy.evalSet)) {
    // A user's folder-per-class set: labelled through the model's labels file, by class name.
    crop = job.model?.crop ?? job.accuracy.crop ?? DEFAULT_CROP;
    const names = job.model?.labels ? readLabelsFile(job.model.labels) : null;
    const set = names
      ? loadClassFolderSet(job.accuracy.evalSet, names, {
          resolution: job.resolution,
          samples: job.accuracy.samples ?? Number.POSITIVE_INFINITY,
          seed: job.accuracy.seed,
          cacheDir: cacheDir(),
          crop,
          labelsFile: job.model?.labels,
        })
      : null;
    const dummy = names ?? classFolders(job.accuracy.evalSet);
    const prepared =
      set ??
      loadClassFolderSet(job.accuracy.evalSet, dummy, {
        resolution: job.resolution,
        samples: job.accuracy.samples ?? Number.POSITIVE_INFINITY,
        seed: job.accuracy.seed,
        cacheDir: cacheDir(),
        crop,
      });
    tensors = prepared.tensors;
    labels = set ? set.labels : prepared.labels.map(() => null);
    inputsKey = prepared.key;
    note =
      [
        prepared.note,
        set
          ? undefined
          : `eval set ${job.accuracy.evalSet} is labelled by class-folder names and this model has no labels file naming them: top-1/top-5 not reported (agreement only)`,
      ]
        .filter(Boolean)
        .join('; ') || undefined;
    if (names) classNames = names;
  } else if (job.accuracy.evalSet) {
    const set = await loadEvalSet(job.accuracy.evalSet, {
      resolution: job.resolution,
      classes: weights.classes,
      samples: job.accuracy.samples ?? Number.POSITIVE_INFINITY,
      seed: job.accuracy.seed,
      cacheDir: cacheDir(),
      crop: job.accuracy.crop ?? DEFAULT_CROP,
    });
    crop = job.accuracy.crop ?? DEFAULT_CROP;
    tensors = set.tensors;
    labels = set.labels;
    inputsKey = set.key;
    note = set.note;
  } else {
    const n = Math.min(job.accuracy.samples ?? SYNTHETIC_AGREEMENT_INPUTS, SYNTHETIC_AGREEMENT_INPUTS);
    tensors = Array.from({ length: n }, (_, i) => syntheticInput(job.resolution, 1000 + i));
    labels = tensors.map(() => null);
    inputsKey = `synthetic:${job.resolution}:${n}`;
    note = 'no eval set configured: agreement with the reference on seeded synthetic inputs only';
  }
  if (job.model) {
    tensors = renormalize(tensors, job.model.normalization);
    preprocessing = `${describeNormalization(job.model.normalization)}${crop !== undefined ? `, central crop ${crop}` : ''}`;
    if (job.model.normalization !== 'minus1to1') inputsKey += `:norm:${JSON.stringify(job.model.normalization)}`;
  }
  const extra = { ...(classNames ? { classNames } : {}), ...(preprocessing ? { preprocessing } : {}) };
  if (job.weights.kind === 'synthetic') {
    const why = job.weights.unavailable ?? 'synthetic weights: top-1/top-5 are meaningless and not reported';
    note = job.weights.unavailable ? why : `${note ? `${note}; ` : ''}${why}`;
    labels = labels.map(() => null);
  }
  // Agreement uses the first referenceSamples inputs: the reference is slow by design.
  const k = Math.min(tensors.length, job.accuracy.referenceSamples);
  const refKey = `${inputsKey}:first${k}`;
  if (job.implementation.impl === 'reference') {
    const file = referenceCacheFile(weights, refKey);
    return {
      tensors,
      labels,
      referenceLogits: null,
      ...extra,
      ...(note ? { note } : {}),
      ...(crop !== undefined ? { crop } : {}),
      rememberReferenceLogits: (l) => saveLogits(file, weights.classes, l.slice(0, k)),
    };
  }
  // uint8 on integer kernels: ORT (MLAS) and LiteRT.js (XNNPACK) requantize in float32, rounding
  // once; they are compared with the integer reference in that arithmetic, so any difference is a
  // real one (TFLite's gemmlowp fixed point, the reference job's own, rounds twice; see docs/uint8.md, "Two roundings").
  const requantization: RequantizationMode = weights.precision === 'uint8' ? 'fp32' : 'gemmlowp';
  const whys: string[] = [];
  if (weights.precision === 'uint8') whys.push('agreement with the integer reference in fp32 requantization (as MLAS and XNNPACK round)');
  // LiteRT.js returns the file's own output, the softmax: it is compared with the reference's softmax
  // (the integer reference's uint8 softmax for uint8 files), so max |Δ| is in probability units there.
  const softmax = runtimeOf(job.implementation.impl).output === 'softmax';
  if (softmax) whys.push(`on softmax outputs (${runtimeOf(job.implementation.impl).title} returns the file's softmax): max |Δ| is in probability units`);
  const why = [note, ...whys].filter(Boolean).join('; ');
  const key = `${refKey}${softmax ? ':softmax' : ''}`;
  return {
    tensors,
    labels,
    ...extra,
    referenceLogits: await referenceLogits(weights, key, tensors.slice(0, k), softmax, requantization),
    ...(why ? { note: why } : {}),
    ...(crop !== undefined ? { crop } : {}),
  };
}

/** The Node environment for runProbe. */
export function nodeProbeEnvironment(): ProbeEnvironment {
  return {
    loadWeights: loadWeightsInNode,
    createModel: async (impl, weights) =>
      (await loadFactory('node', NODE_LOADERS, impl.impl))(weights, { backend: impl.backend, ...(impl.threads !== null ? { threads: impl.threads } : {}) }),
    readMemory: readMemoryInNode,
    evalInputs: evalInputsInNode,
    crossOriginIsolated: null,
    now: () => performance.now(),
    ceilingsPlatform: () => nodeCeilingsPlatform('node'),
  };
}
