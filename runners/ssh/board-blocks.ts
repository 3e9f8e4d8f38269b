/**
 * The ssh target's A/B block workers: one long-lived Node process ON THE BOARD per side per worker
 * pair, over the board's one SSH connection, each holding its side's job loaded and warmed
 * (harness/probe/board-block-job.ts, bundled from the side's own checkout with the runtime files of
 * that checkout's node_modules) and timing blocks on request. Commands go as JSON lines on the
 * process's stdin, replies come back as JSON lines on its stdout: the board is untrusted, so each
 * line is size-capped and parsed with the wire schema (runners/block-channel.ts), a result checked
 * against the results schema and the job id. A process that dies or a link that drops rejects the
 * block in flight, and the controller drops that pair.
 */
import type { BlockWorker, BlockWorkerHost, SideRuntime } from '../../harness/ab/block-worker.ts';
import type { BoardOpenCommand } from '../../harness/probe/board-block-job.ts';
import type { Job } from '../../harness/plan.ts';
import { SINGLE_INSTANCE } from '../../harness/runner.ts';
import { LineFramer, MAX_LINE_BYTES, mib } from '../../contract/ingest.ts';
import { BlockChannel } from '../block-channel.ts';
import {
  boardCommand,
  connectCheckedBoard,
  noteDeviceLine,
  shipJobData,
  shipRuntime,
  wasmDirsOf,
  watchBoardProcess,
  type CheckedBoard,
  type ShippedRuntime,
} from './board-runtime.ts';
import { onBoard, type SshTarget } from './session.ts';

/** How long a killed worker's channel may take to close before it is counted gone anyway. */
const CLOSE_GRACE_MS = 5000;

/** Starts board block workers for one ssh target: the connection opens, and the board's Node is checked, with the first worker. */
export function createSshBlockHost(target: SshTarget, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): BlockWorkerHost {
  let checked: Promise<CheckedBoard> | null = null;
  /** Runtime trees on the board, per side checkout; job data per side and job (the same for every worker pair). */
  const trees = new Map<string, Promise<ShippedRuntime>>();
  const data = new Map<string, ReturnType<typeof shipJobData>>();
  const workers = new Set<BlockChannel>();

  /** The board's connection, opened again (and its uploads checked again) once it dropped. */
  const connect = async (): Promise<CheckedBoard> => {
    const current = checked && (await checked.catch(() => null));
    if (current && current.board.conn.closedReason() === null) return current;
    current?.board.conn.close();
    trees.clear();
    data.clear();
    checked = connectCheckedBoard(target, SINGLE_INSTANCE);
    checked.catch(() => {
      checked = null;
    });
    return checked;
  };
  const once = <T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> => {
    let p = cache.get(key);
    if (!p) {
      p = make();
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    return p;
  };

  return {
    async start(job: Job, side: SideRuntime): Promise<BlockWorker> {
      const cb = await connect();
      const host = cb.board.conn.endpoint.host;
      let rt: ShippedRuntime;
      try {
        rt = await once(trees, side.root, async () => {
          const shipped = await shipRuntime(cb, side.root, 'block-job');
          log(`${target.name}: side ${side.name}'s A/B workers: ${shipped.summary}`);
          return shipped;
        });
      } catch (e) {
        throw new Error(`side ${side.name} (${side.spec}) cannot run on ${target.name}: ${(e as Error).message}`);
      }
      if (job.implementation.impl === 'ort-node' && rt.ortNodeUnavailable) throw new Error(`side ${side.name} (${side.spec}): ${rt.ortNodeUnavailable}`);
      const shipped = await once(data, `${side.name}\0${job.id}`, () => shipJobData(cb.board, job));
      // The side's own target settings (a config: side may set the board's env), on this host's board.
      const command = boardCommand(job.target.type === 'ssh' ? job.target : target, rt.tree, 'block-job', side);
      const ch = await cb.board.conn.exec(command);

      const seen: { machine?: string; node?: string } = {};
      const channel = new BlockChannel(
        {
          send: (cmd) => ch.write(`${JSON.stringify(cmd)}\n`),
          kill: () => {
            try {
              ch.signal('KILL');
            } catch {
              /* the channel may be gone */
            }
            // Closing its stdin ends the process too (where sshd does not pass signals on).
            ch.close();
            setTimeout(() => channel.ended(`side ${side.name}'s worker on ${host} was stopped`), CLOSE_GRACE_MS).unref();
          },
        },
        job,
        side,
        (result) => onBoard(result, cb.board, null, seen),
      );
      const framer = new LineFramer(
        (line) => {
          let msg: unknown;
          try {
            msg = JSON.parse(line);
          } catch {
            return; // stray output from a runtime
          }
          if (!noteDeviceLine(msg, seen)) channel.receive(msg);
        },
        MAX_LINE_BYTES,
        (bytes) => {
          channel.ended(
            `side ${side.name}'s worker on ${host} printed a line of more than ${mib(MAX_LINE_BYTES)} (${mib(bytes)} without a newline) and was stopped`,
          );
          ch.close();
        },
      );
      const output = watchBoardProcess(ch, framer);
      ch.on('close', () => {
        workers.delete(channel);
        const tail = output.stderr.trim().split('\n').slice(-6).join('\n');
        channel.ended(
          `side ${side.name}'s worker process on ${host} ended (${output.signal ? `signal ${output.signal}` : `exit code ${output.code}`})${tail ? `; its last output:\n${tail}` : ''}`,
        );
      });
      void cb.board.conn.closed.then((why) => channel.ended(`the SSH link to ${host} dropped (${why})`));
      workers.add(channel);
      try {
        const open: BoardOpenCommand = {
          type: 'open',
          job,
          files: { weightsFile: shipped.weightsFile, inputsFile: shipped.inputsFile, ...wasmDirsOf(rt.tree) },
        };
        await channel.open(open);
        return channel;
      } catch (e) {
        await channel.close();
        throw e;
      }
    },
    async close() {
      await Promise.all([...workers].map((w) => w.close()));
      workers.clear();
      const cb = checked && (await checked.catch(() => null));
      checked = null;
      cb?.board.conn.close();
    },
  };
}
