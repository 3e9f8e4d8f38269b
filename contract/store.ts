/**
 * The results store: the append-only `results.jsonl` (one validated line per job, flushed as
 * each job finishes) and the atomically written `run.json` of a run folder. A write that fails
 * (disk full, read-only folder) leaves only whole lines and whole files behind, and says so.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JobResultSchema, RunInfoSchema, type JobResult, type RunInfo } from './results.ts';
import { firstIssue } from './ingest.ts';
import { readRegularText, UnsafeFileError } from './safe-read.ts';

/** The cap on results.jsonl: about the longest string Node can hold (a sustained 128-job run is far below it), so a hostile file is refused, not read. */
const MAX_RESULTS_BYTES = 500 * 2 ** 20;

/** Problem reading a results folder: names the file and line. */
export class ResultsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultsError';
  }
}

/** A write to a run folder failed (no space, read-only, permissions): names the file, the cause and the way on. */
export class StoreWriteError extends ResultsError {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'StoreWriteError';
  }
}

/** A result that does not match the results schema was refused at append: nothing was written. */
export class InvalidResultError extends ResultsError {
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(`the result of job ${jobId} does not match the results schema (${reason}); it was not written`);
    this.name = 'InvalidResultError';
  }
}

const RESULTS_FILE = 'results.jsonl';
const RUN_FILE = 'run.json';

/** Path of the results lines in a run folder. */
export const resultsPath = (dir: string) => join(dir, RESULTS_FILE);
/** Path of run.json in a run folder. */
export const runInfoPath = (dir: string) => join(dir, RUN_FILE);

/** What an errno means to a user. */
const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EFBIG: 'file too large',
};

/** Turn a failed write into a StoreWriteError that says what was kept and how to go on. */
export function writeFailure(
  file: string,
  e: unknown,
  fix = `free space or make ${dirname(file)} writable, then continue with \`mobilenet-bench run --resume ${dirname(file)}\``,
): StoreWriteError {
  const code = (e as NodeJS.ErrnoException).code;
  const cause = (code && CAUSES[code]) ?? (e as Error).message;
  return new StoreWriteError(file, code, `cannot write ${file}: ${cause}${code ? ` (${code})` : ''}. Every result written before is intact; ${fix}`);
}

/**
 * Write `bytes` to `file` durably and atomically: a temp file beside it, fsynced, renamed over
 * it. On failure the temp file is removed and the old file (if any) is untouched: never a torn
 * or zero-byte file.
 */
export function writeFileAtomic(file: string, bytes: string | Uint8Array, onError: (e: unknown) => Error = (e) => writeFailure(file, e)): void {
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    for (let at = 0; at < buf.byteLength; ) at += writeSync(fd, buf, at, buf.byteLength - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined)
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    rmSync(tmp, { force: true });
    throw onError(e);
  }
}

/**
 * Append one validated job line and flush it to disk before returning (a crash loses at most the
 * job in flight). A result that fails validation is refused with an InvalidResultError before
 * anything is written. A failed write is undone to the last whole line (a file it created is
 * removed), and a StoreWriteError names the file and cause.
 */
export function appendResult(dir: string, result: JobResult): void {
  const file = resultsPath(dir);
  const parsed = JobResultSchema.safeParse(result);
  if (!parsed.success) throw new InvalidResultError(typeof result?.id === 'string' ? result.id : '(no id)', firstIssue(parsed.error));
  const line = Buffer.from(JSON.stringify(parsed.data) + '\n');
  const existed = existsSync(file);
  let fd: number | undefined;
  let size: number | undefined;
  try {
    fd = openSync(file, 'a');
    size = fstatSync(fd).size;
    for (let at = 0; at < line.byteLength; ) at += writeSync(fd, line, at, line.byteLength - at);
    fsyncSync(fd);
  } catch (e) {
    // Cut a partly written line away, so the file holds only whole lines (resume needs nothing else).
    if (fd !== undefined && size !== undefined)
      try {
        ftruncateSync(fd, size);
      } catch {
        /* resume repairs a torn tail */
      }
    if (!existed && (size ?? 0) === 0) rmSync(file, { force: true });
    throw writeFailure(file, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Parse and validate one line; null when it is not a job line. */
function parseLine(line: string): JobResult | null {
  try {
    const parsed = JobResultSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether `later` is the retry of `earlier`: the next attempt at a job that failed or was invalid. */
function supersedes(later: JobResult, earlier: JobResult): boolean {
  return (later.attempt ?? 1) === (earlier.attempt ?? 1) + 1 && (earlier.status === 'failed' || earlier.status === 'invalid');
}

/**
 * Read the folder's results, one per job id: every complete job line, where a job re-run by
 * `--resume --retry-failed` (a line with `attempt` n+1 after its failed or invalid attempt n) takes
 * its earlier line's place; the superseded lines stay in the file as history. Reports, compare and
 * resume all read through here. A final line without its newline is kept when it is a whole,
 * valid job line (only the newline was lost); one cut off by a crash is dropped. With `repair`
 * the file is fixed in place so that appending can go on (newline added, or the cut line removed).
 * Any other job id on two lines (two writers on one folder) is refused with both line numbers.
 */
export function readResults(dir: string, { repair = false } = {}): JobResult[] {
  const file = resultsPath(dir);
  if (!existsSync(file)) return [];
  let text: string;
  try {
    text = readRegularText(file, MAX_RESULTS_BYTES);
  } catch (e) {
    if (e instanceof UnsafeFileError) throw new ResultsError(e.message);
    throw new ResultsError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  // The last line lacks its newline: whole and valid (only the newline was lost) → keep; else cut by a crash → drop.
  let fix: (() => void) | null = null;
  if (complete.length !== text.length) {
    if (parseLine(text.slice(complete.length))) {
      complete = text + '\n';
      fix = () => appendBytes(file, '\n');
    } else {
      const keep = Buffer.byteLength(complete);
      fix = () => {
        try {
          truncateSync(file, keep);
        } catch (e) {
          throw writeFailure(file, e);
        }
      };
    }
  }
  const lines = complete.split('\n');
  const results: JobResult[] = [];
  const lineOf = new Map<string, number>();
  const indexOf = new Map<string, number>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new ResultsError(`${file}:${i + 1}: not valid JSON; fix or delete that line (a line cut by a crash can only be the last one)`);
    }
    const parsed = JobResultSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ResultsError(`${file}:${i + 1}: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
    }
    const id = parsed.data.id;
    const first = lineOf.get(id);
    if (first !== undefined) {
      // A `--retry-failed` line (the next attempt at a failed or invalid job) supersedes the earlier one in place; any other repeat is a second writer.
      const at = indexOf.get(id)!;
      if (!supersedes(parsed.data, results[at])) {
        throw new ResultsError(
          `${file}: job ${id} is on lines ${first} and ${i + 1}: two writers ran on this folder. Keep one line per job (delete the later copy) before reading it`,
        );
      }
      results[at] = parsed.data;
    } else {
      indexOf.set(id, results.length);
      results.push(parsed.data);
    }
    lineOf.set(id, i + 1);
  });
  // Only once every line is known good: a refused read changes nothing on disk.
  if (repair && fix) fix();
  return results;
}

function appendBytes(file: string, text: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'a');
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    throw writeFailure(file, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Write run.json atomically (temp file, fsync, rename), so a crash or a full disk never leaves half a file. */
export function writeRunInfo(dir: string, info: RunInfo): void {
  writeFileAtomic(runInfoPath(dir), JSON.stringify(RunInfoSchema.parse(info), null, 2) + '\n');
}

/** Read and validate run.json; a missing, truncated or invalid file is a ResultsError naming it. */
export function readRunInfo(dir: string): RunInfo {
  const file = runInfoPath(dir);
  if (!existsSync(file)) throw new ResultsError(`${file}: not found (is ${dir} a run folder?)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularText(file));
  } catch (e) {
    if (e instanceof UnsafeFileError) throw new ResultsError(`${e.message}; run.json must be the run's own record`);
    const reason =
      e instanceof SyntaxError
        ? `not valid JSON (truncated or corrupt: ${e.message})`
        : `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    throw new ResultsError(
      `${file}: ${reason}; this folder's run record is damaged, so it cannot be resumed or reported. Start a new run (--out), or restore run.json`,
    );
  }
  const parsed = RunInfoSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ResultsError(`${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return parsed.data;
}
