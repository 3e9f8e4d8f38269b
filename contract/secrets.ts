/**
 * Credentials for remote targets (cloud farms, grids): they come only from the environment,
 * through `${env:NAME}` placeholders in a target's `url` and `capabilities`, expanded when a
 * runner connects (the config and run.json keep the placeholders). Everything that leaves the
 * process (results, run.json, reports, traces, progress, error messages) goes through the
 * redactors here: this module alone decides what is a secret and how it is hidden.
 *
 * A secret is: a value that came from `${env:…}`, the password of a URL (`user:password@`),
 * and the literal value of a secret-looking key (accessKey, securityToken, clientSecret, …).
 * A farm's user name is not a secret (it names the account, as an e-mail address does, and
 * farms show it on their dashboards), so `userName` / `username` values are kept; a user name
 * given through `${env:…}` is redacted like every other value from the environment.
 */

/** Replaces a redacted value. */
const REDACTED = '***';

/** Shorter values are only replaced whole (a 1- or 2-character "secret" would blot out ordinary text). */
const MIN_SECRET = 3;
/** A run of this many characters of a secret counts as a leak: such runs are removed wherever they appear. */
export const SECRET_FRAGMENT = 6;

/** `${env:NAME}` in a string. */
const PLACEHOLDER = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const ONLY_PLACEHOLDER = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;

/** Words that make a key secret wherever they stand in it (`appium:keystorePassword`, `x-auth-token`). */
const SECRET_WORDS = new Set([
  'token',
  'tokens',
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'authentication',
  'bearer',
  // Farms' spellings written as one word.
  'accesskey',
  'apikey',
  'apitoken',
  'authtoken',
  'accesstoken',
  'securitytoken',
  'clientsecret',
  'privatekey',
  'secretkey',
  'sessiontoken',
]);

/**
 * Whether a key's value is a secret: a secret word anywhere in it, or `key` as its last word
 * (accessKey, apiKey, x-api-key; not hostKeySha256, not keyboard). The part after the last `:`
 * or `.` is what counts (`sauce:options.accessKey`, `perfecto:options.securityToken`).
 * User names are not secret (see the module comment).
 */
export function isSecretKey(key: string): boolean {
  let known = secretKeyCache.get(key);
  if (known === undefined) {
    known = decideSecretKey(key);
    // Keys repeat (every trace event has the same few): decide each once.
    if (secretKeyCache.size < 10_000) secretKeyCache.set(key, known);
  }
  return known;
}

const secretKeyCache = new Map<string, boolean>();

function decideSecretKey(key: string): boolean {
  const last = key.split(/[:.]/).pop() ?? key;
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0) return false;
  if (SECRET_WORDS.has(words.join(''))) return true;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return words[words.length - 1] === 'key' || words[words.length - 1] === 'keys';
}

/** A placeholder names a variable that is not set: the message says which and how to set it. */
export class MissingSecretError extends Error {
  constructor(
    readonly variable: string,
    where: string,
  ) {
    super(`${where} uses \${env:${variable}}, but the environment variable ${variable} is not set; export it (e.g. \`export ${variable}=…\`) before running`);
    this.name = 'MissingSecretError';
  }
}

/** An ssh target's privateKey is the key file's path (never its contents): --resume needs it, and it is no secret. */
const isKeyFilePath = (key: string | undefined, parent: unknown) => key === 'privateKey' && (parent as { type?: unknown } | undefined)?.type === 'ssh';

/** Walk strings of a JSON-like value with their key and the object holding them. */
function eachString(value: unknown, visit: (s: string, key: string | undefined, parent: unknown) => void): void {
  const walk = (v: unknown, key?: string, parent?: unknown) => {
    if (typeof v === 'string') visit(v, key, parent);
    else if (Array.isArray(v)) for (const x of v) walk(x, key, parent);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k, v);
  };
  walk(value);
}

/** The credentials of a URL: its password (as written and decoded) and the Basic header a client makes of them. */
function urlSecrets(text: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return [];
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return [];
  }
  if (!u.password) return [];
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return [u.password, decode(u.password), Buffer.from(`${decode(u.username)}:${decode(u.password)}`).toString('base64')];
}

/**
 * The secrets written literally in a value (a config, a target, capabilities): values of
 * secret-looking keys and URL passwords. `${env:…}` placeholders themselves reveal nothing.
 */
export function literalSecrets(value: unknown): string[] {
  const out = new Set<string>();
  eachString(value, (s, key, parent) => {
    // A URL with placeholders: secretsOf expands them; the placeholder text itself is no secret.
    if (!s.includes('${env:')) for (const x of urlSecrets(s)) out.add(x);
    if (key !== undefined && isSecretKey(key) && !isKeyFilePath(key, parent) && !ONLY_PLACEHOLDER.test(s)) {
      // A literal around a placeholder (`Bearer ${env:T}`): the literal part is not the secret, the expansion is.
      const literal = s.replace(PLACEHOLDER, '').trim();
      if (literal === s.trim()) out.add(s);
    }
  });
  // `***`: a value redacted when run.json was written (a resumed run's config).
  return [...out].filter((s) => s.length >= MIN_SECRET && s !== REDACTED);
}

/**
 * Every secret a config (or part of one) holds or refers to: the values of the `${env:…}`
 * placeholders that are set in `env`, and its literal secrets (see literalSecrets). For the
 * redaction of everything a run writes, whichever runner produced it.
 */
export function secretsOf(value: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const out = new Set<string>(literalSecrets(value));
  eachString(value, (s) => {
    for (const m of s.matchAll(PLACEHOLDER)) {
      const got = env[m[1]];
      if (got) out.add(got);
    }
    // A URL whose credentials come from the environment: its expanded password and Basic header.
    if (s.includes('${env:')) for (const x of urlSecrets(s.replace(PLACEHOLDER, (_, n: string) => env[n] ?? ''))) out.add(x);
  });
  return [...out].filter((s) => s.length >= MIN_SECRET);
}

/**
 * Expand `${env:NAME}` placeholders in every string of `value` (objects and arrays walked).
 * Returns the expanded copy and the values that came from the environment: those are secrets,
 * and the caller redacts them (with literalSecrets of what it sends) from anything it reports.
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

/** A URL without credentials: user info and secret-looking query parameters become `***`. Non-URLs come back redacted as text. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactText(url);
  }
  const secretParams = [...u.searchParams.keys()].filter(isSecretKey);
  // Nothing to remove: the URL comes back exactly as written (no normalisation).
  const loginOnly = /^(ssh|sftp):$/i.test(u.protocol) && !u.password;
  if ((loginOnly || (!u.username && !u.password)) && secretParams.length === 0) return url;
  if (!loginOnly && (u.username || u.password)) {
    u.username = REDACTED;
    u.password = '';
  }
  for (const k of secretParams) u.searchParams.set(k, REDACTED);
  return u.toString().replace(/%2A%2A%2A/g, REDACTED);
}

/** `redactUrl` for a value that may be absent (a CI variable, an option): every URL that enters from outside passes here before it is stored or shown. */
export function redactOptionalUrl(url: string | null | undefined): string | null {
  return url ? redactUrl(url) : null;
}

/**
 * A URL's credentials moved out of it: the URL without user info (fetch refuses one that holds
 * them) and the Basic Authorization header they make. The URL a message names is `redactUrl`'s.
 */
export function splitUrlCredentials(url: string): { url: string; authorization?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url };
  }
  if (!u.username && !u.password) return { url };
  const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  u.username = '';
  u.password = '';
  return { url: u.toString(), authorization: `Basic ${basic}` };
}

/** The forms a secret takes in text: as is, JSON-escaped (an echoed request), URL-encoded (a URL). */
function spellingsOf(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET) continue;
    out.add(s);
    out.add(JSON.stringify(s).slice(1, -1));
    out.add(encodeURIComponent(s));
  }
  // Longest first, so a secret containing another is removed whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** A secret list made ready for matching: its spellings and their SECRET_FRAGMENT-character runs. */
interface Prepared {
  forms: string[];
  grams: Set<string>;
}

/** The last list prepared: a run redacts every string of every result with the same one. */
let lastPrepared: { key: string; value: Prepared } | null = null;

function prepare(secrets: readonly string[]): Prepared {
  const key = secrets.join('\0');
  if (lastPrepared?.key === key) return lastPrepared.value;
  const forms = spellingsOf(secrets);
  const grams = new Set<string>();
  for (const s of forms) for (let i = 0; i + SECRET_FRAGMENT <= s.length; i++) grams.add(s.slice(i, i + SECRET_FRAGMENT));
  lastPrepared = { key, value: { forms, grams } };
  return lastPrepared.value;
}

/**
 * Remove every run of SECRET_FRAGMENT or more characters that also occurs in a secret: what a
 * message cut before its redaction keeps of one ("…the first 8 characters of the key").
 */
function redactFragments(text: string, grams: ReadonlySet<string>): string {
  if (text.length < SECRET_FRAGMENT || grams.size === 0) return text;
  const covered = new Uint8Array(text.length);
  let any = false;
  for (let i = 0; i + SECRET_FRAGMENT <= text.length; i++) {
    if (grams.has(text.slice(i, i + SECRET_FRAGMENT))) {
      covered.fill(1, i, i + SECRET_FRAGMENT);
      any = true;
    }
  }
  if (!any) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (!covered[i]) {
      out += text[i++];
      continue;
    }
    while (i < text.length && covered[i]) i++;
    out += REDACTED;
  }
  return out;
}

/** `scheme://user:password@` and `scheme://user@` (user info of any URL; a token can stand in the user slot). */
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:"'<>]+)(:[^\s/"'<>]*)?@/gi;
/** Schemes whose `user@` is the login name, never a credential (ssh://pi@board): kept when no password follows. */
const LOGIN_SCHEMES = /^(ssh|sftp):\/\/$/i;
/**
 * `user:password@host` without (or with a mistyped) scheme: `htps//u:p@h`, `u:p@h`. An A/B side's
 * `pkg:name@version` has that shape and is no credential (it is the side's provenance): `pkg` is
 * never taken for a user name.
 */
const BARE_USER_INFO = /(^|[\s"'(=,;[{</])(?!pkg:)([^\s/@:"'()<>[\]{},;=]+):([^\s/@"'<>]+)@(?=[A-Za-z0-9[])/g;
/** `"key": "value"` / `'key': 'value'` (JSON, Python reprs of echoed capabilities). */
const QUOTED_PAIR = /(["'])([^"'\s]{1,100})\1(\s*:\s*)(["'])((?:\\.|(?!\4)[^\\])*)\4/g;
/** `key=value` (query strings, Java map reprs, command-line flags). */
const ASSIGNED_PAIR = /([A-Za-z_][\w.:-]{0,100})=([^\s&,;}"')\]]+)/g;
/** An Authorization header as text: `Authorization: Basic …`, `authorization: Bearer …`. */
const AUTH_HEADER = /\b((?:proxy-)?authorization)(\s*[:=]\s*)(?:(basic|bearer|token|digest)\s+)?([^\s"',;}]+)/gi;

/**
 * Text with credentials removed: every known secret value (whole, JSON-escaped or URL-encoded,
 * and any run of 6 or more of its characters), user info in any URL, and the values of
 * secret-looking keys written as `"key": "value"` or `key=value`.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const { forms, grams } = prepare(secrets);
  for (const s of forms) if (out.includes(s)) out = out.split(s).join(REDACTED);
  out = redactFragments(out, grams);
  // Every pattern below needs one of these: most strings (trace event names, ids) skip them all.
  if (!/[:=@]/.test(out)) return out;
  return out
    .replace(URL_USER_INFO, (m, scheme: string, _user: string, password: string | undefined) =>
      LOGIN_SCHEMES.test(scheme) && !password ? m : `${scheme}${REDACTED}@`,
    )
    .replace(BARE_USER_INFO, `$1${REDACTED}@`)
    .replace(QUOTED_PAIR, (m, q: string, key: string, sep: string, vq: string, value: string) =>
      isSecretKey(key) && value !== '' && value !== REDACTED && !ONLY_PLACEHOLDER.test(value) ? `${q}${key}${q}${sep}${vq}${REDACTED}${vq}` : m,
    )
    .replace(ASSIGNED_PAIR, (m, key: string, value: string) =>
      isSecretKey(key) && value !== REDACTED && !ONLY_PLACEHOLDER.test(value) ? `${key}=${REDACTED}` : m,
    )
    .replace(AUTH_HEADER, (m, key: string, sep: string, scheme: string | undefined, value: string) =>
      value === REDACTED ? m : `${key}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
    );
}

/**
 * Cut text to at most `max` characters (an ellipsis marks the cut), redacting it first and
 * again after: a cut made before redaction could keep the first characters of a secret.
 */
export function redactAndCut(text: string, max: number, secrets: readonly string[] = []): string {
  const clean = redactText(text, secrets);
  return clean.length > max ? redactText(`${clean.slice(0, max)}…`, secrets) : clean;
}

/**
 * A copy of a config, a result (or any JSON value) safe to record: URLs lose their
 * credentials, values of secret-looking keys (accessKey, securityToken, password, token, …)
 * become `***` unless they are `${env:…}` placeholders (which reveal nothing), and known
 * secret values are removed from every string.
 */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  const walk = (v: unknown, key?: string, parent?: unknown): unknown => {
    if (typeof v === 'string') {
      if (key !== undefined && isSecretKey(key) && !isKeyFilePath(key, parent) && !ONLY_PLACEHOLDER.test(v)) return REDACTED;
      return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? redactText(redactUrl(v), secrets) : redactText(v, secrets);
    }
    // Array items inherit their key: `tokens: ['…']` is as secret as `token: '…'`.
    if (Array.isArray(v)) return v.map((x) => walk(x, key, parent));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k, v)]));
    return v;
  };
  return walk(value) as T;
}
