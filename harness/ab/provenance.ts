/**
 * Where each side's code came from, for the comparison's outputs: the commit and dirty flag, the
 * versions of the runtime packages its workers load (resolved from its own folder, as Node resolves
 * them), and the SHA-256 of every weights and model file its plan loads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUNTIMES } from '../../models/registry.ts';
import type { Plan } from '../plan.ts';
import { weightsRecord, type WeightsEntry } from '../weights-record.ts';
import type { BuiltSide } from './sides/side.ts';

export interface SideProvenance {
  name: 'A' | 'B';
  spec: string;
  kind: BuiltSide['kind'];
  root: string;
  commit: string | null;
  dirty: boolean | null;
  /** The harness's own version (its package.json) in that checkout. */
  harnessVersion: string | null;
  /** Runtime package → the version the side's workers load (null: not installed there). */
  packages: Record<string, string | null>;
  /** `pkg:` sides: what was swapped in. */
  swapped?: Record<string, string>;
  /** Weights and model files of the side's plan: source, file, SHA-256. */
  weights: WeightsEntry[];
}

/** The version of `name` as Node would find it from `root` (its node_modules, then each parent's). */
export function resolvedVersion(root: string, name: string): string | null {
  for (let dir = root; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
    if (dirname(dir) === dir) return null;
  }
}

/** Every package a runtime of the registry runs on. */
const runtimePackages = () => [...new Set(Object.values(RUNTIMES).flatMap((r) => [...r.packages]))].sort();

export function sideProvenance(side: BuiltSide, plan: Plan): SideProvenance {
  const root = side.runtime.root;
  let harnessVersion: string | null = null;
  try {
    harnessVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {}
  return {
    name: side.runtime.name,
    spec: side.runtime.spec,
    kind: side.kind,
    root,
    commit: side.commit,
    dirty: side.dirty,
    harnessVersion,
    packages: Object.fromEntries(runtimePackages().map((p) => [p, resolvedVersion(root, p)])),
    ...(side.swapped ? { swapped: side.swapped } : {}),
    weights: weightsRecord(plan),
  };
}
