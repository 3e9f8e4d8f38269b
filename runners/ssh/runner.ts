/**
 * The ssh target's job runner: each job runs in a fresh Node process on the board (the bundled
 * harness/probe/board-job.ts), its result streamed back as a JSON line and checked before it is kept.
 */
import type { Job } from '../../harness/plan.ts';
import { baseResult } from '../../harness/probe/probe.ts';
import type { JobResult, ThermalReading } from '../../contract/results.ts';
import type { InstanceRef, Runner } from '../../harness/runner.ts';
import { readBoardThermal } from './board.ts';
import type { UploadStats } from './cas.ts';
import type { SshConnection } from './connection.ts';
import type { RemoteJobRequest } from '../../harness/probe/board-job.ts';
import { checkResult, LineFramer, MAX_LINE_BYTES, mib, quote } from '../../contract/ingest.ts';
import {
  boardCommand,
  connectCheckedBoard,
  INSTALL_NODE,
  noteDeviceLine,
  shipJobData,
  shipRuntime,
  wasmDirsOf,
  watchBoardProcess,
  type BoardProcessOutput,
} from './board-runtime.ts';
import { onBoard, sshHostOf, type Board, type SshRunnerOptions, type SshTarget } from './session.ts';

/** Create the runner for one board of an ssh target; connects at once, so a board that cannot be reached fails its jobs with the reason. */
export async function createSshRunner(target: SshTarget, instance: InstanceRef, options: SshRunnerOptions = {}): Promise<Runner> {
  if (target.browser === 'chromium') return (await import('./chromium.ts')).createRemoteChromiumRunner(target, instance, options);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const instanceName = target.hosts ? sshHostOf(target, instance) : null;
  let board: Board | null = null;
  let tree: string | null = null;
  let ortNodeUnavailable: string | null = null;
  /** Bytes of runtime files sent since the last job recorded them. */
  let pendingRuntime: UploadStats | null = null;

  const connect = async (): Promise<Board> => {
    if (board && board.conn.closedReason() === null) return board;
    board?.conn.close();
    board = null;
    const cb = await connectCheckedBoard(target, instance);
    try {
      const rt = await shipRuntime(cb);
      tree = rt.tree;
      ortNodeUnavailable = rt.ortNodeUnavailable;
      log(`${target.name}: ${rt.summary}`);
      pendingRuntime = rt.stats;
    } catch (e) {
      cb.board.conn.close();
      throw e;
    }
    board = cb.board;
    return cb.board;
  };

  await connect();

  const runJob = async (job: Job): Promise<JobResult> => {
    const started = Date.now();
    const failed = (why: string) => {
      const r = baseResult(job, 'failed', why);
      r.durationMs = Date.now() - started;
      return r;
    };
    let b: Board;
    try {
      b = await connect();
    } catch (e) {
      return failed(`${target.name}: ${(e as Error).message}`);
    }
    if (job.implementation.impl === 'ort-node' && ortNodeUnavailable) return baseResult(job, 'skipped', ortNodeUnavailable);
    let data;
    try {
      data = await shipJobData(b, job);
    } catch (e) {
      return failed(`shipping the job's data to ${b.conn.endpoint.host}: ${(e as Error).message}`);
    }
    const runtime = pendingRuntime;
    pendingRuntime = null;
    const request: RemoteJobRequest = { job, weightsFile: data.weightsFile, inputsFile: data.inputsFile, ...wasmDirsOf(tree!) };
    const command = boardCommand(target, tree!, 'job');
    const outcome = await new Promise<{
      result?: JobResult;
      seen: { machine?: string; node?: string };
      code: number | null;
      signal: string | null;
      stderr: string;
      lost?: string;
      timedOut: boolean;
      refused?: string;
    }>((done) => {
      const seen: { machine?: string; node?: string } = {};
      let result: JobResult | undefined;
      /** Why what the board sent was not accepted (the first problem): the job fails with it. */
      let refused: string | undefined;
      let output: BoardProcessOutput = { stderr: '', code: null, signal: null };
      let timedOut = false;
      let finished = false;
      const finish = (lost?: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        done({ ...(result ? { result } : {}), seen, ...output, ...(lost ? { lost } : {}), timedOut, ...(refused ? { refused } : {}) });
      };
      /** Stop the remote process (the job is over: too slow, or it sent what cannot be accepted). */
      const kill = () => {
        try {
          channel?.signal('KILL');
        } catch {
          /* the channel may be gone */
        }
        channel?.close();
        setTimeout(() => finish(), 5000).unref();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, job.timeoutMs);
      let channel: Awaited<ReturnType<SshConnection['exec']>> | undefined;
      b.conn.closed.then((why) => finish(why));
      // The board is not trusted: each line is size-capped, parsed on its own and checked before it is kept.
      const onLine = (line: string) => {
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch {
          return; // stray output from a runtime
        }
        if (!msg || typeof msg !== 'object') return;
        const m = msg as { type?: unknown; result?: unknown };
        if (noteDeviceLine(m, seen)) {
          if (options.onJobStarted) void Promise.resolve(options.onJobStarted(job, b.conn)).catch(() => {});
        } else if (m.type === 'result' && !result && !refused) {
          const checked = checkResult(m.result, job.id);
          if (checked.ok) result = checked.result;
          else {
            refused = checked.reason;
            kill();
          }
        }
      };
      const framer = new LineFramer(onLine, MAX_LINE_BYTES, (bytes) => {
        refused ??= `it printed a line of more than ${mib(MAX_LINE_BYTES)} (${mib(bytes)} without a newline), over the limit of a result line; the job's process was stopped`;
        kill();
      });
      b.conn.exec(command).then(
        (ch) => {
          channel = ch;
          output = watchBoardProcess(ch, framer);
          ch.on('close', () => finish());
          ch.write(`${JSON.stringify(request)}\n`);
        },
        (e: Error) => finish(e.message),
      );
    });
    const host = b.conn.endpoint.host;
    let result: JobResult;
    if (outcome.refused)
      result = failed(
        `${target.name}: the job's process on ${host} sent what cannot be accepted: ${outcome.refused}${outcome.stderr.trim() ? `; its last output: ${quote(outcome.stderr.trim().split('\n').slice(-3).join(' / '), 300)}` : ''}`,
      );
    else if (outcome.result) result = outcome.result;
    else if (outcome.timedOut)
      result = failed(
        `exceeded its time limit of ${Math.round(job.timeoutMs / 1000)} s on ${host} and was killed (raise jobTimeoutMs, or lower sampling.maxTimeMs / accuracy.samples)`,
      );
    else if (outcome.lost || b.conn.closedReason())
      result = failed(`the SSH link to ${host} dropped during the job (${outcome.lost ?? b.conn.closedReason()}); this job is lost, the next one reconnects`);
    else if (outcome.code === 127) result = failed(`no Node on ${host}: \`${target.node}\` was not found (exit 127). ${INSTALL_NODE}`);
    else {
      const tail = outcome.stderr.trim().split('\n').slice(-8).join('\n');
      result = failed(
        `the job's process on ${host} died (${outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`}) before reporting${tail ? `; its last output:\n${tail}` : ''}`,
      );
    }
    return onBoard(result, b, instanceName, outcome.seen, {
      jobBytesSent: data.stats.bytesSent,
      runtimeBytesSent: runtime?.bytesSent ?? 0,
      runtimeFilesSent: runtime?.filesSent ?? 0,
    });
  };

  return {
    runJob,
    async readThermal(): Promise<ThermalReading[]> {
      return readBoardThermal((await connect()).conn);
    },
    async close() {
      board?.conn.close();
      board = null;
    },
  };
}
