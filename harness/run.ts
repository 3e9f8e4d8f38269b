/**
 * A benchmark run: plan the jobs, hand each to its target's runner, append each result
 * as it finishes. Resumable: a run folder remembers its config and plan, so `--resume`
 * runs only the jobs that have no line yet.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, type as osType, release, arch } from 'node:os';
import { join } from 'node:path';
import { variantName } from '../models/spec.ts';
import { resolveConfig, type Config, type Target } from './config.ts';
import { planJobs, type Job, type Plan } from './plan.ts';
import { baseResult } from './probe/probe.ts';
import { SCHEMA_VERSION, type JobResult, type RunInfo } from './results.ts';
import { appendResult, readResults, readRunInfo, writeRunInfo } from './store.ts';
import { SINGLE_INSTANCE, type InstanceRef, type Runner } from '../runners/runner.ts';
import { withThermal, type Cooldown } from './thermal.ts';
import { warmEvalSetCache } from './eval-set.ts';
import { mergeRepeats } from './repeats.ts';
import { cacheDir } from './cache.ts';

/** Progress events for displays. */
export type RunEvent =
  | { type: 'start'; dir: string; total: number; done: number; resumed: boolean }
  | { type: 'preparing'; what: string }
  | { type: 'job-start'; job: Job; index: number; total: number }
  | { type: 'job-end'; result: JobResult; index: number; total: number }
  | { type: 'end'; dir: string; results: JobResult[] };

export interface RunOptions {
  config: Config;
  /** Creates the runner for a target instance (the CLI maps target types to runners). */
  runnerFor: (target: Target, instance: InstanceRef) => Runner | Promise<Runner>;
  /** Run folder; default `<config.outDir>/<run id>`. */
  outDir?: string;
  onEvent?: (e: RunEvent) => void;
}

const PROJECT_ROOT = join(import.meta.dirname, '..');
/** Packages whose versions go into run.json. */
const RECORDED_PACKAGES = [
  'onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu', 'onnxruntime-common',
  'tinybench', 'zod', 'puppeteer-core', 'webdriverio', 'appium',
];

function packageVersion(name: string): string | null {
  const file = join(PROJECT_ROOT, 'node_modules', name, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : null;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** A sortable, readable run id: 2026-11-24T07-30-05Z. */
export function newRunId(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** SHA-256 of the weight files the plan uses (the model.json for tfjs Layers models). */
function weightsRecord(plan: Plan): RunInfo['weights'] {
  const seen = new Map<string, NonNullable<RunInfo['weights']>[number]>();
  for (const j of plan.jobs) {
    const key = `${variantName(j)}:${j.precision}`;
    if (seen.has(key)) continue;
    const w = j.weights;
    seen.set(key, {
      variant: variantName(j),
      precision: j.precision,
      source: w.kind === 'synthetic' ? `synthetic (seed ${w.seed})` : w.format,
      file: w.kind === 'file' ? w.path : null,
      sha256: w.kind === 'file' ? createHash('sha256').update(readFileSync(w.path)).digest('hex') : null,
    });
  }
  return [...seen.values()];
}

/** Describe this machine and software for run.json. */
function runInfoFor(runId: string, config: Config, plan: Plan): RunInfo {
  const packages: Record<string, string> = {};
  for (const p of RECORDED_PACKAGES) {
    const v = packageVersion(p);
    if (v) packages[p] = v;
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    startedAt: new Date().toISOString(),
    endedAt: null,
    gitCommit: gitCommit(),
    harnessVersion: (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    packages,
    host: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      totalMemoryBytes: totalmem(),
      os: `${osType()} ${release()}`,
      arch: arch(),
      nodeVersion: process.version,
    },
    config,
    plannedJobIds: [...plan.jobs, ...plan.skipped].map((j) => j.id),
    orderSeed: plan.orderSeed,
    weights: weightsRecord(plan),
    resumes: [],
  };
}

/** Start a new run, or continue one with `resumeDir`. Results already written are never rewritten. */
export async function runBenchmark(opts: RunOptions & { resumeDir?: string }): Promise<{ dir: string; results: JobResult[] }> {
  let dir: string;
  let resumed: RunInfo | undefined;
  let config = opts.config;
  const runId = newRunId();
  if (opts.resumeDir) {
    dir = opts.resumeDir;
    resumed = readRunInfo(dir);
    config = resolveConfig(resumed.config, join(dir, 'run.json'));
    resumed.resumes.push(new Date().toISOString());
    resumed.endedAt = null;
  } else {
    dir = opts.outDir ?? join(config.outDir, runId);
    mkdirSync(dir, { recursive: true });
    if (existsSync(join(dir, 'results.jsonl'))) {
      throw new Error(`${dir} already holds results; use --resume ${dir} to continue it, or another --out`);
    }
  }
  const plan = planJobs(config);
  const info = resumed ?? runInfoFor(runId, config, plan);
  writeRunInfo(dir, info);

  const existing = readResults(dir, { repair: true });
  const done = new Set(existing.map((r) => r.id));
  const results = [...existing];
  const total = plan.jobs.length + plan.skipped.length;
  opts.onEvent?.({ type: 'start', dir, total, done: done.size, resumed: Boolean(opts.resumeDir) });

  for (const s of plan.skipped) {
    if (done.has(s.id)) continue;
    const r = baseResult(s, 'skipped', s.reason);
    appendResult(dir, r);
    results.push(r);
    done.add(s.id);
  }

  // Decode the eval set once for every resolution now, outside any job (jobs read the cache).
  const pending = plan.jobs.filter((j) => !done.has(j.id));
  if (config.accuracy.evalSet && pending.length) {
    opts.onEvent?.({ type: 'preparing', what: `eval set ${config.accuracy.evalSet}` });
    warmEvalSetCache(config.accuracy.evalSet, {
      resolutions: [...new Set(pending.map((j) => j.resolution))],
      samples: config.accuracy.samples ?? Number.POSITIVE_INFINITY,
      seed: config.accuracy.seed,
      cacheDir: cacheDir(),
    });
  }

  const runners = new Map<string, Runner>();
  // A target whose runner could not start fails its remaining jobs at once with the same reason.
  const brokenTargets = new Map<string, string>();
  const ranOn = new Set<string>();
  try {
    let index = done.size;
    for (const job of plan.jobs) {
      if (done.has(job.id)) continue;
      index++;
      opts.onEvent?.({ type: 'job-start', job, index, total });
      let result: JobResult;
      const broken = brokenTargets.get(job.target.name);
      if (broken) result = baseResult(job, 'failed', broken);
      else {
        try {
          let runner = runners.get(job.target.name);
          if (!runner) {
            runner = await opts.runnerFor(job.target, SINGLE_INSTANCE);
            runners.set(job.target.name, runner);
          }
          const r = runner;
          const cooldown = 'cooldown' in job.target ? (job.target.cooldown as Cooldown | undefined) : undefined;
          const first = !ranOn.has(job.target.name);
          ranOn.add(job.target.name);
          const { value: repeats, thermal } = await withThermal(r.readThermal?.bind(r), cooldown, first, async () => {
            const out: JobResult[] = [];
            for (let k = 0; k < job.sampling.repeats; k++) {
              const one = await r.runJob(job);
              out.push(one);
              if (one.status !== 'ok') break;
            }
            return out;
          });
          result = mergeRepeats(repeats, job.sampling.driftThreshold);
          if (thermal) result.thermal = thermal;
        } catch (e) {
          // A runner that cannot start (no browser, unreachable device) fails its jobs, not the run.
          const reason = `${job.target.name}: ${(e as Error).message}`;
          brokenTargets.set(job.target.name, reason);
          result = baseResult(job, 'failed', reason);
        }
      }
      appendResult(dir, result);
      results.push(result);
      opts.onEvent?.({ type: 'job-end', result, index, total });
    }
  } finally {
    await Promise.allSettled([...runners.values()].map((r) => r.close()));
  }

  info.endedAt = new Date().toISOString();
  writeRunInfo(dir, info);
  // Order as planned, so summaries read the same after a resume.
  const order = new Map(info.plannedJobIds.map((id, i) => [id, i]));
  results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  opts.onEvent?.({ type: 'end', dir, results });
  return { dir, results };
}
