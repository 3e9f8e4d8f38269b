/** From a run folder to its history entry, and into a history folder: the one path `run --history`, `history add` and `ci --record` share. */
import { loadRunFolder } from '../../contract/run-data.ts';
import { provenanceOf, readGit } from './provenance.ts';
import type { HistoryEntry } from './schema.ts';
import { addEntry } from './store.ts';
import { summarizeRun } from './summarize.ts';

export interface RecordOptions {
  branch?: string;
  commit?: string;
  url?: string;
  env?: Record<string, string | undefined>;
  /** Where git is asked (default: the working directory). */
  cwd?: string;
}

/** The history entry of a run folder (throws ResultsError for an unreadable run). */
export function entryOfRunFolder(runDir: string, o: RecordOptions = {}): HistoryEntry {
  const data = loadRunFolder(runDir);
  const source = provenanceOf(
    { env: o.env ?? process.env, git: readGit(o.cwd), recordedCommit: data.run.gitCommit, startedAt: data.run.startedAt },
    { branch: o.branch, commit: o.commit, url: o.url },
  );
  return summarizeRun(data, source);
}

/** Add a run folder to a history folder. */
export function recordRun(
  runDir: string,
  historyDir: string,
  o: RecordOptions = {},
): { entry: HistoryEntry; file: string; outcome: 'added' | 'already' | 'updated' } {
  const entry = entryOfRunFolder(runDir, o);
  return { entry, ...addEntry(historyDir, entry) };
}
