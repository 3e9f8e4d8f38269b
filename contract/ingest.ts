/**
 * What a target sends is untrusted input: a board's stdout, a page's result, a job process's
 * message. Lines are framed in linear time with a size cap (only the new chunk is scanned for
 * a newline, and a line in progress never grows past the cap), and a result is checked against
 * the results schema and the job's id before anything else reads it. Problems come back as
 * short messages (the first zod issue, never a stack), so the caller fails only that job.
 */
import type { ZodError } from 'zod';
import { JobResultSchema, type JobResult } from './results.ts';

/**
 * The largest line (or result text) a target may send: 16 MiB. A real profiled result
 * (α 1.0, 224 px, trace events included) measured 45 KB on the wire; long runs add samples
 * and predictions, so this leaves two orders of magnitude of room while keeping memory bounded.
 */
export const MAX_LINE_BYTES = 16 * 2 ** 20;

/** Longest part of a message quoted from what a target sent. */
const QUOTE_CHARS = 160;

/** Megabytes, for messages. */
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** A piece of untrusted text, shortened and on one line, for a message. */
export function quote(text: string, max = QUOTE_CHARS): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/**
 * Splits a byte stream into lines. `push` scans only the new chunk for newlines, so a long
 * line costs linear time; a line longer than `maxBytes` is not kept: `overflow` is set, its
 * bytes are dropped up to the next newline, and `onOverflow` is called once per such line.
 */
export class LineFramer {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private discarding = false;
  /** Bytes of the longest line seen (or of the overflowing one so far). */
  longest = 0;
  /** Set once any line went over the cap. */
  overflow = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxBytes = MAX_LINE_BYTES,
    private readonly onOverflow: (bytesSoFar: number) => void = () => {},
  ) {}

  push(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      const piece = buf.subarray(start, nl);
      start = nl + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      const bytes = this.partBytes + piece.byteLength;
      this.longest = Math.max(this.longest, bytes);
      if (bytes > this.maxBytes) {
        this.tooLong(bytes);
        this.discarding = false;
        continue;
      }
      const line = this.parts.length ? Buffer.concat([...this.parts, piece]).toString('utf8') : piece.toString('utf8');
      this.parts = [];
      this.partBytes = 0;
      this.onLine(line);
    }
    if (start >= buf.byteLength || this.discarding) return;
    const rest = buf.subarray(start);
    this.partBytes += rest.byteLength;
    this.longest = Math.max(this.longest, this.partBytes);
    if (this.partBytes > this.maxBytes) this.tooLong(this.partBytes);
    else this.parts.push(Buffer.from(rest)); // a copy: the chunk's buffer may be reused by the stream
  }

  /** What is left without a newline when the stream ended (undefined when nothing). */
  end(): string | undefined {
    if (this.discarding || this.partBytes === 0) return undefined;
    const line = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.partBytes = 0;
    return line;
  }

  private tooLong(bytes: number): void {
    this.parts = [];
    this.partBytes = 0;
    this.discarding = true;
    this.overflow = true;
    this.onOverflow(bytes);
  }
}

/** The first issue of a failed parse, short: `path: message`. */
export function firstIssue(error: ZodError): string {
  const issue = error.issues[0];
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${quote(issue.path.join('.') || '(the result)', 80)}: ${quote(issue.message)}${more}`;
}

/** A result that passed, or why it did not. */
export type Checked = { ok: true; result: JobResult } | { ok: false; reason: string };

/**
 * Check a result a target sent for `jobId`: the results schema, then that it is this job's.
 * `reason` says what was wrong, for a message that already names the target.
 */
export function checkResult(raw: unknown, jobId: string): Checked {
  const parsed = JobResultSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `its result does not match the results schema: ${firstIssue(parsed.error)}` };
  if (parsed.data.id !== jobId) return { ok: false, reason: `its result is for job "${quote(parsed.data.id, 100)}", not for this job (${jobId})` };
  return { ok: true, result: parsed.data };
}

/** Check a result sent as JSON text (a page's, a line's): size, JSON, schema, job id. */
export function checkResultText(text: unknown, jobId: string, maxBytes = MAX_LINE_BYTES): Checked {
  if (typeof text !== 'string') return { ok: false, reason: `its result is not JSON text but ${text === null ? 'null' : typeof text}` };
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) return { ok: false, reason: `its result is ${mib(bytes)}, over the ${mib(maxBytes)} limit of a result` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `its result is not valid JSON (${quote((e as Error).message, 100)}): ${quote(text, 80)}` };
  }
  return checkResult(raw, jobId);
}

/**
 * Check a result that arrived as a value (a job process's IPC message, a page's return value):
 * its size as JSON, then the schema and the job id. The transport (Node IPC, CDP) has already
 * received it whole; this keeps an oversized one from going further.
 */
export function checkResultValue(raw: unknown, jobId: string, maxBytes = MAX_LINE_BYTES): Checked {
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(raw) ?? '');
  } catch (e) {
    return { ok: false, reason: `its result cannot be written as JSON (${quote((e as Error).message, 100)})` };
  }
  if (bytes > maxBytes) return { ok: false, reason: `its result is ${mib(bytes)}, over the ${mib(maxBytes)} limit of a result` };
  return checkResult(raw, jobId);
}
