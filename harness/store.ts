/**
 * The results store: the append-only `results.jsonl` (one validated line per job, flushed as
 * each job finishes) and the atomically written `run.json` of a run folder.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { JobResultSchema, RunInfoSchema, type JobResult, type RunInfo } from './results.ts';

/** Problem reading a results folder: names the file and line. */
export class ResultsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultsError';
  }
}

const RESULTS_FILE = 'results.jsonl';
const RUN_FILE = 'run.json';

/** Path of the results lines in a run folder. */
export const resultsPath = (dir: string) => join(dir, RESULTS_FILE);
/** Path of run.json in a run folder. */
export const runInfoPath = (dir: string) => join(dir, RUN_FILE);

/** Append one validated job line and flush it to disk before returning (a crash loses at most the job in flight). */
export function appendResult(dir: string, result: JobResult): void {
  const line = JSON.stringify(JobResultSchema.parse(result)) + '\n';
  const fd = openSync(resultsPath(dir), 'a');
  try {
    appendFileSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read every complete job line. A final line cut off by a crash (no newline) is
 * dropped, and with `repair` also truncated away so that appending can go on.
 */
export function readResults(dir: string, { repair = false } = {}): JobResult[] {
  const file = resultsPath(dir);
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (repair && complete.length !== text.length) truncateSync(file, Buffer.byteLength(complete));
  return complete
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new ResultsError(`${file}:${i + 1}: not valid JSON`);
      }
      const parsed = JobResultSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ResultsError(`${file}:${i + 1}: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
      }
      return parsed.data;
    });
}

/** Write run.json atomically (temp file + rename), so a crash never leaves half a file. */
export function writeRunInfo(dir: string, info: RunInfo): void {
  const tmp = runInfoPath(dir) + '.tmp';
  writeFileSync(tmp, JSON.stringify(RunInfoSchema.parse(info), null, 2) + '\n');
  renameSync(tmp, runInfoPath(dir));
}

/** Read and validate run.json. */
export function readRunInfo(dir: string): RunInfo {
  const file = runInfoPath(dir);
  if (!existsSync(file)) throw new ResultsError(`${file}: not found (is ${dir} a run folder?)`);
  const parsed = RunInfoSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ResultsError(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
