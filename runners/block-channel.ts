/**
 * A block worker seen from the controller, whatever carries its messages (IPC to a Node process,
 * JSON lines over SSH to a board process): one request at a time, each answered within a limit or
 * the worker is killed, every reply parsed with the wire schema (what a worker sends is untrusted),
 * a result checked against the results schema and the job id.
 */
import type { BlockTiming, BlockWorker, SideRuntime } from '../harness/ab/block-worker.ts';
import { BlockReplySchema, type BlockCommand, type BlockReply } from '../harness/probe/block-wire.ts';
import type { Job } from '../harness/plan.ts';
import type { JobResult } from '../contract/results.ts';
import { checkResultValue, firstIssue, quote } from '../contract/ingest.ts';

/** How the channel reaches its worker. */
export interface BlockTransport {
  send(cmd: BlockCommand | Record<string, unknown>): void;
  /** Stop the worker at once (it is then reported through `ended`). */
  kill(): void;
}

/** A side's worker behind a transport; the transport calls `receive` with each message and `ended` once. */
export class BlockChannel implements BlockWorker {
  private waiting: { want: BlockReply['type'][]; resolve: (r: BlockReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private exited: string | undefined;
  private readonly gone: Promise<void>;
  private markGone!: () => void;
  private seq = 0;

  constructor(
    private readonly transport: BlockTransport,
    private readonly job: Job,
    private readonly side: SideRuntime,
    /** Shapes the result before it is returned (the board's device record). */
    private readonly amend: (r: JobResult) => JobResult = (r) => r,
  ) {
    this.gone = new Promise((resolve) => {
      this.markGone = resolve;
    });
  }

  /** A message from the worker (untrusted). */
  receive(raw: unknown): void {
    const parsed = BlockReplySchema.safeParse(raw);
    if (!parsed.success) {
      this.transport.kill();
      this.fail(new Error(`side ${this.side.name}'s worker sent what cannot be accepted: ${firstIssue(parsed.error)}`));
      return;
    }
    const w = this.waiting;
    if (!w?.want.includes(parsed.data.type)) return;
    this.waiting = undefined;
    clearTimeout(w.timer);
    w.resolve(parsed.data);
  }

  /** The worker is gone: `why` names the process and how it ended. */
  ended(why: string): void {
    if (this.exited) return;
    this.exited = why;
    this.fail(new Error(why));
    this.markGone();
  }

  /** Why the worker is gone, or undefined while it lives. */
  get endedBecause(): string | undefined {
    return this.exited;
  }

  private fail(e: Error): void {
    const w = this.waiting;
    if (!w) return;
    this.waiting = undefined;
    clearTimeout(w.timer);
    w.reject(e);
  }

  /** Send a command (null: only wait) and wait for one of the wanted replies, within `limitMs`. */
  request(cmd: BlockCommand | Record<string, unknown> | null, want: BlockReply['type'][], limitMs: number, what: string): Promise<BlockReply> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.transport.kill();
        this.fail(new Error(`side ${this.side.name}'s worker did not answer ${what} within ${Math.round(limitMs / 1000)} s and was killed`));
      }, limitMs);
      this.waiting = { want, resolve, reject, timer };
      if (cmd) this.transport.send(cmd);
    });
  }

  /** Wait for `ready`, send the open command (default: the job), and refuse a job the side cannot load. */
  async open(openCommand: Record<string, unknown> = { type: 'open', job: this.job }): Promise<void> {
    await this.request(null, ['ready'], this.job.timeoutMs, 'its start');
    const opened = await this.request(openCommand, ['opened', 'failed'], this.job.timeoutMs, 'loading the job');
    if (opened.type === 'failed') {
      const result = checkedResult(opened, this.job, this.side);
      throw new Error(`side ${this.side.name} (${this.side.spec}) cannot run ${this.job.id}: ${quote(result.error ?? 'failed', 600)}`);
    }
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
    return this.amend(checkedResult(r, this.job, this.side));
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.transport.kill();
    await this.gone;
  }
}

/** A result message checked against the results schema and the job id. */
function checkedResult(r: BlockReply, job: Job, side: SideRuntime): JobResult {
  const raw = 'result' in r ? r.result : undefined;
  const checked = checkResultValue(raw, job.id);
  if (!checked.ok) throw new Error(`side ${side.name}'s worker sent what cannot be accepted: ${checked.reason}`);
  return checked.result;
}
