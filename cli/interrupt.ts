/**
 * Ctrl-C (and SIGTERM, SIGHUP) during `run`: say what is saved and how to resume, then exit.
 * Exiting runs the cleanup of everything else (job processes killed by PID, browser profile
 * folders removed, the run folder's lock released).
 */

import { EXIT, SIGNAL_EXIT } from '../contract/exit-codes.ts';

const EXIT_CODES: Record<string, number> = SIGNAL_EXIT;

/** What the handler needs to know about the run so far. */
export interface RunProgress {
  dir: string | null;
  finished: number;
}

/** Install the handlers; returns a function that removes them. */
export function onInterrupt(progress: RunProgress, stream: NodeJS.WritableStream = process.stderr): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const what = progress.dir
      ? `Interrupted (${signal}). ${progress.finished} job${progress.finished === 1 ? '' : 's'} finished in this session; every finished job is saved in ${progress.dir}/results.jsonl.\nContinue with:\n  mobilenet-bench run --resume ${progress.dir}\n`
      : `Interrupted (${signal}) before any job started; nothing was written.\n`;
    stream.write(`\n${what}`);
    process.exit(EXIT_CODES[signal] ?? EXIT.failed);
  };
  for (const s of Object.keys(EXIT_CODES)) process.on(s, handler);
  return () => {
    for (const s of Object.keys(EXIT_CODES)) process.off(s, handler);
  };
}
