/**
 * Implementations and their backends: the `impl[:backend][@threads]` spellings a config and
 * `--impl` accept, and the short labels job ids use.
 */
import { z } from 'zod';
import { IMPL_NAMES, backendsByImpl, type ImplName } from '../../models/registry.ts';

/** Implementations and the backends each can run on, from the runtime registry (models/registry.ts). */
const BACKENDS = backendsByImpl();

export type { ImplName };

/** Every `impl:backend` spelling the config accepts. */
export const IMPLEMENTATION_IDS = IMPL_NAMES.flatMap((impl) => BACKENDS[impl].map((b) => (impl === 'reference' ? impl : `${impl}:${b}`)));

/** One implementation × backend × thread count to benchmark. */
export interface Implementation {
  impl: ImplName;
  backend: string;
  /** Threads asked for; null = the runtime's default. */
  threads: number | null;
}

/** `'ort-web:wasm@2'` → { impl: 'ort-web', backend: 'wasm', threads: 2 }. */
export function parseImplementation(spec: string): Implementation | string {
  const m = /^([a-z-]+)(?::([a-z0-9]+))?(?:@(\d+))?$/.exec(spec.trim());
  if (!m) return `'${spec}' is not of the form impl[:backend][@threads]`;
  const impl = m[1] as ImplName;
  if (!(impl in BACKENDS)) return `unknown implementation '${m[1]}'`;
  const backends = BACKENDS[impl];
  const backend = m[2] ?? backends[0];
  if (!backends.includes(backend)) return `${impl} has no backend '${backend}' (it has ${backends.join(', ')})`;
  const threads = m[3] === undefined ? null : Number(m[3]);
  if (threads !== null && threads < 1) return `threads must be ≥ 1 in '${spec}'`;
  return { impl, backend, threads };
}

/** Canonical short form, used in job ids: `ort-web-wasm-t2`, `reference`. */
export function implementationLabel(i: Implementation): string {
  const base = i.impl === 'reference' ? 'reference' : `${i.impl}-${i.backend}`;
  return i.threads === null ? base : `${base}-t${i.threads}`;
}

export const ImplementationSchema = z.union([
  z.string().transform((s, ctx) => {
    const parsed = parseImplementation(s);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: `${parsed}; allowed: ${IMPLEMENTATION_IDS.join(', ')} (append @N for N threads)` });
      return z.NEVER;
    }
    return parsed;
  }),
  z
    .strictObject({
      impl: z.enum(IMPL_NAMES),
      backend: z.string(),
      threads: z.number().int().min(1).nullable().default(null),
    })
    .superRefine((v, ctx) => {
      const backends: readonly string[] = BACKENDS[v.impl];
      if (!backends.includes(v.backend)) {
        ctx.addIssue({ code: 'custom', path: ['backend'], message: `${v.impl} has no backend '${v.backend}'; allowed: ${backends.join(', ')}` });
      }
    }),
]);
