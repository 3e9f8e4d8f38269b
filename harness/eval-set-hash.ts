/**
 * A content hash of an eval set, for run.json: every file under its folder (sorted relative
 * paths, each with the SHA-256 of its bytes), so a published method can name exactly which
 * images were scored, whatever their names or timestamps. Unreadable sets give null (the run's
 * jobs report the reason).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What run.json records of the eval set. */
export interface EvalSetRecord {
  path: string;
  files: number;
  bytes: number;
  /** SHA-256 over "<relative path>\0<sha256 of the file>\n" for every file, in sorted path order. */
  sha256: string;
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) listFiles(path, out);
    else if (e.isFile()) out.push(path);
  }
  return out;
}

/** The eval set folder's content hash, or null when it cannot be read. */
export function evalSetRecord(dir: string): EvalSetRecord | null {
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
