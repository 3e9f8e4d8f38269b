/**
 * Expand a configuration into jobs: targets × implementations × variants × precisions,
 * with stable ids (`node/tfjs-wasm/0.5_160`), impossible pairs kept aside with the
 * reason, and an order chosen so that drift does not line up with one variant.
 */
import { mobilenetV1, variantName } from '../models/spec.ts';
import { findWeightsFiles, officialFileNames, type WeightsFile } from '../models/weights/mirror.ts';
import type { Precision } from '../models/weights/canonical.ts';
import { implementationLabel, type Config, type Implementation, type Sampling, type Target } from './config.ts';
import { mulberry32 } from './stats.ts';

/** Which weights a job loads. */
export type WeightsRef =
  | { kind: 'synthetic'; seed: number }
  | ({ kind: 'file' } & WeightsFile);

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
  analytic: { macs: number; params: number };
}

/** A job that cannot run, with the reason; it is still written to the results. */
export interface SkippedJob extends Omit<Job, 'weights'> {
  weights: WeightsRef | null;
  reason: string;
}

export interface Plan {
  jobs: Job[];
  skipped: SkippedJob[];
  orderSeed: number;
}

/** What each target type can run (tfjs webgl/webgpu and ORT webgl/webgpu need a browser). */
const SUPPORTED: Record<Target['type'], (i: Implementation) => string | null> = {
  node: (i) =>
    i.backend === 'webgl' || i.backend === 'webgpu'
      ? `${i.impl}:${i.backend} needs a browser; Node has no ${i.backend === 'webgl' ? 'WebGL' : 'WebGPU'} (use a browser target)`
      : null,
};

/** Mirror folder from the config or MOBILENET_BENCH_MIRROR. */
export function mirrorDir(config: Config): string | undefined {
  return (config.weights.source === 'official' ? config.weights.mirror : undefined) ?? process.env.MOBILENET_BENCH_MIRROR;
}

const precisionOf = (p: 'float32' | 'uint8'): Precision => (p === 'uint8' ? 'uint8-dequantized' : 'float32');

/** Weights for one variant and precision, or why there are none. */
function resolveWeights(config: Config, alpha: number, resolution: number, precision: Precision): WeightsRef | string {
  if (config.weights.source === 'synthetic') {
    return precision === 'float32'
      ? { kind: 'synthetic', seed: config.weights.seed }
      : 'synthetic weights are float32 only (use weights.source "official" for uint8 models)';
  }
  const dir = mirrorDir(config);
  if (!dir) return 'weights.source is "official" but no mirror folder is set (weights.mirror or MOBILENET_BENCH_MIRROR)';
  const found = findWeightsFiles(dir, { alpha, resolution }, precision);
  if (found.length === 0) {
    const expected = officialFileNames({ alpha, resolution }, precision).map((f) => f.relative).join(' or ');
    return `weights not available: no ${expected} in ${dir}`;
  }
  return { kind: 'file', ...found[0] };
}

/** Keras/tfjs Layers models have 1000 classes; TF-slim, TFLite and our synthetic ones 1001. */
function classesOf(weights: WeightsRef | string): 1000 | 1001 {
  return typeof weights === 'object' && weights.kind === 'file' && weights.format === 'tfjs-layers' ? 1000 : 1001;
}

/** Stable job id: `<target>/<impl>[-<backend>][-t<threads>]/<α>_<res>[-uint8]`. */
export function jobId(target: string, impl: Implementation, alpha: number, resolution: number, precision: Precision): string {
  return `${target}/${implementationLabel(impl)}/${variantName({ alpha, resolution })}${precision === 'uint8-dequantized' ? '-uint8' : ''}`;
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
          const precision = precisionOf(p);
          const weights = resolveWeights(config, alpha, resolution, precision);
          for (const implementation of config.implementations) {
            const net = mobilenetV1(alpha, resolution, classesOf(weights));
            const base = {
              id: jobId(target.name, implementation, alpha, resolution, precision),
              target, implementation, alpha, resolution, precision,
              sampling: config.sampling, accuracy: config.accuracy,
              timeoutMs: (target.type === 'node' ? target.jobTimeoutMs : undefined) ?? config.jobTimeoutMs,
              analytic: { macs: net.macs, params: net.params },
            };
            const unsupported = SUPPORTED[target.type](implementation);
            if (unsupported) skipped.push({ ...base, weights: typeof weights === 'string' ? null : weights, reason: unsupported });
            else if (typeof weights === 'string') skipped.push({ ...base, weights: null, reason: weights });
            else jobs.push({ ...base, weights });
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  for (const j of [...jobs, ...skipped]) {
    if (seen.has(j.id)) throw new Error(`two jobs share the id ${j.id}: remove the duplicate from targets or implementations`);
    seen.add(j.id);
  }
  return { jobs: orderJobs(jobs, config.order.mode, config.order.seed), skipped, orderSeed: config.order.seed };
}

/** interleaved: as expanded (variant-major); grouped: implementation-major; shuffled: seeded Fisher–Yates. */
export function orderJobs(jobs: Job[], mode: Config['order']['mode'], seed: number): Job[] {
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
