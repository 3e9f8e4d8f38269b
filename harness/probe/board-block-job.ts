/**
 * Entry point of an A/B block worker on a remote board (bundled by esbuild into one CommonJS file
 * from the side's own checkout and run by the board's `node`): block commands arrive as JSON lines
 * on stdin, replies leave as JSON lines on stdout (block-wire.ts), `device` first. The `open`
 * command carries where the harness shipped the job's files. When stdin closes (the SSH link
 * dropped, the harness went away, or it closed this worker) the process exits: no orphan on the board.
 */
import { installWasmMemoryTracker } from './wasm-memory.ts';
import { blockCommandServer } from './block-serve.ts';
import type { BlockCommand } from './block-wire.ts';
import { boardProbeEnvironment, deviceLine, noteBoardWeights, readStdinLines, sendLine, type BoardFiles } from './board-env.ts';

installWasmMemoryTracker();
process.env.ORT_DISABLE_TELEMETRY = '1';

/** The board's `open`: the job and where its shipped files are. */
export type BoardOpenCommand = { type: 'open'; job: unknown; files: BoardFiles };

let files: BoardFiles | undefined;
const serve = blockCommandServer(
  async (cmd) => {
    files = (cmd as BoardOpenCommand).files;
    return boardProbeEnvironment(files);
  },
  sendLine,
  (result) => {
    if (files) noteBoardWeights(result, files);
    return result;
  },
);
readStdinLines((line) => {
  let cmd: BlockCommand;
  try {
    cmd = JSON.parse(line) as BlockCommand;
  } catch {
    process.stderr.write(`not a command: ${line.slice(0, 200)}\n`);
    return;
  }
  serve(cmd);
});
// No top-level await: the bundle is CommonJS.
void sendLine(deviceLine()).then(() => sendLine({ type: 'ready' }));
