/**
 * The benchmark configuration: one typed, validated object in the spirit of
 * Playwright's defineConfig. `bench.config.ts` (or .json) exports it; the CLI
 * narrows it with filters. Every error names the key, the bad value and the fix.
 */
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { redactText } from './secrets.ts';
import { z } from 'zod';
import { ALPHAS, RESOLUTIONS } from '../models/spec.ts';
import { IMPL_NAMES, backendsByImpl, type ImplName } from '../models/registry.ts';
import { findBrowserExecutable } from './browsers.ts';

/** Implementations and the backends each can run on, from the runtime registry (models/registry.ts). */
export const BACKENDS = backendsByImpl();

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

const ImplementationSchema = z.union([
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

/** A number restricted to a fixed list, with an error that lists it. */
function oneOf(allowed: readonly number[]) {
  return z.number().refine((v) => allowed.includes(v), { message: `expected one of ${allowed.join(', ')}` });
}

/** The longest delay a JavaScript timer can hold (2^31 − 1 ms ≈ 24.8 days); a longer one fires at once. */
export const TIMER_MAX_MS = 2 ** 31 - 1;
/** A time in milliseconds that a timer can wait for. */
const timerMs = () => z.number().max(TIMER_MAX_MS, `beyond what a timer can hold (at most ${TIMER_MAX_MS} ms ≈ 24.8 days; a longer one would fire at once)`);
/** A time in seconds that a timer can wait for. */
const timerSeconds = () => z.number().max(Math.floor(TIMER_MAX_MS / 1000), `beyond what a timer can hold (at most ${Math.floor(TIMER_MAX_MS / 1000)} s ≈ 24.8 days)`);

/**
 * A pause before each job on a device that heats up (phones, boards): `seconds`, and/or until
 * every temperature the target reads is below `belowC` (polled every `pollSeconds`, for at
 * most `maxWaitSeconds`). Target types that run on real devices accept it as `cooldown`.
 */
export const CooldownSchema = z.strictObject({
  seconds: timerSeconds().min(0).optional(),
  belowC: z.number().min(0).max(150).optional(),
  pollSeconds: timerSeconds().positive().default(5),
  maxWaitSeconds: timerSeconds().positive().default(600),
});

const NodeTargetSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ - only (it is part of job ids)').default('node'),
  type: z.literal('node'),
  /** Kill a job's child process after this long. */
  jobTimeoutMs: timerMs().int().positive().optional(),
  /** Extra Node flags for each job's process, e.g. ['--jitless'] to approximate engines without a JIT. */
  execArgv: z.array(z.string()).default([]),
});

const targetName = (fallback: string) => z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ - only (it is part of job ids)').default(fallback);

/** Desktop Chromium driven by puppeteer-core over CDP (Debian's chromium, found via executablePath, CHROME_PATH or the usual paths). */
const ChromiumTargetSchema = z.strictObject({
  name: targetName('chromium'),
  type: z.literal('chromium'),
  /** The browser binary; default CHROME_PATH, then /usr/bin/chromium and the other usual paths. */
  executablePath: z.string().optional(),
  /** Run without a window (default true). */
  headless: z.boolean().default(true),
  /** Extra command-line flags, appended to the harness's own. */
  args: z.array(z.string()).default([]),
  /** CDP Emulation.setCPUThrottlingRate (e.g. 4 = a phone-ish 4× slowdown); unset = none. */
  cpuThrottlingRate: z.number().min(1).optional(),
  /** navigator.hardwareConcurrency reported to the page (CDP override); unset = the real core count. */
  hardwareConcurrency: z.number().int().min(1).optional(),
  /** Per-job time limit, milliseconds (default: the config's jobTimeoutMs). */
  jobTimeoutMs: timerMs().int().positive().optional(),
  /** Implementations for this target only (instead of the config's); `--impl` overrides both. */
  implementations: z.array(ImplementationSchema).min(1).optional(),
});

/** Firefox (Debian's firefox-esr) driven by puppeteer-core over WebDriver BiDi. */
const FirefoxTargetSchema = z.strictObject({
  name: targetName('firefox'),
  type: z.literal('firefox'),
  executablePath: z.string().optional(),
  headless: z.boolean().default(true),
  args: z.array(z.string()).default([]),
  jobTimeoutMs: timerMs().int().positive().optional(),
  implementations: z.array(ImplementationSchema).min(1).optional(),
});

/** WebKit (WebKitGTK's MiniBrowser via WebKitWebDriver, classic WebDriver, under Xvfb): the stand-in for Safari's engine. */
const WebkitTargetSchema = z.strictObject({
  name: targetName('webkit'),
  type: z.literal('webkit'),
  /** WebKitWebDriver; default WEBKIT_WEBDRIVER_PATH, then /usr/bin/WebKitWebDriver. */
  driverPath: z.string().optional(),
  /** MiniBrowser; default the webkit2gtk-4.1 one next to the driver's library. */
  browserPath: z.string().optional(),
  /** Start a private Xvfb display when DISPLAY is unset (default true). */
  xvfb: z.boolean().default(true),
  jobTimeoutMs: timerMs().int().positive().optional(),
  implementations: z.array(ImplementationSchema).min(1).optional(),
});

/** Client time allowed to open a session on a remote server: above Selenium Grid's default 300 s queue timeout. */
export const REMOTE_SESSION_TIMEOUT_MS = 330_000;

/** Keys of targets that can stand for several devices through a Grid or farm. */
const PoolKeys = {
  /** Open this many sessions (each a device) and spread the target's jobs over them. */
  instances: z.number().int().min(1).max(64).default(1),
  /** Routing name sent as the `bench:pool` capability: a Grid node whose stereotype has the same value serves it. */
  pool: z.string().min(1).optional(),
  /** The machine the browser computes on, when you know it ('localhost' for a Grid on this machine): targets on one host never run at once unless `shareHost`. */
  host: z.string().min(1).optional(),
};

/** Kinds of phone browser an `appium` target drives (capabilities in runners/appium-presets.ts). */
export const APPIUM_PRESET_NAMES = ['android', 'ios', 'phone-emulated'] as const;

/**
 * A phone browser through Appium 3 (or any WebDriver server speaking its capabilities: a
 * Selenium Grid, a cloud farm): Android Chrome, iOS Safari, or Chromium emulating a phone.
 */
const AppiumTargetSchema = z
  .strictObject({
    /** Default: the preset's name. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ - only (it is part of job ids)').optional(),
    type: z.literal('appium'),
    preset: z.enum(APPIUM_PRESET_NAMES),
    /** A running WebDriver server (Appium, Grid, farm); `${env:NAME}` placeholders for credentials. Unset: the harness starts its own Appium on loopback. */
    url: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// URL').optional(),
    /** Capabilities merged over the preset's (objects key by key; null removes a key); `${env:NAME}` placeholders expanded at connection. */
    capabilities: z.record(z.string(), z.unknown()).default({}),
    /** phone-emulated: the Chrome DevTools device to emulate (screen metrics and user agent). */
    emulatedDevice: z.string().min(1).default('Pixel 7'),
    /** CDP Emulation.setCPUThrottlingRate (Chrome-based sessions); default 4 for phone-emulated, none otherwise. */
    cpuThrottlingRate: z.number().min(1).optional(),
    /** Android: allow `mobile: shell` (thermal readings, renderer PSS); the harness's own Appium then runs with --allow-insecure uiautomator2:adb_shell. */
    adbShell: z.boolean().default(false),
    /** How the device reaches the probe page: loopback by default. */
    page: z
      .strictObject({
        /** Listen on this address (a LAN address a phone on Wi-Fi can reach); anything but loopback needs the path token. */
        host: z.string().optional(),
        /** Listen on this port (a tunnel forwards to it); default: any free port. */
        port: z.number().int().min(0).max(65535).optional(),
        /** The URL the device opens instead of the server's own address (your tunnel to it, e.g. BrowserStack Local, Sauce Connect). */
        baseUrl: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// URL').optional(),
        /** Android on USB: `adb reverse` the server's port, so the phone reaches it on its own 127.0.0.1. */
        adbReverse: z.boolean().optional(),
      })
      .prefault({}),
    /** A fresh session for each job (default: phone-emulated yes, real phones no: one session until it is lost). */
    sessionPerJob: z.boolean().optional(),
    /** Longest single wait for the page, ms (farms end sessions idle for 90 s). */
    pollSliceMs: z.number().int().min(1000).max(59_000).default(20_000),
    /** Time allowed to open a session, ms (default 120 s; with a `url`, 330 s: above a Selenium Grid's 300 s queue timeout, so a queued request waits instead of failing). */
    sessionTimeoutMs: timerMs().int().positive().optional(),
    /** Pause between jobs (seconds, or until cooler than belowC). */
    cooldown: CooldownSchema.optional(),
    jobTimeoutMs: timerMs().int().positive().optional(),
    implementations: z.array(ImplementationSchema).min(1).optional(),
    ...PoolKeys,
  })
  .transform((t) => ({ ...t, name: t.name ?? t.preset, sessionTimeoutMs: t.sessionTimeoutMs ?? (t.url ? REMOTE_SESSION_TIMEOUT_MS : 120_000) }));

/**
 * Any W3C WebDriver server by URL with its capabilities: a Selenium Grid hub, a cloud farm, a
 * chromedriver. For desktop browsers elsewhere (a Grid's Chromium nodes); phones use `appium`.
 */
const WebDriverTargetSchema = z.strictObject({
  name: targetName('webdriver'),
  type: z.literal('webdriver'),
  /** The server; `${env:NAME}` placeholders for credentials (they never reach results). */
  url: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// URL'),
  /** W3C capabilities of each session (browserName, goog:chromeOptions, a farm's vendor block …); `${env:NAME}` placeholders expanded at connection. */
  capabilities: z.record(z.string(), z.unknown()).default({}),
  /** CDP Emulation.setCPUThrottlingRate (Chrome-based sessions); unset = none. */
  cpuThrottlingRate: z.number().min(1).optional(),
  /** A fresh session (browser) for each job (default), or one per instance until it is lost. */
  sessionPerJob: z.boolean().default(true),
  /** Longest single wait for the page, ms (farms end sessions idle for 90 s). */
  pollSliceMs: z.number().int().min(1000).max(59_000).default(20_000),
  /** Time allowed to open a session, ms: above a Selenium Grid's queue timeout (default 300 s), so a queued request waits. */
  sessionTimeoutMs: timerMs().int().positive().default(REMOTE_SESSION_TIMEOUT_MS),
  /** How the browser reaches the probe page: loopback by default. */
  page: z
    .strictObject({
      host: z.string().optional(),
      port: z.number().int().min(0).max(65535).optional(),
      baseUrl: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// URL').optional(),
    })
    .prefault({}),
  cooldown: CooldownSchema.optional(),
  jobTimeoutMs: timerMs().int().positive().optional(),
  implementations: z.array(ImplementationSchema).min(1).optional(),
  ...PoolKeys,
});


/**
 * A Raspberry Pi or any Linux board over SSH (ssh2): the Node job bundle and the runtimes'
 * files are uploaded into a content-addressed cache under `remoteDir`, and each job runs in a
 * fresh remote `node` process; with `browser: 'chromium'` the board's Chromium is driven
 * through the SSH connection instead. The host key must be pinned (`knownHosts` or
 * `hostKeySha256`): an unknown or changed key is refused with its fingerprint.
 */
const SshTargetSchema = z
  .strictObject({
    name: targetName('ssh'),
    type: z.literal('ssh'),
    /** The board's address; or `hosts` for several identical boards (one runner each). */
    host: z.string().min(1).optional(),
    hosts: z.array(z.string().min(1)).min(1).optional(),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1).default(() => process.env.USER ?? 'pi'),
    /** Path of the private key file (never its contents); unset = the ssh-agent at SSH_AUTH_SOCK. */
    privateKey: z.string().optional(),
    /** A known_hosts file holding the board's key (default ~/.ssh/known_hosts when hostKeySha256 is unset). */
    knownHosts: z.string().optional(),
    /** The board's host key fingerprint as `ssh-keygen -lf` prints it: SHA256:… */
    hostKeySha256: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'expected SHA256:<43 base64 characters>, as `ssh-keygen -lf <key>.pub` prints it').optional(),
    /** Remote folder of the content-addressed upload cache (a leading ~/ is the remote home). */
    remoteDir: z.string().min(1).default('~/.cache/mobilenet-bench'),
    /** The remote Node (≥ 20) binary. */
    node: z.string().min(1).default('node'),
    /** Extra environment variables for each remote job process. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names: letters, digits, _'), z.string()).default({}),
    /** Run jobs in the board's Chromium (driven through the SSH connection) instead of its Node. */
    browser: z.literal('chromium').optional(),
    /** The remote Chromium binary (default: chromium, then chromium-browser, on the remote PATH). */
    chromiumPath: z.string().optional(),
    /** Time allowed to connect, milliseconds. */
    connectTimeoutMs: z.number().int().positive().default(20_000),
    cooldown: CooldownSchema.optional(),
    jobTimeoutMs: timerMs().int().positive().optional(),
    implementations: z.array(ImplementationSchema).min(1).optional(),
  })
  .superRefine((t, ctx) => {
    if ((t.host === undefined) === (t.hosts === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'give exactly one of `host` (one board) or `hosts` (several identical boards)' });
    }
  });


/** Where jobs run. */
export const TargetSchema = z.discriminatedUnion('type', [NodeTargetSchema, ChromiumTargetSchema, FirefoxTargetSchema, WebkitTargetSchema, AppiumTargetSchema, WebDriverTargetSchema, SshTargetSchema]);

/**
 * Named targets that `--target NAME` adds when the config does not define NAME (Playwright-style
 * presets): node, chromium, firefox, webkit with their defaults. Browser presets carry their own
 * implementation list (BROWSER_PRESET_IMPLEMENTATIONS); `--impl` or a config's own target replaces it.
 */
/** What desktop browser presets run by default: every browser-capable CPU implementation, ORT-web on 1 and 2 threads. */
export const BROWSER_PRESET_IMPLEMENTATIONS = ['reference', 'tfjs:wasm', 'ort-web:wasm@1', 'ort-web:wasm@2'];

export const TARGET_PRESETS = {
  node: { name: 'node', type: 'node' },
  chromium: { name: 'chromium', type: 'chromium', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  firefox: { name: 'firefox', type: 'firefox', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  webkit: { name: 'webkit', type: 'webkit', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  'phone-emulated': { name: 'phone-emulated', type: 'appium', preset: 'phone-emulated', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  android: { name: 'android', type: 'appium', preset: 'android', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
  ios: { name: 'ios', type: 'appium', preset: 'ios', implementations: BROWSER_PRESET_IMPLEMENTATIONS },
} as const satisfies Record<string, z.input<typeof TargetSchema>>;

/**
 * Targets of the built-in defaults (no config file): node, plus chromium when a Chromium is
 * found (CHROME_PATH or the usual paths). A config file's `targets` is always taken as written.
 */
export function builtInTargets(): Array<z.input<typeof TargetSchema>> {
  return findBrowserExecutable('chromium') ? [TARGET_PRESETS.node, TARGET_PRESETS.chromium] : [TARGET_PRESETS.node];
}

/** When to stop sampling: at least minSamples and minTimeMs, capped by maxSamples and maxTimeMs (MLPerf-style). */
export const SamplingSchema = z.strictObject({
  warmupSamples: z.number().int().min(0).default(5),
  warmupTimeMs: timerMs().min(0).default(250),
  minSamples: z.number().int().min(1).default(30),
  minTimeMs: timerMs().min(0).default(2000),
  maxSamples: z.number().int().min(1).default(1000),
  maxTimeMs: timerMs().positive().default(20000),
  /** Relative change between the first and last quarter of samples that flags drift. */
  driftThreshold: z.number().positive().default(0.1),
  /** Run each job this many times, each in a fresh process (Node) or page (browsers), and pool the samples. */
  repeats: z.number().int().min(1).default(1),
}).superRefine((v, ctx) => {
  // Relations between the limits: a minimum above its maximum can never be met.
  if (v.minSamples > v.maxSamples) ctx.addIssue({ code: 'custom', path: ['minSamples'], message: `minSamples (${v.minSamples}) is above maxSamples (${v.maxSamples}): sampling could never meet it; lower minSamples or raise maxSamples` });
  if (v.minTimeMs > v.maxTimeMs) ctx.addIssue({ code: 'custom', path: ['minTimeMs'], message: `minTimeMs (${v.minTimeMs}) is above maxTimeMs (${v.maxTimeMs}): sampling could never meet it; lower minTimeMs or raise maxTimeMs` });
});

/** Where the weights come from. */
export const WeightsSchema = z.discriminatedUnion('source', [
  z.strictObject({ source: z.literal('synthetic'), seed: z.number().int().default(0) }),
  z.strictObject({
    source: z.literal('official'),
    /** A local folder laid out like shared/data/weights (tflite/, tfjs/); env MOBILENET_BENCH_MIRROR. */
    mirror: z.string().optional(),
    /** Download cache for the official URLs. */
    cacheDir: z.string().optional(),
    /** A float variant without official weights: run it on synthetic weights (latency only) or skip it. */
    fallback: z.enum(['synthetic', 'skip']).default('synthetic'),
  }),
]);

const AccuracyConfigSchema = z.strictObject({
  /** Folder of labelled images; unset = agreement with the reference on synthetic inputs only. */
  evalSet: z.string().optional(),
  /** At most this many images per job (a seeded subset when the set is larger); default: all of them. */
  samples: z.number().int().min(1).optional(),
  /** Agreement with the reference implementation is measured on the first N of those images (the reference is slow by design). */
  referenceSamples: z.number().int().min(1).default(100),
  /** Central-crop fraction before the resize: 0.875 (TF-slim's evaluation); 1.0 for a set already cropped or pre-scaled. */
  crop: z.number().gt(0, 'must be above 0').max(1, 'at most 1 (the whole image)').default(0.875),
  seed: z.number().int().default(0),
});

/** The whole configuration, as written by a user (defaults not yet applied). */
export const ConfigSchema = z.strictObject({
  targets: z.array(TargetSchema).min(1).default([{ name: 'node', type: 'node', execArgv: [] }]),
  variants: z
    .strictObject({
      alpha: z.array(oneOf(ALPHAS)).min(1).default([...ALPHAS]),
      resolution: z.array(oneOf(RESOLUTIONS)).min(1).default([...RESOLUTIONS]),
    })
    .prefault({}),
  implementations: z.array(ImplementationSchema).min(1).default(['reference', 'tfjs:wasm', 'ort-web:wasm', 'ort-node:cpu'].map((s) => parseImplementation(s) as Implementation)),
  /** Default: float32 with synthetic weights; float32 and uint8 with official ones. */
  /** uint8: integer kernels where the runtime has them (tfjs: dequantized); uint8-dequantized: float kernels on dequantized weights. */
  precision: z.array(z.enum(['float32', 'uint8', 'uint8-dequantized'])).min(1).optional(),
  weights: WeightsSchema.default({ source: 'synthetic', seed: 0 }),
  sampling: SamplingSchema.prefault({}),
  accuracy: AccuracyConfigSchema.prefault({}),
  order: z.strictObject({ mode: z.enum(['interleaved', 'shuffled', 'grouped']).default('interleaved'), seed: z.number().int().default(1) }).prefault({}),
  /** Default per-job time limit (load + sampling + accuracy), milliseconds. */
  jobTimeoutMs: timerMs().int().positive().default(180_000),
  /** At most this many jobs at once (each on its own device); default: one per target instance. */
  workers: z.number().int().min(1).optional(),
  /**
   * Let targets on the same host (local browsers, Node) run at the same time. Off by default:
   * they would slow each other down. When on, their results carry a warning.
   */
  shareHost: z.boolean().default(false),
  /** Where run folders are written. */
  outDir: z.string().min(1, 'must name a folder').default('results'),
  /** A profiling pass per job after its timed samples (`--profile`): true, or the number of profiled inferences. */
  profile: z.union([z.boolean(), z.strictObject({ inferences: z.number().int().min(1).max(100).default(5) })]).default(false),
}).transform((c) => ({
  ...c,
  precision: c.precision ?? (c.weights.source === 'official' ? (['float32', 'uint8'] as const) : (['float32'] as const)).slice(),
}));

/** What a user writes (every key optional). */
export type UserConfig = z.input<typeof ConfigSchema>;
/** The resolved configuration, defaults applied. */
export type Config = z.output<typeof ConfigSchema>;
export type Target = z.output<typeof TargetSchema>;
export type Sampling = z.output<typeof SamplingSchema>;

/** Typed identity for `bench.config.ts`: `export default defineConfig({ ... })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

/** The configuration could not be used: the message names the key, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(message: string) {
    // A config error quotes values (a mistyped URL, a snippet of bad JSON): never their credentials.
    super(redactText(message));
    this.name = 'ConfigError';
  }
}

function describeValue(root: unknown, path: PropertyKey[]): string {
  let v: unknown = root;
  for (const key of path) v = v != null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v === undefined ? 'missing' : JSON.stringify(v);
}

/** Unwrap defaults, optionals, arrays, pipes and unions down to the object schemas found at `path`. */
function objectShapesAt(schema: z.core.$ZodType, path: PropertyKey[]): Record<string, unknown>[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'default': case 'prefault': case 'optional': case 'nullable':
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
function allowedKeys(path: PropertyKey[]): string[] {
  return [...new Set(objectShapesAt(ConfigSchema, path).flatMap((s) => Object.keys(s)))];
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
export function formatConfigIssues(issues: z.core.$ZodIssue[], input: unknown, origin: string): string {
  const lines = issues.map((issue) => {
    const key = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${key}.` : '';
      const allowed = allowedKeys(issue.path);
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
  return `Invalid configuration in ${origin}:\n  - ${lines.join('\n  - ')}\nSee the README's "Configuration" section for every key.`;
}

/** Validate a user config and apply defaults. */
export function resolveConfig(input: unknown, origin = 'config'): Config {
  const parsed = ConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(formatConfigIssues(parsed.error.issues, input, origin));
  return parsed.data;
}

/** Errors that mean "this module format cannot be loaded from here" (a .ts/.js config in a folder without "type": "module"). */
const FORMAT_ERRORS = /ERR_REQUIRE_CYCLE_MODULE|ERR_REQUIRE_ESM|ERR_REQUIRE_ASYNC_MODULE|Cannot use import statement outside a module|Unexpected token 'export'/;

/** The first line of an error that says what went wrong, with the config file's line where it happened. */
function firstErrorLine(file: string, e: unknown): string {
  const err = e as Error & { code?: string };
  const text = `${err?.message ?? String(e)}`;
  // esbuild (tsx) syntax errors: "Transform failed with 1 error:\n<file>:3:14: ERROR: Expected ...".
  for (const l of text.split('\n')) {
    const m = /:(\d+):(\d+): (ERROR: .*)$/.exec(l);
    if (m) return `line ${m[1]}, column ${Number(m[2]) + 1}: ${m[3]}`;
  }
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? String(e);
  const frame = (err?.stack ?? '').split('\n').find((l) => l.includes(file));
  const where = frame ? /:(\d+):(\d+)\)?\s*$/.exec(frame) : null;
  return `${where ? `line ${where[1]}: ` : ''}${err?.name && err.name !== 'Error' && !line.startsWith(err.name) ? `${err.name}: ` : ''}${line}`;
}

/**
 * Import a .ts/.js config. In a folder whose package.json lacks "type": "module", Node treats
 * it as CommonJS and cannot load its `export default`: then it is loaded through an ES-module
 * copy beside it (.mts/.mjs, removed at once), so it works wherever it sits. Anything that still
 * fails (a syntax error, a config that throws) is a ConfigError naming the file and the first line.
 */
async function importConfigModule(file: string): Promise<{ default?: unknown }> {
  try {
    return (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    const text = `${(e as { code?: string }).code ?? ''} ${(e as Error)?.message ?? ''}`;
    if (!FORMAT_ERRORS.test(text)) throw new ConfigError(`${file}: cannot load the config: ${firstErrorLine(file, e)}`);
  }
  const copy = join(dirname(file), `.${basename(file)}.${process.pid}-${Date.now()}${extname(file) === '.js' ? '.mjs' : '.mts'}`);
  try {
    copyFileSync(file, copy);
  } catch (e) {
    throw new ConfigError(`${file}: cannot load the config: it uses \`export\` but its folder's package.json has no "type": "module" (add it, or rename the file to .mts/.mjs); a module copy could not be written beside it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return (await import(pathToFileURL(copy).href)) as { default?: unknown };
  } catch (e) {
    throw new ConfigError(`${file}: cannot load the config: ${firstErrorLine(copy, e).replaceAll(basename(copy), basename(file))}`);
  } finally {
    rmSync(copy, { force: true });
  }
}

/** Config files looked for in the working directory when none is given. */
export const DEFAULT_CONFIG_FILES = ['bench.config.ts', 'bench.config.js', 'bench.config.json'];

/**
 * Load `path` (TS/JS module with a default export, or JSON), or the first default file
 * found, or the built-in defaults; `adjust` edits the raw config (command-line options)
 * before validation, so their errors name config keys too.
 */
export async function loadConfig(
  path?: string,
  { cwd = process.cwd(), adjust }: { cwd?: string; adjust?: (c: UserConfig) => UserConfig } = {},
): Promise<{ config: Config; origin: string }> {
  const file = path ? resolve(cwd, path) : DEFAULT_CONFIG_FILES.map((f) => resolve(cwd, f)).find(existsSync);
  // Name the command line in errors too: a bad --alpha is not the config file's fault.
  const where = (origin: string) => (adjust ? `${origin} with the command-line options` : origin);
  const edit = adjust ?? ((c: UserConfig) => c);
  if (!file) return { config: resolveConfig(edit({ targets: builtInTargets() }), where('built-in defaults')), origin: 'built-in defaults' };
  if (!existsSync(file)) throw new ConfigError(`Config file ${file} not found. Pass an existing file with --config, or omit it to use the defaults.`);
  let raw: unknown;
  if (extname(file) === '.json') {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
    }
  } else {
    const mod = await importConfigModule(file);
    if (mod.default === undefined) throw new ConfigError(`${file}: no default export; write \`export default defineConfig({ ... })\``);
    raw = mod.default;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${file}: the config must be an object`);
  let edited: UserConfig;
  try {
    edited = edit(structuredClone(raw) as UserConfig);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // A value of the wrong type ("targets": "node") tripped a command-line option: name the key, not a TypeError.
    resolveConfig(raw, file);
    throw new ConfigError(`${file}: the command-line options cannot be applied to this config (${(e as Error).message})`);
  }
  return { config: resolveConfig(edited, where(file)), origin: file };
}
