/**
 * A content hash of an eval set, for run.json: every image the scorer lists (the same listing
 * function, so a symlinked image that is scored is hashed too), each with its label and the
 * SHA-256 of its bytes, so a published method can name exactly which images were scored and a
 * resume can refuse a set whose images or labels changed. Unreadable sets give null (the run's
 * jobs report the reason).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listEvalItems } from './eval-set.ts';
import { classFolderImages, isClassFolderSet } from './eval-class-folders.ts';

/** What run.json records of the eval set. */
export interface EvalSetRecord {
  path: string;
  files: number;
  bytes: number;
  /** SHA-256 over "<relative path>\0<label>\0<sha256 of the file>\n" for every scored image, in sorted path order. */
  sha256: string;
  /** 'scored': the scored images with their labels; absent in older run.json files (every regular file of the folder). */
  scope?: 'scored';
}

/** The scored images and their labels: an ImageNet layout's class index, a class-folder set's folder name. */
function scoredImages(dir: string): Array<{ file: string; label: string }> {
  if (isClassFolderSet(dir)) return classFolderImages(dir).map((i) => ({ file: i.file, label: i.folder }));
  return listEvalItems(dir).map((i) => ({ file: i.file, label: String(i.label1000) }));
}

/** The eval set folder's content hash over what is scored, or null when it cannot be read. */
export function evalSetRecord(dir: string): EvalSetRecord | null {
  try {
    const images = scoredImages(dir)
      .map((i) => ({ ...i, rel: relative(dir, i.file) }))
      .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    const all = createHash('sha256');
    let bytes = 0;
    for (const i of images) {
      // readFileSync follows a symlink, as the decoder does: the bytes hashed are the bytes scored.
      const data = readFileSync(i.file);
      bytes += data.byteLength;
      all.update(`${i.rel}\0${i.label}\0${createHash('sha256').update(data).digest('hex')}\n`);
    }
    return { path: dir, files: images.length, bytes, sha256: all.digest('hex'), scope: 'scored' };
  } catch {
    return null;
  }
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) listFiles(path, out);
    else if (e.isFile()) out.push(path);
  }
  return out;
}

/** The hash older run.json files recorded (every regular file, no labels): only to check their resume. */
function legacyEvalSetRecord(dir: string): EvalSetRecord | null {
  try {
    if (!statSync(dir).isDirectory()) return null;
    const files = listFiles(dir)
      .map((f) => relative(dir, f))
      .sort();
    const all = createHash('sha256');
    let bytes = 0;
    for (const f of files) {
      const data = readFileSync(join(dir, f));
      bytes += data.byteLength;
      all.update(`${f}\0${createHash('sha256').update(data).digest('hex')}\n`);
    }
    return { path: dir, files: files.length, bytes, sha256: all.digest('hex') };
  } catch {
    return null;
  }
}

/** How the eval set at `dir` differs from the recorded one, in words, or null when it is the same. */
export function evalSetChange(recorded: EvalSetRecord, dir: string): string | null {
  const now = recorded.scope === 'scored' ? evalSetRecord(dir) : legacyEvalSetRecord(dir);
  const what = (r: EvalSetRecord) => `${r.files} images, ${r.bytes} bytes, sha256 ${r.sha256.slice(0, 12)}…`;
  if (!now) return `eval set ${dir}: run.json recorded ${what(recorded)} at ${recorded.path}; it cannot be read now`;
  if (now.sha256 === recorded.sha256) return null;
  const where = now.path === recorded.path ? dir : `${recorded.path} (now ${dir})`;
  const how = now.files !== recorded.files ? 'images were added or removed' : 'images were replaced, renamed or relabelled';
  return `eval set ${where}: ${how}: run.json recorded ${what(recorded)}, it now holds ${what(now)}`;
}
