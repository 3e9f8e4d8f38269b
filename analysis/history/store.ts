/**
 * The history folder: one `<entry id>.json` per run, so branches and machines merge without
 * conflicts. Adding writes a temp file and hard-links it into place: the link fails when the
 * name exists, so two writers never overwrite each other, and the same run added twice is kept
 * once. Reading validates every file and names each one it cannot use (truncated, another
 * schema version, a duplicate id) instead of counting it silently.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularText, UnsafeFileError } from '../../contract/safe-read.ts';
import { HISTORY_SCHEMA_VERSION, HistoryEntrySchema, instantOf, type HistoryEntry } from './schema.ts';

/** A history folder that cannot be read or written: names the file. */
export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

/** A file of the history that was left out, and why. */
export interface HistoryProblem {
  file: string;
  message: string;
}

export interface History {
  dir: string;
  /** Valid entries, oldest first (by the source time, then the run's start, then id). */
  entries: HistoryEntry[];
  /** Where each entry was read from. */
  fileOf: Map<HistoryEntry, string>;
  problems: HistoryProblem[];
}

const ENTRY_FILE = /\.json$/;

/** Oldest first: commit (or source) time, then the run's start, then id; times as instants (`09:00+09:00` is before `01:00Z`), never as strings. */
function byTime(a: HistoryEntry, b: HistoryEntry): number {
  return instantOf(a.source.time) - instantOf(b.source.time) || instantOf(a.startedAt) - instantOf(b.startedAt) || a.id.localeCompare(b.id);
}

/**
 * Add one entry: 'added'; 'already' when this very run is there with the same figures; 'updated'
 * when the same run (same id: run id, start and device) was added before and has changed since
 * (finished after being added unfinished, or resumed, or its failed jobs retried): the later
 * summary replaces the earlier one, so a run is never counted twice. Throws HistoryError when a
 * different run holds its id.
 */
export function addEntry(dir: string, entry: HistoryEntry): { file: string; outcome: 'added' | 'already' | 'updated' } {
  const parsed = HistoryEntrySchema.parse(entry);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${parsed.id}.json`);
  const temp = join(dir, `.${parsed.id}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(parsed)}\n`);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new HistoryError(
      `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check that ${dir} is a writable folder with free space`,
    );
  }
  try {
    linkSync(temp, file);
    return { file, outcome: 'added' };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new HistoryError(`cannot write ${file}: ${(e as Error).message}`);
    const existing = readEntryFile(file);
    if ('entry' in existing && existing.entry.runId === parsed.runId && existing.entry.device === parsed.device) {
      if (sameFigures(existing.entry, parsed)) return { file, outcome: 'already' };
      // The same run, summarised later: replace atomically (rename over the name).
      renameSync(temp, file);
      return { file, outcome: 'updated' };
    }
    throw new HistoryError(
      `${file} already exists and holds ${'entry' in existing ? `run ${existing.entry.runId}` : `something unreadable (${existing.message})`}, not this run; remove or repair that file`,
    );
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Whether two summaries of one run say the same (when they were recorded aside). */
function sameFigures(a: HistoryEntry, b: HistoryEntry): boolean {
  return JSON.stringify({ ...a, recordedAt: '' }) === JSON.stringify({ ...b, recordedAt: '' });
}

/** One file: its entry, or why it cannot be used. */
function readEntryFile(file: string): { entry: HistoryEntry } | { message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularText(file));
  } catch (e) {
    // A symlink to /dev/zero, a FIFO, a 2 GB file: named and skipped, never read.
    if (e instanceof UnsafeFileError) return { message: e.reason };
    return { message: `not valid JSON (${(e as Error).message}); a truncated or hand-edited file: restore it from the CI artifact or delete it` };
  }
  const v = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (v !== HISTORY_SCHEMA_VERSION)
    return {
      message: `schemaVersion ${JSON.stringify(v ?? null)}, this harness reads history schemaVersion ${HISTORY_SCHEMA_VERSION}; re-add the run with this harness or keep that history apart`,
    };
  const parsed = HistoryEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { message: `not a history entry: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { entry: parsed.data };
}

/** The strings every run repeats (job ids, runtimes, devices), kept once: a 5,000-run × 128-job history holds 640,000 copies of each otherwise. */
function internStrings(e: HistoryEntry, pool: Map<string, string>): void {
  const once = (s: string) => {
    const kept = pool.get(s);
    if (kept !== undefined) return kept;
    pool.set(s, s);
    return s;
  };
  for (const j of e.jobs) {
    j.id = once(j.id);
    j.target = once(j.target);
    j.impl = once(j.impl);
    j.backend = once(j.backend);
    j.precision = once(j.precision);
    j.device = once(j.device);
    if (j.weightsSource !== undefined) j.weightsSource = once(j.weightsSource);
  }
}

/** Read a history folder (a missing folder is an empty history). */
export function readHistory(dir: string): History {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => ENTRY_FILE.test(n) && !n.startsWith('.'))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { dir, entries: [], fileOf: new Map(), problems: [] };
    throw new HistoryError(`cannot read the history folder ${dir}: ${(e as Error).message}`);
  }
  const entries: HistoryEntry[] = [];
  const fileOf = new Map<HistoryEntry, string>();
  const problems: HistoryProblem[] = [];
  const seen = new Map<string, string>();
  const pool = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    const r = readEntryFile(file);
    if ('message' in r) {
      problems.push({ file, message: r.message });
      continue;
    }
    const first = seen.get(r.entry.id);
    if (first) {
      problems.push({ file, message: `holds entry ${r.entry.id}, which ${first} holds too (a copied file?); only ${first} is counted: delete the copy` });
      continue;
    }
    if (name !== `${r.entry.id}.json`) {
      problems.push({
        file,
        message: `holds entry ${r.entry.id} but is not named ${r.entry.id}.json (renamed by hand?); rename it so that adding the same run again is recognised`,
      });
      continue;
    }
    seen.set(r.entry.id, file);
    internStrings(r.entry, pool);
    entries.push(r.entry);
    fileOf.set(r.entry, file);
  }
  entries.sort(byTime);
  return { dir, entries, fileOf, problems };
}

/** Keep the newest `keep` entries of each branch and device; delete the rest. Returns the deleted files. */
export function pruneHistory(dir: string, keep: number): string[] {
  const history = readHistory(dir);
  const groups = new Map<string, HistoryEntry[]>();
  for (const e of history.entries) {
    const key = `${e.source.branch ?? ''}\u0000${e.device}`;
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  const removed: string[] = [];
  for (const list of groups.values()) {
    for (const e of list.slice(0, Math.max(0, list.length - keep))) {
      const file = history.fileOf.get(e)!;
      rmSync(file, { force: true });
      removed.push(file);
    }
  }
  return removed;
}

/** One line per problem, for stderr. */
export function describeProblems(problems: readonly HistoryProblem[]): string {
  return problems.map((p) => `history: ${p.file} not counted: ${p.message}\n`).join('');
}
