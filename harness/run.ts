/**
 * A benchmark run: plan the jobs, hand each to its target's runner, append each result
 * as it finishes. Resumable: a run folder remembers its config and plan, so `--resume`
 * runs only the jobs that have no line yet.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, existsSync, readdirSync, rmdirSync } from 'node:fs';
import { cpus, totalmem, type as osType, release, arch } from 'node:os';
import { dirname, join } from 'node:path';
import { variantName } from '../models/spec.ts';
import { resolveConfig, type Config, type Target } from './config.ts';
import { planJobs, type Job, type Plan } from './plan.ts';
import { baseResult } from './probe/probe.ts';
import { SCHEMA_VERSION, type JobResult, type RunInfo, type RunInstance } from './results.ts';
import { appendResult, InvalidResultError, readResults, readRunInfo, writeRunInfo } from './store.ts';
import { checkResult } from './ingest.ts';
import { redactDeep } from './secrets.ts';
import type { InstanceRef, Runner } from './runner.ts';
import { acquireRunLock } from './lock.ts';
import { warmEvalSetCache } from './eval-set.ts';
import { Gate, lanesFor, schedule, sharedHosts, type Lane, type LaneStats } from './schedule.ts';
import { LaneWorker } from './lane-worker.ts';
import { cacheDir } from './cache.ts';
import { writeProfileTrace } from './profile-trace.ts';

/** Progress events for displays. */
export type RunEvent =
  | { type: 'start'; dir: string; total: number; done: number; resumed: boolean }
  | { type: 'preparing'; what: string }
  | { type: 'notice'; message: string }
  /** `index`: how many jobs have started (job-start) or finished (job-end), this one included. `worker`: the lane's label. */
  | { type: 'job-start'; job: Job; worker: string; index: number; total: number }
  | { type: 'job-end'; result: JobResult; worker: string; index: number; total: number }
  /** A target instance could not start; its jobs go to the target's other instances. */
  | { type: 'worker-lost'; worker: string; reason: string }
  | { type: 'end'; dir: string; results: JobResult[] };

export interface RunOptions {
  config: Config;
  /** Creates the runner for a target instance (the CLI maps target types to runners). */
  runnerFor: (target: Target, instance: InstanceRef) => Runner | Promise<Runner>;
  /** Run folder; default `<config.outDir>/<run id>`. */
  outDir?: string;
  onEvent?: (e: RunEvent) => void;
  /** Facts about the run's setup to record in a new run.json (e.g. the probe page's size). */
  runInfoExtra?: Pick<RunInfo, 'pageBundle'>;
}

const PROJECT_ROOT = join(import.meta.dirname, '..');
/** Packages whose versions go into run.json. */
const RECORDED_PACKAGES = [
  'onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu', 'onnxruntime-common',
  'tinybench', 'zod', 'puppeteer-core', 'appium',
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

/** SHA-256 of a file, or null when it cannot be read (its job fails with the reason; the run goes on). */
function fileSha256(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
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
      sha256: w.kind === 'file' ? fileSha256(w.path) : null,
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
    // Literal credentials never reach run.json (write them as \${env:NAME} placeholders, which are kept).
    config: redactDeep(config),
    plannedJobIds: [...plan.jobs, ...plan.skipped].map((j) => j.id),
    orderSeed: plan.orderSeed,
    weights: weightsRecord(plan),
    resumes: [],
  };
}

/** Add this process's per-lane figures to run.json's (a resumed run sums its sessions). */
function mergeInstanceStats(previous: RunInstance[] | undefined, lanes: readonly Lane[], stats: Map<string, LaneStats>, sessions: Map<string, Set<string>>): RunInstance[] {
  const out = (previous ?? []).map((p) => ({ ...p }));
  for (const lane of lanes) {
    const s = stats.get(lane.key) ?? { jobs: 0, busyMs: 0 };
    const ids = [...(sessions.get(lane.key) ?? [])];
    const old = out.find((p) => p.target === lane.target.name && p.index === lane.instance.index);
    if (old) {
      old.jobs += s.jobs;
      old.busyMs += s.busyMs;
      if (ids.length) old.sessions = [...new Set([...(old.sessions ?? []), ...ids])];
    } else {
      out.push({ target: lane.target.name, index: lane.instance.index, count: lane.instance.count, host: lane.host, jobs: s.jobs, busyMs: Math.round(s.busyMs), ...(ids.length ? { sessions: ids } : {}) });
    }
  }
  for (const p of out) p.busyMs = Math.round(p.busyMs);
  return out;
}

/** Start a new run, or continue one with `resumeDir`. Results already written are never rewritten. */
export async function runBenchmark(opts: RunOptions & { resumeDir?: string }): Promise<{ dir: string; results: JobResult[] }> {
  let dir: string;
  let resumed: RunInfo | undefined;
  let config = opts.config;
  let created: string | undefined;
  const runId = newRunId();
  if (opts.resumeDir) {
    dir = opts.resumeDir;
    resumed = readRunInfo(dir);
    config = resolveConfig(resumed.config, join(dir, 'run.json'));
    resumed.resumes.push(new Date().toISOString());
    resumed.endedAt = null;
  } else {
    dir = opts.outDir ?? join(config.outDir, runId);
    created = mkdirSync(dir, { recursive: true });
    if (existsSync(join(dir, 'results.jsonl'))) {
      throw new Error(`${dir} already holds results; use --resume ${dir} to continue it, or another --out`);
    }
  }
  // One writer per folder; the lock goes with the process on every exit path.
  const lock = acquireRunLock(dir);
  if (lock.tookOver) opts.onEvent?.({ type: 'notice', message: `${dir}: ${lock.tookOver}` });
  try {
    return await runLocked(opts, dir, config, runId, resumed);
  } finally {
    lock.release();
    // A run refused before writing anything (bad plan, full disk) leaves no empty folder behind.
    for (let d = dir; created && existsSync(d) && readdirSync(d).length === 0 && d.startsWith(created); d = dirname(d)) rmdirSync(d);
  }
}

async function runLocked(opts: RunOptions & { resumeDir?: string }, dir: string, config: Config, runId: string, resumed: RunInfo | undefined): Promise<{ dir: string; results: JobResult[] }> {
  // Read (and validate) what is there before writing anything: a refused resume changes nothing on disk.
  readResults(dir);
  const plan = planJobs(config);
  const info = resumed ?? { ...runInfoFor(runId, config, plan), ...opts.runInfoExtra };
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
      crop: config.accuracy.crop,
      cacheDir: cacheDir(),
    });
  }

  // One lane (worker) per target instance; see schedule.ts for the rule that keeps numbers honest.
  const lanes = lanesFor(config.targets);
  const shared = config.shareHost ? sharedHosts(lanes) : new Set<string>();
  const gate = new Gate(config.workers ?? Math.max(1, lanes.length), config.shareHost);
  const workers = new Map(lanes.map((l) => [l.key, new LaneWorker(l, opts.runnerFor)]));
  const sessions = new Map<string, Set<string>>(lanes.map((l) => [l.key, new Set<string>()]));
  /** Trace events to their file; a trace that cannot be written costs the trace, not the result. */
  const traced = (r: JobResult): JobResult => {
    try {
      return writeProfileTrace(dir, r);
    } catch (e) {
      const { traceEvents: _dropped, ...profile } = r.profile!;
      return { ...r, profile, warnings: [...(r.warnings ?? []), `its profile's trace events could not be written (${(e as Error).message}); the layer table is kept`] };
    }
  };
  let started = done.size;
  let finished = done.size;
  const record = (lane: Lane, job: Job, measured: JobResult) => {
    // One job's bad data never costs another's: a result that is not a valid line for this job
    // (a runner's bug, a target's garbage) becomes this job's failure, and the run goes on.
    const checked = checkResult(measured, job.id);
    const unstorable = (reason: string) => baseResult(job, 'failed', `${lane.label}: the job's result could not be stored: ${reason}`);
    // A profiled job's trace events go to their own file beside results.jsonl.
    let result = traced(checked.ok ? checked.result : unstorable(checked.reason));
    if (lane.instance.count > 1) result.instance = { ...lane.instance };
    if (lane.host !== null && shared.has(lane.host)) {
      const warning = `shareHost: other jobs may have computed on ${lane.host} at the same time (targets or instances sharing the host), so this job's latency and memory may be disturbed`;
      result.warnings = [...(result.warnings ?? []), warning];
    }
    if (result.device?.sessionId) sessions.get(lane.key)!.add(result.device.sessionId);
    // appendResult is synchronous: concurrent workers of this process never interleave lines.
    try {
      appendResult(dir, result);
    } catch (e) {
      // Only a refused result becomes the job's failure; a write that fails (disk full) stops the run, as before.
      if (!(e instanceof InvalidResultError)) throw e;
      result = unstorable(e.reason);
      appendResult(dir, result);
    }
    results.push(result);
    finished++;
    opts.onEvent?.({ type: 'job-end', result, worker: lane.label, index: finished, total });
  };
  let stats: Map<string, LaneStats>;
  try {
    stats = await schedule(pending, lanes, gate, {
      run: async (lane, job) => {
        opts.onEvent?.({ type: 'job-start', job, worker: lane.label, index: ++started, total });
        const result = await workers.get(lane.key)!.run(job);
        if (result === null) {
          started--;
          opts.onEvent?.({ type: 'worker-lost', worker: lane.label, reason: workers.get(lane.key)!.deadReason ?? 'could not start' });
          return false;
        }
        record(lane, job, result);
        return true;
      },
      laneDone: (lane) => workers.get(lane.key)!.close(),
      // Every instance of the target failed to start: its remaining jobs fail with the reason, not the run.
      orphaned: (_target, jobs, lastLane) => {
        const reason = workers.get(lastLane.key)!.deadReason ?? `${lastLane.label}: could not start`;
        for (const job of jobs) {
          opts.onEvent?.({ type: 'job-start', job, worker: lastLane.label, index: ++started, total });
          record(lastLane, job, baseResult(job, 'failed', reason));
        }
      },
    });
  } finally {
    await Promise.allSettled([...workers.values()].map((w) => w.close()));
  }
  info.instances = mergeInstanceStats(info.instances, lanes, stats, sessions);

  info.endedAt = new Date().toISOString();
  writeRunInfo(dir, info);
  // Order as planned, so summaries read the same after a resume.
  const order = new Map(info.plannedJobIds.map((id, i) => [id, i]));
  results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  opts.onEvent?.({ type: 'end', dir, results });
  return { dir, results };
}
