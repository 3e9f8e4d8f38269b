/**
 * Expand a configuration into jobs: targets × implementations × variants × precisions,
 * with stable ids (`node/tfjs-wasm/0.5_160`), impossible pairs kept aside with the
 * reason, and an order chosen so that drift does not line up with one variant.
 */
import { mobilenetV1, variantName } from '../models/spec.ts';
import { runtimeOf, unsupportedOn } from '../models/registry.ts';
import { findWeightsFiles, mirrorWeightsDir, officialFileNames, type WeightsFile } from '../models/weights/mirror.ts';
import type { Precision } from '../models/weights/canonical.ts';
import { ConfigError } from '../contract/config-error.ts';
import { implementationLabel, type Implementation } from './config/implementations.ts';
import type { Config, Normalization, Sampling, Target } from './config/schema.ts';
import { defaultModelName, inspectModelFile } from '../models/weights/inspect.ts';
import { readLabelsFile } from './eval-set.ts';
import { mulberry32 } from '../contract/stats/describe.ts';
import { browserUnsupported } from './browsers.ts';
import { defaultWeightsCache } from '../models/weights/fetch.ts';
import { DEFAULT_PROFILE_INFERENCES } from './probe/profile.ts';
import type { CeilingsRequest } from './probe/ceilings/measure-ceilings.ts';
import { networkBytes } from '../models/traffic.ts';

/** Which weights a job loads. */
export type WeightsRef =
  /** `unavailable`: official weights were asked for but not found; synthetic ones stand in for latency only. */
  { kind: 'synthetic'; seed: number; unavailable?: string } | ({ kind: 'file' } & WeightsFile);

/** Everything a probe needs to run one job; plain data so it crosses process and page boundaries. */
export interface Job {
  id: string;
  target: Target;
  implementation: Implementation;
  alpha: number;
  resolution: number;
  precision: Precision;
  weights: WeightsRef;
  sampling: Sampling;
  accuracy: Config['accuracy'];
  timeoutMs: number;
  /** Analytic cost: MACs, parameters, and the bytes the layers must move at the job's precision (models/traffic.ts). */
  analytic: { macs: number; params: number; bytes?: number };
  /** Profile the job after its timed samples (absent: no profiling pass). */
  profile?: { inferences: number };
  /** A user's own model (config `models`, `--model`): absent for the official variants. */
  model?: JobModel;
  /** Not a network: measure the target's ceilings (harness/ceilings-job.ts); the result carries them in `ceilings`. */
  ceilings?: CeilingsRequest;
}

/** A user's model as a job carries it. */
export interface JobModel {
  name: string;
  file: string;
  classes: number;
  /** The labels file, one class name a line in head order. */
  labels?: string;
  normalization: Normalization;
  crop?: number;
}

/** A job that cannot run, with the reason; it is still written to the results. */
export interface SkippedJob extends Omit<Job, 'weights'> {
  weights: WeightsRef | null;
  reason: string;
  /** A user's model refused at plan time (not MobileNet V1, labels that do not fit): written as a failed job, not a skipped one, so the run exits 1 and reports show it as a failure. */
  refused?: true;
}

export interface Plan {
  jobs: Job[];
  skipped: SkippedJob[];
  orderSeed: number;
}

/** What each target type can run (tfjs webgl/webgpu and ORT webgl/webgpu need a browser). */
const nodeUnsupported = (i: Implementation): string | null =>
  i.backend === 'webgl' || i.backend === 'webgpu'
    ? `${i.impl}:${i.backend} needs a browser; Node has no ${i.backend === 'webgl' ? 'WebGL' : 'WebGPU'} (use a browser target)`
    : null;
const SUPPORTED: { [T in Target['type']]: (i: Implementation, t: Extract<Target, { type: T }>) => string | null } = {
  node: (i) => unsupportedOn('node', i.impl) ?? nodeUnsupported(i),
  // A board runs its Node, or with `browser: 'chromium'` its Chromium.
  ssh: (i, t) => (t.browser === 'chromium' ? browserUnsupported('chromium', i) : (unsupportedOn('board', i.impl) ?? nodeUnsupported(i))),
  chromium: (i) => browserUnsupported('chromium', i),
  firefox: (i) => browserUnsupported('firefox', i),
  webkit: (i) => browserUnsupported('webkit', i),
  // Phones' Chrome and Safari: what a page can run is checked in the page (a missing WebGPU is a skip there).
  appium: (i) => browserUnsupported('chromium', i),
  // A remote browser by URL: what its page can run is checked in the page.
  webdriver: (i) => browserUnsupported('chromium', i),
};

/** A runtime that runs the official .tflite file as it ships (registry `reads: 'tflite'`, LiteRT.js) needs that file, and uint8 on its integer kernels. */
function fileRuntimeUnsupported(i: Implementation, asked: Config['precision'][number], weights: WeightsRef | null): string | null {
  const runtime = runtimeOf(i.impl);
  if (runtime.reads !== 'tflite') return null;
  if (asked === 'uint8-dequantized') return `${runtime.title} runs the .tflite file as it ships: a uint8 file on its integer kernels only (ask for uint8)`;
  if (weights && !(weights.kind === 'file' && weights.format === 'tflite')) {
    return `${runtime.title} runs .tflite files only; these weights are ${weights.kind === 'file' ? `a ${weights.format} model` : 'synthetic'}`;
  }
  return null;
}

/**
 * What a precision asked for means for an implementation: `uint8` runs on integer kernels where the
 * runtime has them (reference, ORT) and dequantized where it has not (tfjs); `uint8-dequantized`
 * always runs float kernels on the dequantized uint8 weights.
 */
function precisionOf(p: Config['precision'][number], impl: Implementation): Precision {
  if (p === 'uint8') return runtimeOf(impl.impl).integerKernels ? 'uint8' : 'uint8-dequantized';
  return p;
}

/** Id suffix of an asked precision: `-uint8` for uint8 (integer kernels, or tfjs dequantized), `-uint8-dequantized`. */
const PRECISION_SUFFIX: Record<Config['precision'][number], string> = { float32: '', uint8: '-uint8', 'uint8-dequantized': '-uint8-dequantized' };

/**
 * Folders searched for official files: the mirror, then the `models fetch` cache. The mirror is the
 * config's alone: MOBILENET_BENCH_MIRROR reaches it through the overrides (config/overrides.ts), so
 * run.json records it and a resume plans the same without the variable.
 */
export function weightsFolders(config: Config): string[] {
  if (config.weights.source !== 'official') return [];
  const mirror = config.weights.mirror;
  return [mirror && mirrorWeightsDir(mirror), config.weights.cacheDir ?? defaultWeightsCache()].filter((d): d is string => Boolean(d));
}

/**
 * Weights for one variant and precision: every official file found (a variant may have
 * two float trainings, Keras/tfjs and TF-slim/TFLite: each becomes its own row), or
 * synthetic weights for float32 when none is found (latency stays meaningful, accuracy is
 * marked unavailable), or the reason a uint8 job cannot run.
 */
function resolveWeights(config: Config, alpha: number, resolution: number, precision: Precision): WeightsRef[] | string {
  if (config.weights.source === 'synthetic') {
    return precision === 'float32'
      ? [{ kind: 'synthetic', seed: config.weights.seed }]
      : 'synthetic weights are float32 only (use weights.source "official" for uint8 models)';
  }
  const folders = weightsFolders(config);
  for (const dir of folders) {
    const found = findWeightsFiles(dir, { alpha, resolution }, precision);
    if (found.length) return found.map((f) => ({ kind: 'file', ...f }));
  }
  const expected = officialFileNames({ alpha, resolution }, precision)
    .map((f) => f.relative)
    .join(' or ');
  const why = `weights not available: no ${expected} in ${folders.join(' or ') || 'any folder'} (run \`mobilenet-bench models fetch\`, or set weights.mirror / MOBILENET_BENCH_MIRROR)`;
  return precision === 'float32' && config.weights.fallback === 'synthetic' ? [{ kind: 'synthetic', seed: 0, unavailable: why }] : why;
}

/** Keras/tfjs Layers models have 1000 classes; TF-slim, TFLite and our synthetic ones 1001. */
function classesOf(weights: WeightsRef | null): 1000 | 1001 {
  return weights?.kind === 'file' && weights.format === 'tfjs-layers' ? 1000 : 1001;
}

/** Tag of a second set of weights for the same variant and precision, so its rows stay apart. */
const WEIGHTS_TAG = { 'tfjs-layers': 'keras', tflite: 'tflite', onnx: 'onnx' } as const;

/**
 * Stable job id: `<target>/<impl>[-<backend>][-t<threads>]/<α>_<res>[-uint8][-<weights tag>]`.
 * The tag appears only on the second weights file of a variant (e.g. `0.25_224-tflite`).
 */
export function jobId(
  target: string,
  impl: Implementation,
  alpha: number,
  resolution: number,
  asked: Config['precision'][number],
  weightsTag?: string,
): string {
  const variant = variantName({ alpha, resolution });
  return `${target}/${implementationLabel(impl)}/${variant}${PRECISION_SUFFIX[asked]}${weightsTag ? `-${weightsTag}` : ''}`;
}

/** The profiling pass a config asks for, as a Job field. */
function profileOf(config: Config): Pick<Job, 'profile'> {
  if (config.profile === false) return {};
  return { profile: { inferences: config.profile === true ? DEFAULT_PROFILE_INFERENCES : config.profile.inferences } };
}

/** Expand and order the matrix. */
export function planJobs(config: Config): Plan {
  const jobs: Job[] = [];
  const skipped: SkippedJob[] = [];
  // Variant-major ("interleaved"): all implementations of a variant run back to back, so slow drift
  // over the run affects every implementation alike instead of lining up with one of them.
  for (const target of config.targets) {
    for (const alpha of config.variants.alpha) {
      for (const resolution of config.variants.resolution) {
        for (const p of config.precision) {
          const resolved = resolveWeights(config, alpha, resolution, p === 'float32' ? 'float32' : 'uint8-dequantized');
          const choices: Array<WeightsRef | null> = typeof resolved === 'string' ? [null] : resolved;
          for (const [w, weights] of choices.entries()) {
            const tag = w > 0 && weights?.kind === 'file' ? WEIGHTS_TAG[weights.format] : undefined;
            for (const implementation of ('implementations' in target ? target.implementations : undefined) ?? config.implementations) {
              const precision = precisionOf(p, implementation);
              // tfjs has no integer kernels: its uint8 row is the dequantized one, so asking both runs it once.
              if (p === 'uint8' && precision === 'uint8-dequantized' && config.precision.includes('uint8-dequantized')) continue;
              const net = mobilenetV1(alpha, resolution, classesOf(weights));
              const base = {
                id: jobId(target.name, implementation, alpha, resolution, p, tag),
                target,
                implementation,
                alpha,
                resolution,
                precision,
                sampling: config.sampling,
                accuracy: config.accuracy,
                timeoutMs: target.jobTimeoutMs ?? config.jobTimeoutMs,
                analytic: { macs: net.macs, params: net.params, bytes: networkBytes(net, precision) },
                ...profileOf(config),
              };
              const unsupported =
                (SUPPORTED[target.type] as (i: Implementation, t: Target) => string | null)(implementation, target) ??
                fileRuntimeUnsupported(implementation, p, weights);
              if (unsupported) skipped.push({ ...base, weights, reason: unsupported });
              else if (weights === null) skipped.push({ ...base, weights, reason: resolved as string });
              else jobs.push({ ...base, weights });
            }
          }
        }
      }
    }
  }
  for (const target of config.targets) planUserModels(config, target, jobs, skipped);
  const seen = new Set<string>();
  for (const j of [...jobs, ...skipped]) {
    if (seen.has(j.id))
      throw new ConfigError(`two jobs share the id ${j.id}: remove the duplicate from targets, implementations or variants (each job id is written once)`);
    seen.add(j.id);
  }
  return { jobs: orderJobs(jobs, config.order.mode, config.order.seed), skipped, orderSeed: config.order.seed };
}

/**
 * The user's models on one target: α, resolution, classes and precision are read from each file;
 * a file that is not MobileNet V1, or whose labels do not fit its head, is refused by name (a failed
 * job per implementation, `refused`) while the other models and the official variants run.
 */
function planUserModels(config: Config, target: Target, jobs: Job[], skipped: SkippedJob[]): void {
  const impls = ('implementations' in target ? target.implementations : undefined) ?? config.implementations;
  for (const m of config.models) {
    const name = m.name ?? defaultModelName(m.file);
    let info: ReturnType<typeof inspectModelFile> | null = null;
    let refusal: string | null = null;
    try {
      info = inspectModelFile(m.file);
      if (m.labels) {
        const labels = readLabelsFile(m.labels);
        if (labels.length !== info.classes)
          refusal = `labels file ${m.labels} has ${labels.length} class names, the model's head has ${info.classes} outputs: give one name a line for each output, in the head's order`;
      }
    } catch (e) {
      refusal = (e as Error).message;
    }
    const asked = m.precision ?? (info?.precision === 'uint8-dequantized' && info.format === 'tflite' ? 'uint8' : (info?.precision ?? 'float32'));
    for (const implementation of impls) {
      const alpha = info?.alpha ?? 0;
      const resolution = info?.resolution ?? 0;
      const id = info
        ? `${target.name}/${implementationLabel(implementation)}/${name}_${variantName({ alpha, resolution })}${PRECISION_SUFFIX[asked]}`
        : `${target.name}/${implementationLabel(implementation)}/${name}`;
      const precision = precisionOf(asked, implementation);
      const net = info ? mobilenetV1(alpha, resolution, info.classes) : null;
      const weights: WeightsRef | null = info ? { kind: 'file', format: info.format, path: info.path, precision: info.precision } : null;
      const model: JobModel = {
        name,
        file: m.file,
        classes: info?.classes ?? 0,
        normalization: m.normalization,
        ...(m.labels ? { labels: m.labels } : {}),
        ...(m.crop !== undefined ? { crop: m.crop } : {}),
      };
      const base = {
        id,
        target,
        implementation,
        alpha: info ? alpha : 1,
        resolution: info ? resolution : 224,
        precision,
        sampling: config.sampling,
        accuracy: config.accuracy,
        timeoutMs: target.jobTimeoutMs ?? config.jobTimeoutMs,
        analytic: { macs: net?.macs ?? 0, params: net?.params ?? 0, ...(net ? { bytes: networkBytes(net, precision) } : {}) },
        ...profileOf(config),
        model,
      };
      const unsupported = refusal
        ? `refused: ${refusal}`
        : ((SUPPORTED[target.type] as (i: Implementation, t: Target) => string | null)(implementation, target) ??
          fileRuntimeUnsupported(implementation, asked, weights) ??
          (asked !== 'float32' && info?.precision === 'float32' ? `${name} is a float32 model; ${asked} needs a uint8 .tflite file` : null));
      if (refusal) skipped.push({ ...base, weights, reason: `refused: ${refusal}`, refused: true });
      else if (unsupported || !weights) skipped.push({ ...base, weights, reason: unsupported ?? 'no weights' });
      else jobs.push({ ...base, weights });
    }
  }
}

/** interleaved: as expanded (variant-major); grouped: implementation-major; shuffled: seeded Fisher–Yates. */
function orderJobs(jobs: Job[], mode: Config['order']['mode'], seed: number): Job[] {
  if (mode === 'interleaved') return jobs;
  if (mode === 'grouped') {
    const key = (j: Job) => `${j.target.name}/${implementationLabel(j.implementation)}`;
    const groups = [...new Set(jobs.map(key))];
    return groups.flatMap((g) => jobs.filter((j) => key(j) === g));
  }
  const out = [...jobs];
  const random = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [out[i], out[k]] = [out[k], out[i]];
  }
  return out;
}
