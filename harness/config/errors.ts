/** Why a configuration could not be used, worded for the person who wrote it. */
import type { z } from 'zod';

function describeValue(root: unknown, path: PropertyKey[]): string {
  let v: unknown = root;
  for (const key of path) v = v != null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v === undefined ? 'missing' : JSON.stringify(v);
}

/** Unwrap defaults, optionals, arrays, pipes and unions down to the object schemas found at `path`. */
function objectShapesAt(schema: z.core.$ZodType, path: PropertyKey[]): Record<string, unknown>[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return objectShapesAt(def.innerType as z.core.$ZodType, path);
    case 'pipe':
      return objectShapesAt(def.in as z.core.$ZodType, path);
    case 'union':
      return (def.options as z.core.$ZodType[]).flatMap((o) => objectShapesAt(o, path));
    case 'array':
      return typeof path[0] === 'number' ? objectShapesAt(def.element as z.core.$ZodType, path.slice(1)) : [];
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      if (path.length === 0) return [shape];
      const next = shape[String(path[0])];
      return next ? objectShapesAt(next, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

/** Keys allowed at a path of the config. */
function allowedKeys(schema: z.core.$ZodType, path: PropertyKey[]): string[] {
  return [...new Set(objectShapesAt(schema, path).flatMap((s) => Object.keys(s)))];
}

/** The allowed key closest to a misspelt one (edit distance ≤ 3). */
function closest(word: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
    return d[a.length][b.length];
  };
  const best = candidates.map((c) => [c, distance(word.toLowerCase(), c.toLowerCase())] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 3 ? best[0] : undefined;
}

/** Turn zod issues into one readable message per problem. */
/** Turn zod issues into one readable message per problem; `schema` is the one that raised them (for the allowed keys). */
export function formatConfigIssues(issues: z.core.$ZodIssue[], input: unknown, origin: string, schema: z.core.$ZodType): string {
  const lines = issues.map((issue) => {
    const key = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${key}.` : '';
      const allowed = allowedKeys(schema, issue.path);
      return issue.keys
        .map((k) => {
          const guess = closest(k, allowed);
          return `${where}${k}: unknown key${guess ? ` (did you mean '${guess}'?)` : ''}; allowed keys: ${allowed.join(', ')}`;
        })
        .join('\n  - ');
    }
    const value = describeValue(input, issue.path);
    let msg = issue.message;
    if (issue.code === 'invalid_value') msg = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    if (issue.code === 'invalid_union' && Array.isArray(issue.errors)) {
      const inner = issue.errors.flat().find((e) => e.code === 'custom' || e.code === 'invalid_value');
      if (inner) msg = inner.code === 'invalid_value' ? `expected one of ${inner.values.map((v) => JSON.stringify(v)).join(', ')}` : inner.message;
    }
    return `${key}: ${msg} (got ${value})`;
  });
  return `Invalid configuration in ${origin}:\n  - ${lines.join('\n  - ')}\nEvery key and its allowed values: docs/configuration.md.`;
}
