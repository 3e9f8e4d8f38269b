/**
 * The one sanitizer for run ids used as file or folder names. A run id comes from run.json, which
 * anyone can edit: `..` would write outside the folder meant for it, `a/b` into a subfolder, and
 * two ids that sanitize alike (`a b`, `a_b`) would overwrite each other's files. A safe id stays
 * as it is (the generated ones, `2026-11-24T07-30-05Z`, always are); any other gets its unsafe
 * characters replaced and a short hash of the id appended, so different ids stay different; every
 * writer also refuses the collisions left (`runIdSlugs`).
 */
import { createHash } from 'node:crypto';

/** Letters, digits, '.', '_', '-'; not starting with '.' (no '.', '..' or hidden file); at most 100 characters. */
const SAFE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/** Two run ids that would be written under the same name: names both. */
export class RunIdCollisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunIdCollisionError';
  }
}

/** A file-name form of a run id: the id itself when safe, else its safe characters and 8 hex digits of its SHA-256. */
export function runIdSlug(runId: string): string {
  if (SAFE.test(runId)) return runId;
  const base = runId
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 80);
  return `${base || 'run'}-${createHash('sha256').update(runId).digest('hex').slice(0, 8)}`;
}

/** Slugs for several run ids, refusing two different ids with one slug (`what` names where they would be written). */
export function runIdSlugs(runIds: readonly string[], what: string): Map<string, string> {
  const bySlug = new Map<string, string>();
  const out = new Map<string, string>();
  for (const id of runIds) {
    const slug = runIdSlug(id);
    const other = bySlug.get(slug);
    if (other !== undefined && other !== id)
      throw new RunIdCollisionError(
        `runs ${JSON.stringify(other)} and ${JSON.stringify(id)} would both be written as ${what.replace('<slug>', slug)}, and one would replace the other: give one of them another run id (runId in its run.json)`,
      );
    bySlug.set(slug, id);
    out.set(id, slug);
  }
  return out;
}
