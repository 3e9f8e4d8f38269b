/**
 * Credentials for remote targets (cloud farms, grids): they come only from the environment,
 * through `${env:NAME}` placeholders in a target's `url` and `capabilities`, expanded when a
 * runner connects (the config and run.json keep the placeholders). Everything that leaves the
 * process (results, run.json, reports, logs) goes through the redactors here.
 */

/** Replaces a redacted value. */
export const REDACTED = '***';

/** `${env:NAME}` in a string. */
const PLACEHOLDER = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Keys whose values are secrets wherever they appear (vendor capability blocks, URLs' query strings). */
const SECRET_KEY = /^(access[_-]?key|accesskey|api[_-]?key|apikey|password|passwd|secret|token|auth[_-]?token|key|private[_-]?key)$/i;

/** A placeholder names a variable that is not set: the message says which and how to set it. */
export class MissingSecretError extends Error {
  constructor(readonly variable: string, where: string) {
    super(`${where} uses \${env:${variable}}, but the environment variable ${variable} is not set; export it (e.g. \`export ${variable}=…\`) before running`);
    this.name = 'MissingSecretError';
  }
}

/**
 * Expand `${env:NAME}` placeholders in every string of `value` (objects and arrays walked).
 * Returns the expanded copy and the values that came from the environment: those are secrets,
 * and the caller redacts them from anything it reports.
 */
export function expandEnv<T>(value: T, where: string, env: NodeJS.ProcessEnv = process.env): { value: T; secrets: string[] } {
  const secrets = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(PLACEHOLDER, (_, name: string) => {
        const got = env[name];
        if (got === undefined || got === '') throw new MissingSecretError(name, where);
        secrets.add(got);
        return got;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value) as T, secrets: [...secrets] };
}

/** A URL without credentials: user info and secret-looking query parameters become `***`. Non-URLs come back unchanged. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactText(url);
  }
  const secretParams = [...u.searchParams.keys()].filter((k) => SECRET_KEY.test(k));
  // Nothing to remove: the URL comes back exactly as written (no normalisation).
  if (!u.username && !u.password && secretParams.length === 0) return url;
  if (u.username || u.password) {
    u.username = REDACTED;
    u.password = '';
  }
  for (const k of secretParams) u.searchParams.set(k, REDACTED);
  return u.toString().replace(/%2A%2A%2A/g, REDACTED);
}

/**
 * Text with credentials removed: every known secret value, and user info in any URL
 * (`https://user:key@host` → `https://***@host`).
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret containing another is removed whole.
  for (const s of [...secrets].filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  return out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi, `$1${REDACTED}@`);
}

/**
 * A copy of a config (or any JSON value) safe to record: URLs lose their credentials, values of
 * secret-named keys (accessKey, password, token, …) become `***` unless they are `${env:…}`
 * placeholders (which reveal nothing), and known secret values are removed from every string.
 */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  const walk = (v: unknown, key?: string, parent?: unknown): unknown => {
    if (typeof v === 'string') {
      // An ssh target's privateKey is the key file's path (never its contents): --resume needs it.
      const keyFilePath = key === 'privateKey' && (parent as { type?: unknown } | undefined)?.type === 'ssh';
      if (key !== undefined && SECRET_KEY.test(key) && !keyFilePath && !/^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(v)) return REDACTED;
      return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? redactText(redactUrl(v), secrets) : redactText(v, secrets);
    }
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k, v)]));
    return v;
  };
  return walk(value) as T;
}
