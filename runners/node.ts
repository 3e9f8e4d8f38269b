/**
 * The Node target: each job runs in its own child process (so peaks are its own and a
 * crash takes only that job), killed when it exceeds its time limit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { baseResult } from '../harness/probe/probe.ts';
import type { Job } from '../harness/plan.ts';
import type { JobResult } from '../contract/results.ts';
import type { Runner } from '../harness/runner.ts';
import { checkResultValue } from '../contract/ingest.ts';

/** The job process's entry, built (dist/…/node-job.js, plain Node) when this module is built, else the TypeScript source. */
const CHILD = join(import.meta.dirname, '..', 'harness', 'probe', import.meta.url.endsWith('.ts') ? 'node-job.ts' : 'node-job.js');

/**
 * Node flags a job process needs to load TypeScript: none for built JavaScript; for a TypeScript
 * entry (the sources, in development and tests) or a target whose execArgv preloads a .ts file,
 * tsx's loader by absolute URL (a bare `--import tsx` would resolve from the user's working
 * directory) and the `source` condition that maps #platform to TypeScript. tsx is a development
 * dependency: without it such a job fails, saying so.
 */
function loaderArgs(entry: string, execArgv: readonly string[]): string[] {
  if (!entry.endsWith('.ts') && !execArgv.some((a) => /\.[mc]?ts$/.test(a))) return [];
  let tsx: string;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    throw new Error(`${execArgv.join(' ')} loads TypeScript, which needs tsx: install it (npm install -D tsx) or preload JavaScript instead`);
  }
  return ['--conditions=source', '--import', tsx];
}
/** Lines of the child's stderr kept for a failure message. */
const STDERR_TAIL_CHARS = 2000;

/** Job processes alive now: killed (by their PID) when this process exits, however it exits. */
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of liveChildren) c.kill('SIGKILL');
});

/** Hooks for callers that must know a job's process (tests that kill it: by PID, never by name). */
export interface NodeRunnerHooks {
  /** Called with the PID of each job process as it starts. */
  onChildSpawn?: (pid: number, job: Job) => void;
  /** The job process's entry point (default harness/probe/node-job.ts; tests stand in a misbehaving one). */
  entry?: string;
}

/** Run one job in a fresh child process. */
export function runJobInChild(job: Job, extraEnv: NodeJS.ProcessEnv = {}, hooks: NodeRunnerHooks = {}): Promise<JobResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const entry = hooks.entry ?? CHILD;
    const targetArgv = job.target.type === 'node' ? job.target.execArgv : [];
    let loader: string[];
    try {
      loader = loaderArgs(entry, targetArgv);
    } catch (e) {
      return resolve({ ...baseResult(job), error: (e as Error).message });
    }
    const child = fork(entry, [], {
      execArgv: [...loader, ...targetArgv],
      env: { ...process.env, ORT_DISABLE_TELEMETRY: '1', ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    liveChildren.add(child);
    if (child.pid !== undefined) hooks.onChildSpawn?.(child.pid, job);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-STDERR_TAIL_CHARS);
    });
    let result: JobResult | undefined;
    /** Why the process's result was not accepted: the job fails with it. */
    let refused: string | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, job.timeoutMs);
    // The job process is not trusted either: a message is checked (size, schema, job id) before it is kept.
    child.on('message', (msg: unknown) => {
      if (!msg || typeof msg !== 'object') return;
      const m = msg as { type?: unknown; result?: unknown };
      if (m.type === 'ready') child.send(job);
      if (m.type !== 'result' || result || refused) return;
      const checked = checkResultValue(m.result, job.id);
      if (checked.ok) result = checked.result;
      else {
        refused = checked.reason;
        child.kill('SIGKILL');
      }
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      if (result) return resolve(result);
      const failed = baseResult(job);
      failed.durationMs = Date.now() - started;
      const tail = stderr.trim().split('\n').slice(-8).join('\n');
      failed.error = refused
        ? `${job.target.name}: the job's process sent what cannot be accepted: ${refused}`
        : timedOut
          ? `exceeded its time limit of ${Math.round(job.timeoutMs / 1000)} s and was killed (raise jobTimeoutMs, or lower sampling.maxTimeMs / accuracy.samples)`
          : `the job's process died (${signal ? `signal ${signal}` : `exit code ${code}`}) before reporting${tail ? `; its last output:\n${tail}` : ''}`;
      resolve(failed);
    };
    child.on('exit', finish);
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
    });
  });
}

/** Runner for `type: 'node'` targets. */
export function createNodeRunner(hooks: NodeRunnerHooks = {}): Runner {
  return { runJob: (job) => runJobInChild(job, {}, hooks), close: async () => {} };
}
