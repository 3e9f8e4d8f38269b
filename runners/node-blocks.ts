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
import type { BlockWorker, BlockWorkerHost, SideRuntime } from '../harness/ab/block-worker.ts';
import type { Job } from '../harness/plan.ts';
import { BlockChannel } from './block-channel.ts';
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

/** One side's job in one child process, its messages over IPC. */
function nodeBlockWorker(child: ChildProcess, job: Job, side: SideRuntime): BlockChannel {
  let stderr = '';
  const channel = new BlockChannel({ send: (cmd) => child.send(cmd), kill: () => child.kill('SIGKILL') }, job, side);
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-STDERR_TAIL_CHARS);
  });
  child.on('message', (raw: unknown) => channel.receive(raw));
  child.on('exit', (code, signal) => {
    live.delete(child);
    const tail = stderr.trim().split('\n').slice(-6).join('\n');
    channel.ended(
      `side ${side.name}'s worker process ended (${signal ? `signal ${signal}` : `exit code ${code}`})${tail ? `; its last output:\n${tail}` : ''}`,
    );
  });
  child.on('error', (e) => {
    stderr += `\n${e.message}`;
  });
  return channel;
}

/** Starts Node block workers: `fork` of the side's block entry with the side's flags and environment. */
export function createNodeBlockHost(hooks: NodeBlockHooks = {}): BlockWorkerHost {
  const workers = new Set<BlockChannel>();
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
        execArgv: [
          '--conditions=source',
          '--import',
          tsxLoaderOf(side.root),
          ...(job.target.type === 'node' ? job.target.execArgv : []),
          ...(side.execArgv ?? []),
        ],
        env: { ...process.env, ORT_DISABLE_TELEMETRY: '1', ...side.env },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
      live.add(child);
      if (child.pid !== undefined) hooks.onSpawn?.(child.pid, job, side);
      // Pinned before it loads anything: threads started later inherit the CPU.
      if (hooks.pinCpu && child.pid !== undefined) pinToCpu(child.pid, hooks.pinCpu(side));
      const worker = nodeBlockWorker(child, job, side);
      workers.add(worker);
      try {
        await worker.open();
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
