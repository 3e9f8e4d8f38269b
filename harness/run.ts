/**
 * A benchmark run: plan the jobs, hand each to its target's runner, append each result
 * as it finishes. Resumable: a run folder remembers its config and plan, so `--resume`
 * runs only the jobs that have no line yet (with `retryFailed`, also the failed and invalid
 * ones), and only when the plan made now is the recorded one (resume.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync, readdirSync, rmdirSync } from 'node:fs';
import { cpus, totalmem, type as osType, release, arch } from 'node:os';
import { dirname, join } from 'node:path';
import { runtimePackages } from '../models/registry.ts';
import { harnessVersion, installedVersion, projectRoot } from '../models/platform/package-json.ts';
import { applyEnvironment, recordedEnvironment, type ConfigEnvironment } from './config/overrides.ts';
import { resolveConfig, type Config, type Target, type UserConfig } from './config/schema.ts';
import { planJobs, type Job, type Plan } from './plan.ts';
import { storableResult } from './storable-failure.ts';
import { SCHEMA_VERSION, type JobResult, type RunInfo, type RunInstance } from '../contract/results.ts';
import { appendResult, InvalidResultError, readResults, readRunInfo, ResultsError, writeRunInfo } from '../contract/store.ts';
import { checkResult } from '../contract/ingest.ts';
import { redactDeep, redactText, secretsOf } from '../contract/secrets.ts';
import type { InstanceRef, Runner } from './runner.ts';
import { acquireRunLock } from '../contract/lock.ts';
import { warmEvalSetCache } from './eval-set.ts';
import { isClassFolderSet } from './eval-class-folders.ts';
import { Gate, lanesFor, schedule, sharedHosts, type Lane, type LaneStats } from './schedule.ts';
import { LaneWorker } from './lane-worker.ts';
import { cacheDir } from './cache.ts';
import { writeProfileTrace } from './profile-trace.ts';
import { checkResumePlan } from './resume.ts';
import { entryKey, weightsRecord } from './weights-record.ts';
import { evalSetRecord } from './eval-set-hash.ts';
import { ceilingsJob, ceilingsRequestOf, unavailableCeilings } from './ceilings-job.ts';
import { lastLevelCacheFromSys, nominalPeakHere } from './probe/ceilings/node-platform.ts';
import { THIS_MACHINE } from './schedule.ts';
import type { TargetCeilings } from '../contract/ceilings.ts';

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
  /** The configuration of a new run; a resume takes the one its run.json recorded (required unless `resumeDir`). */
  config?: Config;
  /**
   * The environment the configuration drew on (the CLI reads it once): recorded in a new run.json;
   * on a resume of a run.json written before it was recorded, applied to its config as then.
   */
  environment?: ConfigEnvironment;
  /** Creates the runner for a target instance (the CLI maps target types to runners). */
  runnerFor: (target: Target, instance: InstanceRef) => Runner | Promise<Runner>;
  /** Run folder; default `<config.outDir>/<run id>`. */
  outDir?: string;
  onEvent?: (e: RunEvent) => void;
  /** Facts about the run's setup to record in a new run.json (e.g. the probe page's size). */
  runInfoExtra?: Pick<RunInfo, 'pageBundle'>;
}

/** Continue the run in `resumeDir`; with `retryFailed`, also run its failed and invalid jobs again. `workers` overrides the recorded limit for this session. */
export interface ResumeOptions {
  resumeDir?: string;
  retryFailed?: boolean;
  workers?: number;
}

/** Packages whose versions go into run.json: every runtime's (models/registry.ts), then the harness's own. */
const RECORDED_PACKAGES = [...new Set([...runtimePackages(), 'tinybench', 'zod', 'puppeteer-core', 'appium'])];

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** A sortable, readable run id: 2026-11-24T07-30-05Z. */
export function newRunId(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Describe this machine and software for run.json. */
function runInfoFor(runId: string, config: Config, plan: Plan, environment: ConfigEnvironment): RunInfo {
  const packages: Record<string, string> = {};
  for (const p of RECORDED_PACKAGES) {
    const v = installedVersion(p);
    if (v) packages[p] = v;
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    startedAt: new Date().toISOString(),
    endedAt: null,
    gitCommit: gitCommit(),
    harnessVersion: harnessVersion(),
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
    environment: recordedEnvironment(environment),
    ...evalSetField(config),
  };
}

/** run.json's eval-set record: which images were scored, by content. */
function evalSetField(config: Config): Pick<RunInfo, 'evalSet'> {
  const record = config.accuracy.evalSet ? evalSetRecord(config.accuracy.evalSet) : null;
  return record ? { evalSet: record } : {};
}

/** Add this process's per-lane figures to run.json's (a resumed run sums its sessions). */
function mergeInstanceStats(
  previous: RunInstance[] | undefined,
  lanes: readonly Lane[],
  stats: Map<string, LaneStats>,
  sessions: Map<string, Set<string>>,
): RunInstance[] {
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
      out.push({
        target: lane.target.name,
        index: lane.instance.index,
        count: lane.instance.count,
        host: lane.host,
        jobs: s.jobs,
        busyMs: Math.round(s.busyMs),
        ...(ids.length ? { sessions: ids } : {}),
      });
    }
  }
  for (const p of out) p.busyMs = Math.round(p.busyMs);
  return out;
}

/** Start a new run, or continue one with `resumeDir`. Results already written are never rewritten. */
export async function runBenchmark(opts: RunOptions & ResumeOptions): Promise<{ dir: string; results: JobResult[] }> {
  let dir: string;
  let resumed: RunInfo | undefined;
  let config: Config;
  let created: string | undefined;
  const runId = newRunId();
  if (opts.resumeDir) {
    dir = opts.resumeDir;
    resumed = readRunInfo(dir);
    // The recorded config is the whole plan; only a run.json from before the environment was recorded gets it applied as then (the plan check below catches any difference).
    const recorded = resumed.environment === undefined && opts.environment ? applyEnvironment(resumed.config as UserConfig, opts.environment) : resumed.config;
    config = resolveConfig(recorded, join(dir, 'run.json'));
    if (opts.workers !== undefined) config = { ...config, workers: opts.workers };
    resumed.resumes.push(new Date().toISOString());
    resumed.endedAt = null;
  } else {
    if (!opts.config) throw new Error('runBenchmark: a new run needs a config (or resumeDir to continue one)');
    config = opts.config;
    dir = opts.outDir ?? join(config.outDir, runId);
    created = mkdirSync(dir, { recursive: true });
    if (existsSync(join(dir, 'results.jsonl'))) {
      throw new ResultsError(`${dir} already holds results; use --resume ${dir} to continue it, or another --out`);
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

async function runLocked(
  opts: RunOptions & ResumeOptions,
  dir: string,
  config: Config,
  runId: string,
  resumed: RunInfo | undefined,
): Promise<{ dir: string; results: JobResult[] }> {
  // Read (and validate) what is there before writing anything: a refused resume changes nothing on disk.
  const before = readResults(dir);
  const plan = planJobs(config);
  // The last line of defence, whichever runner made a line: nothing written or shown holds a credential.
  const secrets = secretsOf(config.targets);
  const runnable = new Set(plan.jobs.map((j) => j.id));
  // --retry-failed: the failed and invalid jobs run again; their new lines supersede the old ones (attempt n+1).
  const retry = new Map(
    opts.retryFailed
      ? before.filter((r) => (r.status === 'failed' || r.status === 'invalid') && runnable.has(r.id)).map((r) => [r.id, (r.attempt ?? 1) + 1])
      : [],
  );
  const info = resumed ?? { ...runInfoFor(runId, config, plan, opts.environment ?? {}), ...opts.runInfoExtra };
  if (resumed) {
    const written = new Set(before.map((r) => r.id));
    const willWrite = new Set([...plan.jobs, ...plan.skipped].map((j) => j.id).filter((id) => !written.has(id) || retry.has(id)));
    const accepted = checkResumePlan({
      dir,
      info: resumed,
      plan,
      existing: before,
      willWrite,
      retryFailed: Boolean(opts.retryFailed),
      evalSet: config.accuracy.evalSet,
    });
    // Weights replaced under jobs that all run again (a corrupt file, since fixed): the record names what they load now.
    if (accepted.length) {
      const keys = new Set(accepted.map((c) => c.key));
      const now = new Map(weightsRecord(plan).map((w) => [entryKey(w), w]));
      info.weights = (info.weights ?? []).map((w) => (keys.has(entryKey(w)) ? (now.get(entryKey(w)) ?? w) : w));
    }
    if (retry.size) info.retries = [...(info.retries ?? []), { at: new Date().toISOString(), jobIds: [...retry.keys()] }];
  }
  writeRunInfo(dir, info);

  const existing = readResults(dir, { repair: true });
  const done = new Set(existing.map((r) => r.id).filter((id) => !retry.has(id)));
  const results = [...existing];
  const total = plan.jobs.length + plan.skipped.length;
  opts.onEvent?.({ type: 'start', dir, total, done: done.size, resumed: Boolean(opts.resumeDir) });

  for (const s of plan.skipped) {
    if (done.has(s.id)) continue;
    // A refused user model is a failure (the user asked for it), an impossible pair a skip.
    const r = storableResult(s, s.refused ? 'failed' : 'skipped', s.reason);
    appendResult(dir, r);
    results.push(r);
    done.add(s.id);
  }

  // Decode the eval set once for every resolution now, outside any job (jobs read the cache).
  const pending = plan.jobs.filter((j) => !done.has(j.id));
  // A class-folder set (a user's own) is labelled per model: its jobs decode it into the same cache.
  if (config.accuracy.evalSet && pending.length && !isClassFolderSet(config.accuracy.evalSet)) {
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
      return {
        ...r,
        profile,
        warnings: [...(r.warnings ?? []), `its profile's trace events could not be written (${(e as Error).message}); the layer table is kept`],
      };
    }
  };
  // Ceilings: once per target per run, on its first instance, before its first job (a resume keeps those measured).
  const ceilingsRequest = ceilingsRequestOf(config);
  if (!ceilingsRequest && !info.ceilings?.length)
    info.ceilingsSkipped = 'not measured: ceilings are off (--quick, or the config says ceilings: false; --ceilings measures them)';
  const ceilingsPending = new Set(
    ceilingsRequest && pending.length ? config.targets.map((t) => t.name).filter((n) => !info.ceilings?.some((c) => c.target === n)) : [],
  );
  /** Measure the lane's target's ceilings if they are still due; false when its runner could not start. */
  const measureCeilingsOn = async (lane: Lane): Promise<boolean> => {
    if (!ceilingsRequest || lane.instance.index !== 0 || !ceilingsPending.delete(lane.target.name)) return true;
    const here = lane.host === THIS_MACHINE;
    opts.onEvent?.({ type: 'preparing', what: `${lane.label}: measuring its compute and bandwidth ceilings` });
    const result = await workers
      .get(lane.key)!
      .run(ceilingsJob(lane.target, config, ceilingsRequest, here && lane.target.type !== 'node' ? lastLevelCacheFromSys() : null));
    if (result === null) return false;
    const hostPeak = here ? (nominalPeakHere() ?? undefined) : undefined;
    let measured: TargetCeilings;
    if (result.status === 'ok' && result.ceilings) {
      measured = { ...result.ceilings, ...(result.device?.emulated ? { emulated: true } : {}) };
      // A browser on this machine computes on this machine's CPU: its nominal peak is this machine's.
      if (!measured.nominalPeak && hostPeak) measured.nominalPeak = hostPeak;
    } else measured = unavailableCeilings(lane.target, redactText(result.error ?? `the ceilings job ended ${result.status}`, secrets), hostPeak);
    if (lane.instance.count > 1) measured.instance = lane.instance.index;
    info.ceilings = [...(info.ceilings ?? []).filter((c) => c.target !== lane.target.name), measured];
    writeRunInfo(dir, info);
    opts.onEvent?.({
      type: 'notice',
      message: `${lane.label}: ceilings ${result.status === 'ok' ? `measured in ${(measured.durationMs / 1000).toFixed(1)} s` : `unavailable (${measured.notes[0]})`}`,
    });
    return true;
  };
  let started = done.size;
  let finished = done.size;
  const record = (lane: Lane, job: Job, measured: JobResult) => {
    // One job's bad data never costs another's: a result that is not a valid line for this job
    // (a runner's bug, a target's garbage) becomes this job's failure, and the run goes on.
    const checked = checkResult(measured, job.id);
    // Itself always storable: a planned figure out of bounds (an absurd model file) is left out, not a crash.
    const unstorable = (reason: string) => storableResult(job, 'failed', `${lane.label}: the job's result could not be stored: ${reason}`);
    // A profiled job's trace events go to their own file beside results.jsonl.
    // The job id stays as planned (resume and compare match on it); everything else is redacted, traces included.
    const redacted = (r: JobResult): JobResult => ({ ...redactDeep(r, secrets), id: r.id });
    let result = traced(redacted(checked.ok ? checked.result : unstorable(checked.reason)));
    if (lane.instance.count > 1) result.instance = { ...lane.instance };
    if (lane.host !== null && shared.has(lane.host)) {
      const warning = `shareHost: other jobs may have computed on ${lane.host} at the same time (targets or instances sharing the host), so this job's latency and memory may be disturbed`;
      result.warnings = [...(result.warnings ?? []), warning];
    }
    if (result.device?.sessionId) sessions.get(lane.key)!.add(result.device.sessionId);
    const attempt = retry.get(result.id);
    if (attempt !== undefined) result.attempt = attempt;
    // appendResult is synchronous: concurrent workers of this process never interleave lines.
    try {
      appendResult(dir, result);
    } catch (e) {
      // Only a refused result becomes the job's failure; a write that fails (disk full) stops the run, as before.
      if (!(e instanceof InvalidResultError)) throw e;
      result = redacted(unstorable(e.reason));
      if (attempt !== undefined) result.attempt = attempt;
      appendResult(dir, result);
    }
    // One result per job id: a retried job's new result takes its old one's place.
    const at = results.findIndex((r) => r.id === result.id);
    if (at >= 0) results[at] = result;
    else results.push(result);
    finished++;
    opts.onEvent?.({ type: 'job-end', result, worker: lane.label, index: finished, total });
  };
  let stats: Map<string, LaneStats>;
  try {
    stats = await schedule(pending, lanes, gate, {
      run: async (lane, job) => {
        if (!(await measureCeilingsOn(lane))) {
          opts.onEvent?.({ type: 'worker-lost', worker: lane.label, reason: redactText(workers.get(lane.key)!.deadReason ?? 'could not start', secrets) });
          return false;
        }
        opts.onEvent?.({ type: 'job-start', job, worker: lane.label, index: ++started, total });
        const result = await workers.get(lane.key)!.run(job);
        if (result === null) {
          started--;
          opts.onEvent?.({ type: 'worker-lost', worker: lane.label, reason: redactText(workers.get(lane.key)!.deadReason ?? 'could not start', secrets) });
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
          record(lastLane, job, storableResult(job, 'failed', reason));
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
