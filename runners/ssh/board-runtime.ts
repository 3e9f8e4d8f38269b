/**
 * Getting a board ready to run code, shared by the job runner (runner.ts) and the A/B block workers
 * (board-blocks.ts): connect, check the board's Node (its platform and arch pick the native
 * binary), ship a runtime tree into the board's content-addressed cache, and ship a job's data.
 */
import { posix } from 'node:path';
import type { ClientChannel } from 'ssh2';
import type { LineFramer } from '../../contract/ingest.ts';
import type { Job } from '../../harness/plan.ts';
import type { InstanceRef } from '../../harness/runner.ts';
import { evalInputsInNode, loadWeightsInNode } from '../../harness/probe/node-env.ts';
import { encodeEvalInputs, encodeWeights } from '../../harness/probe/wire.ts';
import { seconds } from '../../harness/time-limit.ts';
import { runtimeTree, type BoardEntry } from './bundle.ts';
import { ensureTree, shippedBytes, shippedPath, syncToCas, type UploadStats } from './cas.ts';
import { shellQuote, SshError } from './connection.ts';
import { connectBoard, type Board, type SshTarget } from './session.ts';

/** The job bundle's target (esbuild `node20`). */
const MIN_NODE_MAJOR = 20;
export const INSTALL_NODE = `Install Node ≥ ${MIN_NODE_MAJOR} on the board (the arm64 tarball from nodejs.org, or NodeSource's apt repository: Debian/Raspberry Pi OS bookworm's own nodejs is 18), or set the target's node to its path`;

/** Why the board's Node cannot run jobs, from `node -p 'version platform arch'`; null when it can. */
export function remoteNodeProblem(r: { code: number | null; stdout: string; stderr: string }, node: string, host: string): string | null {
  if (r.code === 127) return `no Node on ${host}: \`${node}\` was not found (exit 127). ${INSTALL_NODE}`;
  const [version, , arch] = r.stdout.trim().split(' ');
  if (r.code !== 0 || !/^v\d+/.test(version ?? '') || !arch)
    return `\`${node}\` failed on ${host} (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`;
  const major = Number(/^v(\d+)/.exec(version)![1]);
  return major < MIN_NODE_MAJOR ? `Node ${version} on ${host} is too old: the job needs Node ≥ ${MIN_NODE_MAJOR}. ${INSTALL_NODE}` : null;
}

/** A connected board whose Node was checked. */
export interface CheckedBoard {
  board: Board;
  nodeVersion: string;
  /** The board Node's platform and arch (under emulation they differ from uname's). */
  platform: string;
  arch: string;
}

/** Connect to a board and check its Node; the connection is closed again when the check fails. */
export async function connectCheckedBoard(target: SshTarget, instance: InstanceRef): Promise<CheckedBoard> {
  const b = await connectBoard(target, instance);
  try {
    const version = await b.conn.run(`${shellQuote(target.node)} -p 'process.version + " " + process.platform + " " + process.arch'`, undefined, {
      timeoutMs: target.nodeCheckTimeoutMs,
      what: `the Node version check (\`${target.node} -p process.version\`)`,
      hint: `is the target's node a working Node ≥ ${MIN_NODE_MAJOR}? A wrapper that waits for input, or a board too slow to start Node in ${seconds(target.nodeCheckTimeoutMs)} (raise nodeCheckTimeoutMs)`,
    });
    const problem = remoteNodeProblem(version, target.node, b.conn.endpoint.host);
    if (problem) throw new SshError(problem);
    const [nodeVersion, platform, arch] = version.stdout.trim().split(' ');
    return { board: b, nodeVersion, platform, arch };
  } catch (e) {
    b.conn.close();
    throw e;
  }
}

/** A runtime tree in place on the board. */
export interface ShippedRuntime {
  /** The tree's folder on the board. */
  tree: string;
  ortNodeUnavailable: string | null;
  stats: UploadStats;
  /** For the progress line. */
  summary: string;
}

/** Ship the runtime tree of `entry` built from the checkout at `root` (default: this one). */
export async function shipRuntime(cb: CheckedBoard, root?: string, entry: BoardEntry = 'job'): Promise<ShippedRuntime> {
  const b = cb.board;
  const rt = await runtimeTree(cb.platform, cb.arch, root, entry);
  const files = rt.files.map((f) => ({ ...f, shipped: shippedPath(f.local) }));
  const stats = await syncToCas(
    b.conn,
    b.casDir,
    files.map((f) => f.shipped),
  );
  const tree = await ensureTree(
    b.conn,
    b.casDir,
    posix.join(b.remoteDir, 'trees'),
    files.map((f) => ({ rel: f.rel, sha256: f.shipped.sha256 })),
  );
  const total = files.reduce((s, f) => s + f.shipped.size, 0);
  const summary = `${b.conn.url} (${b.info.model ?? b.info.unameM}, Node ${cb.nodeVersion} ${cb.platform}/${cb.arch}): runtime ${files.length} files, ${(total / 2 ** 20).toFixed(1)} MiB; uploaded ${stats.filesSent} files (${stats.bytesSent} bytes), ${stats.filesReused} already in ${b.casDir}`;
  return { tree, ortNodeUnavailable: rt.ortNodeUnavailable, stats, summary };
}

/** Upload a job's data (canonical weights from files, eval inputs with reference logits). */
export async function shipJobData(board: Board, job: Job): Promise<{ weightsFile: string | null; inputsFile: string; stats: UploadStats }> {
  const weights = await loadWeightsInNode(job.weights, job);
  const inputs = shippedBytes(encodeEvalInputs(await evalInputsInNode(job, weights)));
  const w = job.weights.kind === 'file' ? shippedBytes(encodeWeights(weights)) : null;
  const stats = await syncToCas(board.conn, board.casDir, w ? [w, inputs] : [inputs]);
  return { weightsFile: w ? posix.join(board.casDir, w.sha256) : null, inputsFile: posix.join(board.casDir, inputs.sha256), stats };
}

/** Where a runtime tree's wasm folders are, as a board process is told. */
export function wasmDirsOf(tree: string): { tfjsWasmDir: string; ortWasmDir: string } {
  return { tfjsWasmDir: `${posix.join(tree, 'tfjs-wasm')}/`, ortWasmDir: `${posix.join(tree, 'ort-wasm')}/` };
}

/** The shell command that runs a tree's bundle with the target's environment (ORT telemetry off), and an A/B side's own env and Node flags. */
export function boardCommand(target: SshTarget, tree: string, entry: BoardEntry, side: { env?: Record<string, string>; execArgv?: string[] } = {}): string {
  const env = Object.entries({ ...target.env, ...side.env, ORT_DISABLE_TELEMETRY: '1' })
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(' ');
  const flags = (side.execArgv ?? []).map((a) => `${shellQuote(a)} `).join('');
  return `cd ${shellQuote(tree)} && exec env ${env} ${shellQuote(target.node)} ${flags}${entry}.cjs`;
}

/** What a board process printed on stderr (its tail) and how it ended, as its channel reports. */
export interface BoardProcessOutput {
  stderr: string;
  code: number | null;
  signal: string | null;
}

const STDERR_TAIL_CHARS = 2000;

/** Wire a board process's channel: stdout into the line framer (until a line overflows), stderr's tail and the exit kept. */
export function watchBoardProcess(ch: ClientChannel, framer: LineFramer): BoardProcessOutput {
  const out: BoardProcessOutput = { stderr: '', code: null, signal: null };
  ch.on('data', (d: Buffer) => {
    if (!framer.overflow) framer.push(d);
  });
  ch.stderr.on('data', (d: Buffer) => {
    out.stderr = (out.stderr + d.toString()).slice(-STDERR_TAIL_CHARS);
  });
  ch.on('exit', (c: number | null, s?: string) => {
    out.code = c;
    out.signal = s ?? null;
  });
  return out;
}

/** Keep what a `device` line says (size-capped: the board is untrusted); false for any other message. */
export function noteDeviceLine(msg: unknown, seen: { machine?: string; node?: string }): boolean {
  const m = msg as { type?: unknown; machine?: unknown; node?: unknown } | null;
  if (!m || typeof m !== 'object' || m.type !== 'device') return false;
  if (typeof m.machine === 'string') seen.machine = m.machine.slice(0, 100);
  if (typeof m.node === 'string') seen.node = m.node.slice(0, 100);
  return true;
}
