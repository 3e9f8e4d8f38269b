/** From a run folder to its history entry, and into a history folder: the one path `run --history`, `history add` and `ci --record` share. */
import { loadRunFolder } from '../../contract/run-data.ts';
import { provenanceOf, readGit } from './provenance.ts';
import type { HistoryEntry } from './schema.ts';
import { addEntry, HistoryError } from './store.ts';
import { summarizeRun } from './summarize.ts';

export interface RecordOptions {
  branch?: string;
  commit?: string;
  url?: string;
  env?: Record<string, string | undefined>;
  /** Where git is asked (default: the working directory). */
  cwd?: string;
  /** The device's name (`--device-id`), instead of the host's fingerprint; else MOBILENET_BENCH_DEVICE_ID. */
  deviceId?: string;
}

/** Names a user may give a device: they land in file contents and the PR comment, so plain characters only. */
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The device id from the option, else the environment; refused (HistoryError) when it is not a plain name. */
export function deviceIdOf(o: RecordOptions): string | undefined {
  const fromEnv = (o.env ?? process.env).MOBILENET_BENCH_DEVICE_ID;
  const id = o.deviceId ?? (fromEnv === '' ? undefined : fromEnv);
  if (id === undefined) return undefined;
  if (!DEVICE_ID.test(id))
    throw new HistoryError(
      `device id ${JSON.stringify(id.slice(0, 80))}${o.deviceId === undefined ? ' (MOBILENET_BENCH_DEVICE_ID)' : ' (--device-id)'}: use 1 to 64 letters, digits and . _ : - (for example ci-runner-3)`,
    );
  return id;
}

/** The history entry of a run folder (throws ResultsError for an unreadable run). */
export function entryOfRunFolder(runDir: string, o: RecordOptions = {}): HistoryEntry {
  const data = loadRunFolder(runDir);
  const source = provenanceOf(
    { env: o.env ?? process.env, git: readGit(o.cwd), recordedCommit: data.run.gitCommit, startedAt: data.run.startedAt },
    { branch: o.branch, commit: o.commit, url: o.url },
  );
  return summarizeRun(data, source, undefined, deviceIdOf(o));
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
