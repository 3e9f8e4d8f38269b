/**
 * The board's content-addressed cache: every shipped file lives at `<remoteDir>/cas/<sha256>`.
 * A file is uploaded over SFTP only when its hash is not there yet; an upload goes to a
 * temporary name, is hashed on the board (sha256sum) and renamed only when the hash matches,
 * so a name in the cache always means verified content. Runtime trees (`trees/<hash>/`) are
 * hard links into the cache, laid out as the job bundle expects.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { shellQuote, SshError, type SshConnection } from './connection.ts';
import { seconds } from '../../harness/time-limit.ts';

/** A file to ship: a local path or bytes, with its hash and size. */
export interface ShippedFile {
  sha256: string;
  size: number;
  source: { path: string } | { bytes: Uint8Array };
}

/** What one sync sent. */
export interface UploadStats {
  filesSent: number;
  bytesSent: number;
  filesReused: number;
}

const hashCache = new Map<string, { mtimeMs: number; size: number; sha256: string }>();

/** A local file to ship (hashed once per process unless it changes). */
export function shippedPath(path: string): ShippedFile {
  const st = statSync(path);
  let known = hashCache.get(path);
  if (!known || known.mtimeMs !== st.mtimeMs || known.size !== st.size) {
    known = { mtimeMs: st.mtimeMs, size: st.size, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
    hashCache.set(path, known);
  }
  return { sha256: known.sha256, size: st.size, source: { path } };
}

/** Bytes to ship. */
export function shippedBytes(bytes: Uint8Array): ShippedFile {
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, source: { bytes } };
}

/** The remote disk has too little room: the message says how much and what to do. */
export class RemoteDiskFullError extends SshError {}

/** Parse `df -Pk DIR` output: available bytes, or null when unreadable. */
export function availableBytesFromDf(dfOutput: string): number | null {
  const lines = dfOutput.trim().split('\n');
  const cols = lines[lines.length - 1]?.trim().split(/\s+/) ?? [];
  const kb = Number(cols[3]);
  return cols.length >= 6 && Number.isFinite(kb) ? kb * 1024 : null;
}

/** The message for a remote disk without room. */
export function diskFullMessage(host: string, dir: string, neededBytes: number, availableBytes: number | null): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `the board's disk is full: ${host}:${dir} has ${availableBytes === null ? 'too little' : mib(availableBytes)} free and the upload needs ${mib(neededBytes)} more. Free space on the board, or set the target's remoteDir to a folder on a bigger disk`;
}

/**
 * An upload that makes no progress for this long is given up (the SFTP session is ended): a
 * stalled link or a hung board, told apart from a slow one, which keeps making progress.
 */
const UPLOAD_STALL_TIMEOUT_MS = 60_000;
/** Bytes sent per SFTP write of in-memory data (each one counts as progress). */
const WRITE_CHUNK_BYTES = 256 * 1024;

/** Write in-memory bytes to a remote file in chunks, calling `progress` after each. */
function writeChunks(sftp: SFTPWrapper, bytes: Buffer, remote: string, progress: () => void, cb: (err: Error | null | undefined) => void): void {
  sftp.open(remote, 'w', (err, handle) => {
    if (err) return cb(err);
    const next = (at: number) => {
      if (at >= bytes.byteLength) return sftp.close(handle, cb);
      const n = Math.min(WRITE_CHUNK_BYTES, bytes.byteLength - at);
      sftp.write(handle, bytes, at, n, at, (e) => {
        if (e) return sftp.close(handle, () => cb(e));
        progress();
        next(at + n);
      });
    };
    next(0);
  });
}

async function sftpWrite(sftp: SFTPWrapper, file: ShippedFile, remote: string): Promise<void> {
  await new Promise<void>((done, fail) => {
    let stalled: ReturnType<typeof setTimeout> | undefined;
    let over = false;
    const progress = () => {
      clearTimeout(stalled);
      stalled = setTimeout(() => {
        over = true;
        // Ending the session stops the transfer; the partial file is removed with the others.
        sftp.end();
        fail(
          new SshError(
            `${(file.size / 2 ** 20).toFixed(1)} MiB made no progress for ${seconds(UPLOAD_STALL_TIMEOUT_MS)} (is the link or the board's disk stalled?)`,
          ),
        );
      }, UPLOAD_STALL_TIMEOUT_MS);
    };
    const cb = (err: Error | null | undefined) => {
      clearTimeout(stalled);
      if (over) return;
      if (err) fail(err);
      else done();
    };
    progress();
    if ('path' in file.source) sftp.fastPut(file.source.path, remote, { step: progress }, cb);
    else writeChunks(sftp, Buffer.from(file.source.bytes.buffer, file.source.bytes.byteOffset, file.source.bytes.byteLength), remote, progress, cb);
  });
}

/** Free bytes at a remote folder (df), or null. */
async function remoteAvailable(conn: SshConnection, dir: string): Promise<number | null> {
  const r = await conn.run(`df -Pk ${shellQuote(dir)}`);
  return r.code === 0 ? availableBytesFromDf(r.stdout) : null;
}

/** Make sure every file is in `<casDir>`; upload the missing ones, verified by hash on the board. */
export async function syncToCas(conn: SshConnection, casDir: string, files: ShippedFile[]): Promise<UploadStats> {
  const unique = [...new Map(files.map((f) => [f.sha256, f])).values()];
  const listing = await conn.run(`mkdir -p ${shellQuote(casDir)} && cd ${shellQuote(casDir)} && ls -1`);
  if (listing.code !== 0)
    throw new SshError(
      `cannot create the cache folder ${casDir} on the board: ${listing.stderr.trim() || `exit ${listing.code}`}; set the target's remoteDir to a writable folder`,
    );
  const present = new Set(listing.stdout.split('\n'));
  const missing = unique.filter((f) => !present.has(f.sha256));
  const stats: UploadStats = { filesSent: 0, bytesSent: 0, filesReused: unique.length - missing.length };
  if (!missing.length) return stats;
  const needed = missing.reduce((s, f) => s + f.size, 0);
  const available = await remoteAvailable(conn, casDir);
  if (available !== null && available < needed) throw new RemoteDiskFullError(diskFullMessage(conn.endpoint.host, casDir, needed, available));
  const sftp = await conn.sftp();
  const tag = randomBytes(4).toString('hex');
  const partial = (f: ShippedFile) => posix.join(casDir, `${f.sha256}.part-${tag}`);
  try {
    for (const f of missing) {
      try {
        await sftpWrite(sftp, f, partial(f));
      } catch (e) {
        const left = await remoteAvailable(conn, casDir).catch(() => null);
        const remaining = missing.slice(missing.indexOf(f)).reduce((s, g) => s + g.size, 0);
        if (left !== null && left < remaining) throw new RemoteDiskFullError(diskFullMessage(conn.endpoint.host, casDir, remaining, left));
        throw new SshError(
          `uploading to ${conn.endpoint.host}:${casDir} failed: ${(e as Error).message}${conn.closedReason() ? ` (${conn.closedReason()})` : ''}`,
        );
      }
      stats.filesSent++;
      stats.bytesSent += f.size;
    }
    // Verify on the board, then publish under the hash.
    const check = await conn.run(`cd ${shellQuote(casDir)} && sha256sum ${missing.map((f) => shellQuote(posix.basename(partial(f)))).join(' ')}`);
    if (check.code !== 0)
      throw new SshError(`cannot hash the uploaded files on the board (sha256sum: ${check.stderr.trim() || `exit ${check.code}`}); the board needs coreutils`);
    const got = new Map(
      check.stdout
        .trim()
        .split('\n')
        .map((l) => {
          const [h, n] = l.split(/\s+\*?/);
          return [n, h] as const;
        }),
    );
    const bad = missing.filter((f) => got.get(posix.basename(partial(f))) !== f.sha256);
    if (bad.length)
      throw new SshError(`${bad.length} uploaded file(s) arrived corrupted on ${conn.endpoint.host} (SHA-256 mismatch); they were discarded, run again`);
    const mv = await conn.run(`cd ${shellQuote(casDir)} && ${missing.map((f) => `mv -f ${shellQuote(posix.basename(partial(f)))} ${f.sha256}`).join(' && ')}`);
    if (mv.code !== 0) throw new SshError(`cannot publish the uploaded files in ${casDir}: ${mv.stderr.trim()}`);
    return stats;
  } finally {
    sftp.end();
    await conn.run(`rm -f ${shellQuote(casDir)}/*.part-${tag}`).catch(() => {});
  }
}

/**
 * Lay out a tree of hard links into the cache at `<treesDir>/<hash of the layout>/` (built
 * once; a `.complete` marker says it is whole). Returns the tree's path.
 */
export async function ensureTree(conn: SshConnection, casDir: string, treesDir: string, layout: Array<{ rel: string; sha256: string }>): Promise<string> {
  const sorted = [...layout].sort((a, b) => a.rel.localeCompare(b.rel));
  const hash = createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 24);
  const tree = posix.join(treesDir, hash);
  const tmp = `${tree}.tmp-${randomBytes(4).toString('hex')}`;
  const dirs = [...new Set(sorted.map((f) => posix.dirname(posix.join(tmp, f.rel))))];
  const script = [
    `if [ -f ${shellQuote(tree)}/.complete ]; then exit 0; fi`,
    'set -e',
    `mkdir -p ${dirs.map(shellQuote).join(' ')}`,
    ...sorted.map(
      (f) =>
        `ln -f ${shellQuote(posix.join(casDir, f.sha256))} ${shellQuote(posix.join(tmp, f.rel))} 2>/dev/null || cp ${shellQuote(posix.join(casDir, f.sha256))} ${shellQuote(posix.join(tmp, f.rel))}`,
    ),
    `touch ${shellQuote(tmp)}/.complete`,
    `rm -rf ${shellQuote(tree)}`,
    `mv ${shellQuote(tmp)} ${shellQuote(tree)}`,
  ].join('\n');
  const r = await conn.run('sh -s', script);
  if (r.code !== 0) {
    await conn.run(`rm -rf ${shellQuote(tmp)}`).catch(() => {});
    throw new SshError(`cannot lay out the runtime files in ${tree} on the board: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
  return tree;
}
