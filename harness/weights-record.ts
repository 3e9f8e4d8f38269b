/**
 * The weights a plan loads, as run.json records them (source, file, SHA-256 of every file read:
 * a TF.js model's shards too, and a user model's labels file), and how two records differ. A
 * resume compares them, so a shard edited in place at the same length, or a reordered labels
 * file, is a change that is named, not a silent mix of two models in one run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { variantName } from '../models/spec.ts';
import type { Plan } from './plan.ts';
import type { RunInfo } from '../contract/results.ts';

export type WeightsEntry = NonNullable<RunInfo['weights']>[number];

/** SHA-256 of a file, or null when it cannot be read (its job fails with the reason; the run goes on). */
function fileSha256(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/** The shard files a TF.js model.json names, in manifest order (none when it cannot be read: the job fails at load, by name). */
function tfjsShards(modelJson: string): string[] {
  try {
    const manifest = (JSON.parse(readFileSync(modelJson, 'utf8')) as { weightsManifest?: unknown }).weightsManifest;
    if (!Array.isArray(manifest)) return [];
    const dir = dirname(modelJson);
    return manifest
      .flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []))
      .filter((p): p is string => typeof p === 'string')
      .filter((p) => !isAbsolute(p) && !relative(dir, join(dir, p)).startsWith('..'))
      .map((p) => join(dir, p));
  } catch {
    return [];
  }
}

/** The key of a record entry, and of the jobs that load it: `0.25_128:uint8`, a user model's `pets/0.25_128:float32`. */
export const weightsKey = (j: { alpha: number; resolution: number; precision: string; model?: { name: string } }) =>
  `${j.model ? `${j.model.name}/` : ''}${variantName(j)}:${j.precision}`;

/** The key of a recorded entry (the same as `weightsKey` of its jobs). */
export const entryKey = (w: WeightsEntry) => `${w.model ? `${w.model}/` : ''}${w.variant}:${w.precision}`;

/** SHA-256 of the weight files the plan uses: the file itself, a TF.js model's shards, a user model's labels. */
export function weightsRecord(plan: Plan): WeightsEntry[] {
  const seen = new Map<string, WeightsEntry>();
  for (const j of plan.jobs) {
    const key = weightsKey(j);
    if (seen.has(key)) continue;
    const w = j.weights;
    const shards = w.kind === 'file' && w.format === 'tfjs-layers' ? tfjsShards(w.path) : [];
    seen.set(key, {
      variant: variantName(j),
      precision: j.precision,
      source: w.kind === 'synthetic' ? `synthetic (seed ${w.seed})` : w.format,
      file: w.kind === 'file' ? w.path : null,
      sha256: w.kind === 'file' ? fileSha256(w.path) : null,
      ...(j.model ? { model: j.model.name } : {}),
      ...(shards.length ? { parts: shards.map((file) => ({ file, sha256: fileSha256(file) })) } : {}),
      ...(j.model?.labels ? { labels: { file: j.model.labels, sha256: fileSha256(j.model.labels) } } : {}),
    });
  }
  return [...seen.values()];
}

/** One weights entry whose source, file or content differs between two records (absent: no job loads any). */
export interface WeightsChange {
  key: string;
  before: WeightsEntry | undefined;
  now: WeightsEntry | undefined;
  /** What differs, in words: the model file, a shard, the labels file. */
  what: string[];
}

/** What differs between two entries of one key; a part a record from before it was recorded lacks is not compared. */
function differences(a: WeightsEntry, b: WeightsEntry): string[] {
  const out: string[] = [];
  if (a.source !== b.source || a.file !== b.file || a.sha256 !== b.sha256) out.push('the weights file');
  if (a.parts) {
    const now = b.parts ?? [];
    const changed = a.parts.filter((p, i) => now[i]?.file !== p.file || now[i]?.sha256 !== p.sha256).map((p) => p.file);
    if (changed.length || now.length !== a.parts.length)
      out.push(`shard${changed.length === 1 ? '' : 's'} ${changed.length ? changed.join(', ') : `(${a.parts.length} recorded, ${now.length} now)`}`);
  }
  if (a.labels && (a.labels.file !== b.labels?.file || a.labels.sha256 !== b.labels?.sha256))
    out.push(`the labels file ${a.labels.file} (its class names or their order)`);
  return out;
}

/** Entries that differ between the recorded weights and a new record. */
export function weightsChanges(recorded: readonly WeightsEntry[], now: readonly WeightsEntry[]): WeightsChange[] {
  const before = new Map(recorded.map((w) => [entryKey(w), w]));
  const after = new Map(now.map((w) => [entryKey(w), w]));
  // A record from before user models had entries of their own cannot say which file they loaded: theirs are not compared.
  const legacy = !recorded.some((w) => w.model !== undefined || w.parts !== undefined || w.labels !== undefined);
  const changes: WeightsChange[] = [];
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(k);
    const b = after.get(k);
    if (!a && b?.model && legacy) continue;
    const what = a && b ? differences(a, b) : ['the weights file'];
    if (a && b && !what.length) continue;
    changes.push({ key: k, before: a, now: b, what });
  }
  return changes;
}

/** `tflite /m/tflite/x.tflite (sha256 1a2b3c4d…)`, `synthetic (seed 0)`. */
export function describeWeights(w: WeightsEntry): string {
  if (w.file === null) return w.source;
  return `${w.source} ${w.file} (${w.sha256 ? `sha256 ${w.sha256.slice(0, 12)}…` : 'unreadable'})`;
}
