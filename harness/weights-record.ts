/** The weights a plan loads, as run.json records them (source, file, SHA-256), and how two records differ. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/** The key of a record entry, and of the jobs that load it: `0.25_128:uint8`. */
export const weightsKey = (j: { alpha: number; resolution: number; precision: string }) => `${variantName(j)}:${j.precision}`;

/** The key of a recorded entry (the same as `weightsKey` of its jobs). */
export const entryKey = (w: WeightsEntry) => `${w.variant}:${w.precision}`;

/** SHA-256 of the weight files the plan uses (the model.json for tfjs Layers models). */
export function weightsRecord(plan: Plan): WeightsEntry[] {
  const seen = new Map<string, WeightsEntry>();
  for (const j of plan.jobs) {
    const key = weightsKey(j);
    if (seen.has(key)) continue;
    const w = j.weights;
    seen.set(key, {
      variant: variantName(j),
      precision: j.precision,
      source: w.kind === 'synthetic' ? `synthetic (seed ${w.seed})` : w.format,
      file: w.kind === 'file' ? w.path : null,
      sha256: w.kind === 'file' ? fileSha256(w.path) : null,
    });
  }
  return [...seen.values()];
}

/** One weights entry whose source, file or content differs between two records (absent: no job loads any). */
export interface WeightsChange {
  key: string;
  before: WeightsEntry | undefined;
  now: WeightsEntry | undefined;
}

const same = (a: WeightsEntry, b: WeightsEntry) => a.source === b.source && a.file === b.file && a.sha256 === b.sha256;

/** Entries that differ between the recorded weights and a new record. */
export function weightsChanges(recorded: readonly WeightsEntry[], now: readonly WeightsEntry[]): WeightsChange[] {
  const before = new Map(recorded.map((w) => [entryKey(w), w]));
  const after = new Map(now.map((w) => [entryKey(w), w]));
  const changes: WeightsChange[] = [];
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(k);
    const b = after.get(k);
    if (a && b && same(a, b)) continue;
    changes.push({ key: k, before: a, now: b });
  }
  return changes;
}

/** `tflite /m/tflite/x.tflite (sha256 1a2b3c4d…)`, `synthetic (seed 0)`. */
export function describeWeights(w: WeightsEntry): string {
  if (w.file === null) return w.source;
  return `${w.source} ${w.file} (${w.sha256 ? `sha256 ${w.sha256.slice(0, 12)}…` : 'unreadable'})`;
}
