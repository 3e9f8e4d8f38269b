/**
 * Outputs never overwrite inputs. Every command that reads runs and writes a file (report,
 * compare, baseline save, trend, ci) asks here first: an output that is one of its input files, or one of
 * an input run folder's own files (results.jsonl, run.json, run.lock, trace-*.json), or any path
 * in an input folder every file of which is read (a history), is refused before anything is read
 * or written. Paths are compared after resolving relative parts and
 * symlinks, and an existing output is also compared by inode, so a hard link is caught too.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { LOCK_FILE } from './lock.ts';
import { resultsPath, runInfoPath } from './store.ts';

/** An output path that is one of the command's inputs: exit 2, naming the path. */
export class OutputOverwritesInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputOverwritesInputError';
  }
}

/**
 * What a command reads: a run folder (all of its own files count), a single file (a baseline), or
 * a folder every file of which is an input (a history folder: `what` names it in the message).
 */
export type GuardInput = { runFolder: string } | { file: string } | { folder: string; what: string };

/** What a command writes: the path, and the option that named it (for the message). */
export interface GuardOutput {
  path: string;
  option: string;
}

/** True for the files a run folder owns: what the run wrote and reads back. */
function isRunFile(name: string): boolean {
  return name === basename(resultsPath('.')) || name === basename(runInfoPath('.')) || name === LOCK_FILE || /^trace-.*\.json$/.test(name);
}

/** The absolute path with every symlink resolved, also for a path that does not exist yet (its nearest existing ancestor is resolved). */
export function resolvedPath(path: string): string {
  let head = resolve(path);
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail);
    } catch {
      const parent = dirname(head);
      if (parent === head) return join(head, ...tail);
      tail.unshift(basename(head));
      head = parent;
    }
  }
}

function inode(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/** The input an output would overwrite, or null. */
function clash(output: string, input: GuardInput): string | null {
  const out = resolvedPath(output);
  const outIno = existsSync(out) ? inode(out) : null;
  if ('file' in input) {
    const file = resolvedPath(input.file);
    if (out === file || (outIno !== null && outIno === inode(file))) return `it is the input ${input.file}`;
    return null;
  }
  if ('folder' in input) {
    // Every file in it is read (a history's entries): nothing may be written there, under any name.
    const folder = resolvedPath(input.folder);
    if (out === folder) return `it is the ${input.what} ${input.folder}`;
    if (out.startsWith(folder + sep)) return `it is inside the ${input.what} ${input.folder}, every file of which this command reads`;
    if (outIno !== null && existsSync(folder)) {
      for (const name of readdirSync(folder)) {
        if (inode(join(folder, name)) === outIno) return `it is ${name} of the ${input.what} ${input.folder} (the same file under another name)`;
      }
    }
    return null;
  }
  const dir = resolvedPath(input.runFolder);
  if (out === dir) return `it is the input run folder ${input.runFolder}`;
  // A run file by name (whether or not it exists yet: run.lock, results.jsonl of a run in progress)…
  if (dirname(out) === dir && isRunFile(basename(out))) return `it is ${basename(out)} of the input run folder ${input.runFolder}`;
  if (out.startsWith(dir + sep) && isRunFile(out.slice(dir.length + 1).split(sep)[0]))
    return `it is inside ${out.slice(dir.length + 1).split(sep)[0]} of the input run folder ${input.runFolder}`;
  // …or the same file under another name (a hard link).
  if (outIno !== null && existsSync(dir)) {
    for (const name of readdirSync(dir).filter(isRunFile)) {
      if (inode(join(dir, name)) === outIno) return `it is ${basename(name)} of the input run folder ${input.runFolder} (the same file under another name)`;
    }
  }
  return null;
}

/**
 * Throw OutputOverwritesInputError when an output would replace an input; call it before the
 * command reads or writes anything, so a refused command changes nothing on disk.
 */
export function refuseOutputsOverInputs(outputs: readonly GuardOutput[], inputs: readonly GuardInput[]): void {
  for (const o of outputs) {
    for (const input of inputs) {
      const why = clash(o.path, input);
      if (why) {
        throw new OutputOverwritesInputError(
          `${o.option} ${o.path}: refusing to write there, ${why}; writing it would destroy what this command reads. Choose an output path outside the inputs (e.g. a new file beside them)`,
        );
      }
    }
  }
}

/** A command-line input as the guard sees it: a folder is a run folder; run.json or results.jsonl stand for their folder; anything else is a file. */
export function guardInputOf(path: string): GuardInput {
  try {
    if (statSync(path).isDirectory()) return { runFolder: path };
  } catch {
    return { file: path };
  }
  const name = basename(path);
  if (name === basename(resultsPath('.')) || name === basename(runInfoPath('.'))) return { runFolder: dirname(path) };
  return { file: path };
}
