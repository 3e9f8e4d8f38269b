/**
 * The Node target's A/B block workers: one long-lived child process per side per worker pair,
 * started from the side's own checkout (its harness/probe/block-job.ts, its tsx and node_modules),
 * holding the job loaded for the job's whole length and timing blocks on request. What a process
 * sends is untrusted: every message is parsed with the wire schema, a result checked against the
 * results schema and the job id.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BlockTiming, BlockWorker, BlockWorkerHost, SideRuntime } from '../harness/ab/block-worker.ts';
import { BlockReplySchema, type BlockCommand, type BlockReply } from '../harness/probe/block-wire.ts';
import type { Job } from '../harness/plan.ts';
import type { JobResult } from '../contract/results.ts';
import { checkResultValue, firstIssue, quote } from '../contract/ingest.ts';
import { pinToCpu } from './pin-cpu.ts';

/** The block entry, relative to a side's checkout. */
export const BLOCK_ENTRY = join('harness', 'probe', 'block-job.ts');
/** stderr kept for a failure message. */
const STDERR_TAIL_CHARS = 2000;

/** Worker processes alive now: killed (by their PID) when this process exits. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** tsx's loader in the side's own node_modules, by absolute path (a bare `--import tsx` resolves from the working directory). */
function tsxLoaderOf(root: string): string {
  try {
    return createRequire(join(root, 'package.json')).resolve('tsx');
  } catch {
    throw new Error(`${root} has no tsx in its node_modules (install the side's dependencies)`);
  }
}

/** Hooks for tests (which must know worker processes by PID, never by name). */
export interface NodeBlockHooks {
  onSpawn?: (pid: number, job: Job, side: SideRuntime) => void;
  /** Duet mode: the CPU each side's workers are pinned to (runners/pin-cpu.ts). */
  pinCpu?: (side: SideRuntime) => number;
}

/** One side's job in one child process. */
class NodeBlockWorker implements BlockWorker {
  private stderr = '';
  private waiting: { want: BlockReply['type'][]; resolve: (r: BlockReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private exited: string | undefined;
  private seq = 0;

  constructor(
    private readonly child: ChildProcess,
    private readonly job: Job,
    private readonly side: SideRuntime,
  ) {
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-STDERR_TAIL_CHARS);
    });
    child.on('message', (raw: unknown) => this.onMessage(raw));
    child.on('exit', (code, signal) => {
      live.delete(child);
      const tail = this.stderr.trim().split('\n').slice(-6).join('\n');
      this.exited = `side ${side.name}'s worker process ended (${signal ? `signal ${signal}` : `exit code ${code}`})${tail ? `; its last output:\n${tail}` : ''}`;
      this.fail(new Error(this.exited));
    });
    child.on('error', (e) => {
      this.stderr += `\n${e.message}`;
    });
  }

  private onMessage(raw: unknown): void {
    const parsed = BlockReplySchema.safeParse(raw);
    if (!parsed.success) {
      this.child.kill('SIGKILL');
      this.fail(new Error(`side ${this.side.name}'s worker sent what cannot be accepted: ${firstIssue(parsed.error)}`));
      return;
    }
    const w = this.waiting;
    if (!w || !w.want.includes(parsed.data.type)) return;
    this.waiting = undefined;
    clearTimeout(w.timer);
    w.resolve(parsed.data);
  }

  private fail(e: Error): void {
    const w = this.waiting;
    if (!w) return;
    this.waiting = undefined;
    clearTimeout(w.timer);
    w.reject(e);
  }

  /** Send a command and wait for one of the wanted replies, within `limitMs`. */
  request(cmd: BlockCommand | null, want: BlockReply['type'][], limitMs: number, what: string): Promise<BlockReply> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        this.fail(new Error(`side ${this.side.name}'s worker did not answer ${what} within ${Math.round(limitMs / 1000)} s and was killed`));
      }, limitMs);
      this.waiting = { want, resolve, reject, timer };
      if (cmd) this.child.send(cmd);
    });
  }

  async runBlock(inferences: number): Promise<BlockTiming> {
    const seq = this.seq++;
    const r = await this.request({ type: 'block', seq, inferences }, ['block', 'block-error'], this.job.timeoutMs, `a block of ${inferences}`);
    if (r.type === 'block-error') throw new Error(`side ${this.side.name}: ${r.error}`);
    if (r.type !== 'block' || r.seq !== seq || r.inferences !== inferences)
      throw new Error(`side ${this.side.name}'s worker answered another block than asked`);
    return { inferences: r.inferences, ms: r.ms };
  }

  async finish(): Promise<JobResult> {
    const r = await this.request({ type: 'finish' }, ['result'], this.job.timeoutMs, 'finish');
    return checkedResult(r, this.job, this.side);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await gone;
  }
}

/** A result message checked against the results schema and the job id. */
function checkedResult(r: BlockReply, job: Job, side: SideRuntime): JobResult {
  const raw = 'result' in r ? r.result : undefined;
  const checked = checkResultValue(raw, job.id);
  if (!checked.ok) throw new Error(`side ${side.name}'s worker sent what cannot be accepted: ${checked.reason}`);
  return checked.result;
}

/** Starts Node block workers: `fork` of the side's block entry with the side's flags and environment. */
export function createNodeBlockHost(hooks: NodeBlockHooks = {}): BlockWorkerHost {
  const workers = new Set<NodeBlockWorker>();
  return {
    async start(job: Job, side: SideRuntime): Promise<BlockWorker> {
      const entry = join(side.root, BLOCK_ENTRY);
      if (!existsSync(entry)) {
        throw new Error(`side ${side.name} (${side.spec}) has no ${BLOCK_ENTRY}: its code predates A/B comparisons; pick a ref or checkout that has it`);
      }
      const child = fork(entry, [], {
        // The caller's working directory, as `run`'s job processes have: the job's paths (weights, a
        // relative mirror) were planned from it. `source` makes the side's own `#platform` import its
        // TypeScript (a ref:/pkg: side has no dist/, and the current side's dist/ may be stale).
        execArgv: ['--conditions=source', '--import', tsxLoaderOf(side.root), ...(job.target.type === 'node' ? job.target.execArgv : []), ...(side.execArgv ?? [])],
        env: { ...process.env, ORT_DISABLE_TELEMETRY: '1', ...side.env },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
      live.add(child);
      if (child.pid !== undefined) hooks.onSpawn?.(child.pid, job, side);
      // Pinned before it loads anything: threads started later inherit the CPU.
      if (hooks.pinCpu && child.pid !== undefined) pinToCpu(child.pid, hooks.pinCpu(side));
      const worker = new NodeBlockWorker(child, job, side);
      workers.add(worker);
      try {
        await worker.request(null, ['ready'], job.timeoutMs, 'its start');
        const opened = await worker.request({ type: 'open', job }, ['opened', 'failed'], job.timeoutMs, 'loading the job');
        if (opened.type === 'failed') {
          const result = checkedResult(opened, job, side);
          throw new Error(`side ${side.name} (${side.spec}) cannot run ${job.id}: ${quote(result.error ?? 'failed', 600)}`);
        }
        return worker;
      } catch (e) {
        await worker.close();
        workers.delete(worker);
        throw e;
      }
    },
    async close() {
      await Promise.all([...workers].map((w) => w.close()));
      workers.clear();
    },
  };
}
