/**
 * The configuration's schema: one typed, validated object in the spirit of Playwright's
 * defineConfig. Every key has its default here; errors name the key, the bad value and the fix
 * (errors.ts). Loading files is load.ts, command-line overrides overrides.ts, presets presets.ts.
 */
import { z } from 'zod';
import { ALPHAS, RESOLUTIONS } from '../../models/spec.ts';
import { DEFAULT_CROP } from '../../models/preprocess.ts';
import { ConfigError } from '../../contract/config-error.ts';
import { formatConfigIssues } from './errors.ts';
import { ImplementationSchema, parseImplementation, type Implementation } from './implementations.ts';

/** A number restricted to a fixed list, with an error that lists it. */
function oneOf(allowed: readonly number[]) {
  return z.number().refine((v) => allowed.includes(v), { message: `expected one of ${allowed.join(', ')}` });
}

/** The longest delay a JavaScript timer can hold (2^31 − 1 ms ≈ 24.8 days); a longer one fires at once. */
const TIMER_MAX_MS = 2 ** 31 - 1;
/** A time in milliseconds that a timer can wait for. */
const timerMs = () => z.number().max(TIMER_MAX_MS, `beyond what a timer can hold (at most ${TIMER_MAX_MS} ms ≈ 24.8 days; a longer one would fire at once)`);
/** A time in seconds that a timer can wait for. */
const timerSeconds = () =>
  z.number().max(Math.floor(TIMER_MAX_MS / 1000), `beyond what a timer can hold (at most ${Math.floor(TIMER_MAX_MS / 1000)} s ≈ 24.8 days)`);

/**
 * A pause before each job on a device that heats up (phones, boards): `seconds`, and/or until
 * every temperature the target reads is below `belowC` (polled every `pollSeconds`, for at
 * most `maxWaitSeconds`). Target types that run on real devices accept it as `cooldown`.
 */
export const CooldownSchema = z
  .strictObject({
    seconds: timerSeconds().min(0).optional(),
    belowC: z.number().min(0).max(150).optional(),
    /** Wait until the hottest reading is back to the baseline (the first reading of the lane's first job) + toleranceC. */
    untilBaseline: z.boolean().optional(),
    /** untilBaseline: how far above the baseline counts as cooled down, °C (default 1). */
    toleranceC: z.number().min(0).max(50).optional(),
    pollSeconds: timerSeconds().positive().default(5),
    maxWaitSeconds: timerSeconds().positive().default(600),
  })
  .superRefine((c, ctx) => {
    if (c.untilBaseline && c.belowC !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['untilBaseline'],
        message: 'give one temperature to wait for: belowC (a fixed °C) or untilBaseline (the reading the first job started at), not both',
      });
    if (c.toleranceC !== undefined && !c.untilBaseline)
      ctx.addIssue({ code: 'custom', path: ['toleranceC'], message: 'toleranceC applies only with untilBaseline: true; add it, or remove toleranceC' });
  });

const NodeTargetSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ - only (it is part of job ids)')
    .default('node'),
  type: z.literal('node'),
  /** Kill a job's child process after this long. */
  jobTimeoutMs: timerMs().int().positive().optional(),
  /** Extra Node flags for each job's process, e.g. ['--jitless'] to approximate engines without a JIT. */
  execArgv: z.array(z.string()).default([]),
});

const targetName = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ - only (it is part of job ids)')
    .default(fallback);

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

/** Selenium Grid's default session-request-timeout (its queue), seconds. */
const GRID_DEFAULT_QUEUE_TIMEOUT_S = 300;

/** Client time allowed to open a session on a remote server: above the Grid's default queue timeout, so a queued request waits instead of failing. */
export const REMOTE_SESSION_TIMEOUT_MS = (GRID_DEFAULT_QUEUE_TIMEOUT_S + 30) * 1000;

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
const APPIUM_PRESET_NAMES = ['android', 'ios', 'phone-emulated'] as const;

/**
 * A phone browser through Appium 3 (or any WebDriver server speaking its capabilities: a
 * Selenium Grid, a cloud farm): Android Chrome, iOS Safari, or Chromium emulating a phone.
 */
const AppiumTargetSchema = z
  .strictObject({
    /** Default: the preset's name. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ - only (it is part of job ids)')
      .optional(),
    type: z.literal('appium'),
    preset: z.enum(APPIUM_PRESET_NAMES),
    /** A running WebDriver server (Appium, Grid, farm); `${env:NAME}` placeholders for credentials. Unset: the harness starts its own Appium on loopback. */
    url: z
      .string()
      .regex(/^https?:\/\//, 'expected an http:// or https:// URL')
      .optional(),
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
        baseUrl: z
          .string()
          .regex(/^https?:\/\//, 'expected an http:// or https:// URL')
          .optional(),
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
      baseUrl: z
        .string()
        .regex(/^https?:\/\//, 'expected an http:// or https:// URL')
        .optional(),
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
    username: z
      .string()
      .min(1)
      .default(() => process.env.USER ?? 'pi'),
    /** Path of the private key file (never its contents); unset = the ssh-agent at SSH_AUTH_SOCK. */
    privateKey: z.string().optional(),
    /** A known_hosts file holding the board's key (default ~/.ssh/known_hosts when hostKeySha256 is unset). */
    knownHosts: z.string().optional(),
    /** The board's host key fingerprint as `ssh-keygen -lf` prints it: SHA256:… */
    hostKeySha256: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'expected SHA256:<43 base64 characters>, as `ssh-keygen -lf <key>.pub` prints it')
      .optional(),
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
    /** Time allowed for the board's `node -p process.version` (a few seconds under emulation; raise it for a very slow board), milliseconds. */
    nodeCheckTimeoutMs: z.number().int().positive().default(60_000),
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
export const TargetSchema = z.discriminatedUnion('type', [
  NodeTargetSchema,
  ChromiumTargetSchema,
  FirefoxTargetSchema,
  WebkitTargetSchema,
  AppiumTargetSchema,
  WebDriverTargetSchema,
  SshTargetSchema,
]);

/** Floors of the precision rule, where the config leaves minSamples / minTimeMs open (targetPrecision > 0). */
const PRECISION_FLOORS = { minSamples: 10, minTimeMs: 250 } as const;
/** Floors of fixed sampling (targetPrecision: 0), the rule before precision stopping. */
const FIXED_FLOORS = { minSamples: 30, minTimeMs: 2000 } as const;
/**
 * ±1 %: the precision the fixed floors gave on a quiet 2-core machine (p90 of the default matrix).
 * With the budget below, the rule is never slower than fixed sampling, so it is on by default.
 */
const DEFAULT_TARGET_PRECISION = 0.01;
/**
 * The budget of precision stopping, where the config leaves it open: the fixed floors. A job that
 * has not reached its target once both are met stops there (stopReason 'budget', flagged), so
 * precision stopping takes at most the samples and time fixed sampling took, and less wherever
 * the median is known well enough earlier.
 */
const DEFAULT_BUDGET = { budgetSamples: FIXED_FLOORS.minSamples, budgetTimeMs: FIXED_FLOORS.minTimeMs } as const;

/** The per-job time limit where the config sets none (sustained mode raises it). */
const DEFAULT_JOB_TIMEOUT_MS = 180_000;
/** The caps of ordinary sampling, where the config leaves them open. */
const DEFAULT_CAPS = { maxSamples: 1000, maxTimeMs: 20_000 } as const;
/**
 * Sustained mode's defaults (docs/sampling.md): a minute of sampling and at least 1,024 samples
 * (MLPerf Mobile's rule), medians in 5 s windows. Its caps default high enough not to cut that:
 * maxTimeMs twice sustainedMs, maxSamples a million (it ends the minute early only below 60 µs an inference).
 */
export const SUSTAINED_DEFAULTS = { sustainedMs: 60_000, sustainedSamples: 1024, windowMs: 5000, maxSamples: 1_000_000, maxTimeFactor: 2 } as const;

/**
 * When to stop sampling: after the floors (minSamples and minTimeMs), once the 95 % CI half-width
 * of the median is at most targetPrecision × the median; always capped by maxSamples and maxTimeMs.
 * targetPrecision 0 turns the rule off: stop at the floors (30 samples and 2 s unless set).
 *
 * mode 'sustained' (a device that throttles): the floors become at least sustainedSamples and
 * sustainedMs, precision stopping is off (a sustained job runs its whole duration), and the
 * median is also recorded per windowMs window. Precedence: an explicit cap wins but must leave
 * room for the sustained duration (else a config error naming both keys); an open cap defaults
 * to max(ordinary default, what sustained needs).
 */
export const SamplingSchema = z
  .strictObject({
    /** 'ordinary' (default): stop at the floors or the precision target; 'sustained': latency over a fixed, long duration, in windows. */
    mode: z.enum(['ordinary', 'sustained']).default('ordinary'),
    warmupSamples: z.number().int().min(0).default(5),
    warmupTimeMs: timerMs().min(0).default(250),
    /** Default: 10 with precision stopping, 30 without (targetPrecision 0). */
    minSamples: z.number().int().min(1).optional(),
    /** Default: 250 ms with precision stopping, 2000 ms without. */
    minTimeMs: timerMs().min(0).optional(),
    /** Default 1000; sustained mode: 1,000,000. */
    maxSamples: z.number().int().min(1).optional(),
    /** Default 20 000 ms; sustained mode: max(20 000, 2 × sustainedMs). */
    maxTimeMs: timerMs().positive().optional(),
    /** Relative 95 % CI half-width of the median to stop at (0.01 = ±1 %); 0 = fixed floors only. Sustained mode: ignored (recorded as 0). */
    targetPrecision: z
      .number()
      .min(0, 'must be ≥ 0 (0 turns precision stopping off)')
      .max(1, 'at most 1 (±100 % of the median)')
      .default(DEFAULT_TARGET_PRECISION),
    /**
     * With a target: sampling also ends once both budgetSamples and budgetTimeMs are met, target
     * reached or not (default 30 and 2000 ms, the fixed floors). Set them to the caps to sample until the target or a cap.
     */
    budgetSamples: z.number().int().min(1).optional(),
    budgetTimeMs: timerMs().min(0).optional(),
    /** Relative change between the first and last quarter of samples that flags drift. */
    driftThreshold: z.number().positive().default(0.1),
    /** Run each job this many times, each in a fresh process (Node) or page (browsers), and pool the samples. */
    repeats: z.number().int().min(1).default(1),
    /** Sustained mode: sample for at least this long (default 60 000 ms). */
    sustainedMs: timerMs().positive().optional(),
    /** Sustained mode: and at least this many samples (default 1,024). */
    sustainedSamples: z.number().int().min(1).optional(),
    /** Sustained mode: the median is recorded per window of this length (default 5000 ms, at most sustainedMs / 3). */
    windowMs: timerMs().positive().optional(),
  })
  .superRefine((v, ctx) => {
    // Keys that mean something only in sustained mode are refused elsewhere, so a forgotten `mode` does not go unnoticed.
    if (v.mode === 'sustained') return;
    for (const key of ['sustainedMs', 'sustainedSamples', 'windowMs'] as const) {
      if (v[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} applies only in sustained mode: add mode: 'sustained' (or --sustained), or remove ${key}`,
        });
    }
  })
  .transform((v) => {
    if (v.mode !== 'sustained') {
      const { sustainedMs: _a, sustainedSamples: _b, windowMs: _c, ...rest } = v;
      const maxSamples = v.maxSamples ?? DEFAULT_CAPS.maxSamples;
      const maxTimeMs = v.maxTimeMs ?? DEFAULT_CAPS.maxTimeMs;
      const floors = v.targetPrecision > 0 ? PRECISION_FLOORS : FIXED_FLOORS;
      const minSamples = v.minSamples ?? Math.min(floors.minSamples, maxSamples);
      const minTimeMs = v.minTimeMs ?? Math.min(floors.minTimeMs, maxTimeMs);
      return {
        ...rest,
        maxSamples,
        maxTimeMs,
        minSamples,
        minTimeMs,
        // The budget lies between the floors and the caps (sampling never stops before the floors nor
        // runs past a cap): raised floors raise it, lower caps lower it, and a budget below the floors
        // (quick's 0 ms after a config's own minTimeMs) means "stop at the floors".
        budgetSamples: Math.min(Math.max(v.budgetSamples ?? DEFAULT_BUDGET.budgetSamples, minSamples), maxSamples),
        budgetTimeMs: Math.min(Math.max(v.budgetTimeMs ?? DEFAULT_BUDGET.budgetTimeMs, minTimeMs), maxTimeMs),
      } as ResolvedSampling;
    }
    // A sustained job runs its whole duration: precision stopping's budget does not apply.
    const { budgetSamples: _bs, budgetTimeMs: _bt, ...sustained } = v;
    const sustainedMs = v.sustainedMs ?? SUSTAINED_DEFAULTS.sustainedMs;
    const sustainedSamples = v.sustainedSamples ?? SUSTAINED_DEFAULTS.sustainedSamples;
    const maxSamples = v.maxSamples ?? Math.max(DEFAULT_CAPS.maxSamples, SUSTAINED_DEFAULTS.maxSamples, sustainedSamples);
    const maxTimeMs = v.maxTimeMs ?? Math.min(TIMER_MAX_MS, Math.max(DEFAULT_CAPS.maxTimeMs, sustainedMs * SUSTAINED_DEFAULTS.maxTimeFactor));
    return {
      ...sustained,
      targetPrecision: 0,
      sustainedMs,
      sustainedSamples,
      // A short sustainedMs with the default window would have one or two windows: it gets at least three.
      windowMs: v.windowMs ?? Math.min(SUSTAINED_DEFAULTS.windowMs, sustainedMs / 3),
      maxSamples,
      maxTimeMs,
      // The sustained duration is a floor: a smaller minSamples / minTimeMs cannot shorten it.
      minSamples: Math.max(v.minSamples ?? 1, sustainedSamples),
      minTimeMs: Math.max(v.minTimeMs ?? 0, sustainedMs),
    } as ResolvedSampling;
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'sustained') {
      // An explicit cap below the sustained duration: say which keys clash and how to fix it, once.
      if (v.maxTimeMs < v.sustainedMs!) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxTimeMs'],
          message: `maxTimeMs (${v.maxTimeMs}) is below sustainedMs (${v.sustainedMs}): a sustained job could never last that long; raise maxTimeMs, lower sustainedMs, or leave maxTimeMs out (sustained mode then caps at 2 × sustainedMs)`,
        });
        return;
      }
      if (v.maxSamples < v.sustainedSamples!) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxSamples'],
          message: `maxSamples (${v.maxSamples}) is below sustainedSamples (${v.sustainedSamples}): a sustained job could never take that many samples; raise maxSamples, lower sustainedSamples, or leave maxSamples out (sustained mode then caps at ${SUSTAINED_DEFAULTS.maxSamples})`,
        });
        return;
      }
      if (v.windowMs! > v.sustainedMs!) {
        ctx.addIssue({
          code: 'custom',
          path: ['windowMs'],
          message: `windowMs (${v.windowMs}) is longer than sustainedMs (${v.sustainedMs}): the job would have a single window and no latency over time; lower windowMs or raise sustainedMs`,
        });
        return;
      }
    }
    // Relations between the limits: a minimum above its maximum can never be met.
    if (v.minSamples > v.maxSamples)
      ctx.addIssue({
        code: 'custom',
        path: ['minSamples'],
        message: `minSamples (${v.minSamples}) is above maxSamples (${v.maxSamples}): sampling could never meet it; lower minSamples or raise maxSamples`,
      });
    if (v.minTimeMs > v.maxTimeMs)
      ctx.addIssue({
        code: 'custom',
        path: ['minTimeMs'],
        message: `minTimeMs (${v.minTimeMs}) is above maxTimeMs (${v.maxTimeMs}): sampling could never meet it; lower minTimeMs or raise maxTimeMs`,
      });
  });

/** Sampling with every default applied; the sustained keys are set only in sustained mode. */
interface ResolvedSampling {
  /** Always set by the schema; optional for samplings built by hand (tests, benches), where absent means ordinary. */
  mode?: 'ordinary' | 'sustained';
  warmupSamples: number;
  warmupTimeMs: number;
  minSamples: number;
  minTimeMs: number;
  maxSamples: number;
  maxTimeMs: number;
  targetPrecision: number;
  /** Precision stopping's budget (ordinary mode): stop once both are met, target reached or not. */
  budgetSamples?: number;
  budgetTimeMs?: number;
  driftThreshold: number;
  repeats: number;
  sustainedMs?: number;
  sustainedSamples?: number;
  windowMs?: number;
}

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
  crop: z.number().gt(0, 'must be above 0').max(1, 'at most 1 (the whole image)').default(DEFAULT_CROP),
  seed: z.number().int().default(0),
});

/**
 * How a model's input is normalised from RGB pixels p in [0, 255]: `minus1to1` (p / 127.5 − 1,
 * MobileNet's own), or per-channel (p / 255 − mean) / std (torchvision's ImageNet statistics, say).
 */
export const NormalizationSchema = z.union([
  z.literal('minus1to1'),
  z.strictObject({ mean: z.tuple([z.number(), z.number(), z.number()]), std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]) }),
]);

/** A user's own MobileNet V1 (fine-tuned weights, own classes): see docs/own-model.md. */
export const UserModelSchema = z.strictObject({
  /** Part of the job ids (`node/reference/<name>_0.25_128`); default: the file's name. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ - only (it is part of job ids)')
    .optional(),
  /** A .tflite file (float or uint8), a TF.js Layers model.json (or its folder) or an .onnx file. */
  file: z.string().min(1, 'must name the model file'),
  /** Class names, one a line, in the head's order: matched by name to the eval set's folders. */
  labels: z.string().min(1).optional(),
  /** uint8 .tflite files: run on integer kernels (uint8, default) or dequantized (uint8-dequantized). */
  precision: z.enum(['float32', 'uint8', 'uint8-dequantized']).optional(),
  /** Input normalisation the model was trained with (default minus1to1). */
  normalization: NormalizationSchema.default('minus1to1'),
  /** Central-crop fraction before the resize (default: accuracy.crop). */
  crop: z.number().gt(0, 'must be above 0').max(1, 'at most 1 (the whole image)').optional(),
});

/** The whole configuration, as written by a user (defaults not yet applied). */
export const ConfigSchema = z
  .strictObject({
    targets: z
      .array(TargetSchema)
      .min(1)
      .default([{ name: 'node', type: 'node', execArgv: [] }]),
    variants: z
      .strictObject({
        alpha: z
          .array(oneOf(ALPHAS))
          .min(1)
          .default([...ALPHAS]),
        resolution: z
          .array(oneOf(RESOLUTIONS))
          .min(1)
          .default([...RESOLUTIONS]),
      })
      .prefault({}),
    implementations: z
      .array(ImplementationSchema)
      .min(1)
      .default(['reference', 'tfjs:wasm', 'ort-web:wasm', 'ort-node:cpu'].map((s) => parseImplementation(s) as Implementation)),
    /** Default: float32 with synthetic weights; float32 and uint8 with official ones. */
    /** uint8: integer kernels where the runtime has them (tfjs: dequantized); uint8-dequantized: float kernels on dequantized weights. */
    precision: z
      .array(z.enum(['float32', 'uint8', 'uint8-dequantized']))
      .min(1)
      .optional(),
    weights: WeightsSchema.default({ source: 'synthetic', seed: 0 }),
    /** The user's own MobileNet V1 models, each run on every target and implementation beside the official variants. */
    models: z.array(UserModelSchema).default([]),
    sampling: SamplingSchema.prefault({}),
    accuracy: AccuracyConfigSchema.prefault({}),
    order: z.strictObject({ mode: z.enum(['interleaved', 'shuffled', 'grouped']).default('interleaved'), seed: z.number().int().default(1) }).prefault({}),
    /** Default per-job time limit (load + sampling + accuracy), milliseconds: 180 000; sustained mode: at least maxTimeMs + 120 000. */
    jobTimeoutMs: timerMs().int().positive().optional(),
    /** At most this many jobs at once (each on its own device); default: one per target instance. */
    workers: z.number().int().min(1).optional(),
    /**
     * Let targets on the same host (local browsers, Node) run at the same time. Off by default:
     * they would slow each other down. When on, their results carry a warning.
     */
    shareHost: z.boolean().default(false),
    /** Where run folders are written. */
    outDir: z.string().min(1, 'must name a folder').default('results'),
    /** A history folder each finished `run` adds its summary to (`--history DIR` wins); see docs/history.md. */
    history: z.string().min(1, 'must name a folder').optional(),
    /** A profiling pass per job after its timed samples (`--profile`): true, or the number of profiled inferences. */
    profile: z.union([z.boolean(), z.strictObject({ inferences: z.number().int().min(1).max(100).default(5) })]).default(false),
    /**
     * Measure each target's compute and bandwidth ceilings once per run, before its first job
     * (docs/results.md#ceilings): true, false, or the budget of the micro-benchmarks and the
     * precision each is measured to. Unset: the command line measures them (`run` without
     * `--quick`, or with `--ceilings`); a config resolved in code without them does not.
     */
    ceilings: z
      .union([
        z.boolean(),
        z.strictObject({
          budgetMs: z.number().int().min(1000, 'at least 1000 ms').max(60_000, 'at most 60000 ms').default(8000),
          targetPrecision: z.number().gt(0, 'must be above 0').max(0.5, 'at most 0.5').default(0.02),
        }),
      ])
      .default(false),
  })
  .transform((c) => ({
    ...c,
    precision: c.precision ?? (c.weights.source === 'official' ? (['float32', 'uint8'] as const) : (['float32'] as const)).slice(),
    // A sustained job samples for minutes: its default limit leaves room for the whole cap plus load and accuracy.
    jobTimeoutMs:
      c.jobTimeoutMs ??
      (c.sampling.mode === 'sustained' ? Math.min(TIMER_MAX_MS, Math.max(DEFAULT_JOB_TIMEOUT_MS, c.sampling.maxTimeMs + 120_000)) : DEFAULT_JOB_TIMEOUT_MS),
  }))
  .superRefine((c, ctx) => {
    if (c.sampling.mode !== 'sustained') return;
    // A time limit shorter than the sustained duration would kill every job before it could finish.
    const limits: Array<[Array<string | number>, number]> = [
      [['jobTimeoutMs'], c.jobTimeoutMs],
      ...c.targets.flatMap(
        (t, i): Array<[Array<string | number>, number]> => (t.jobTimeoutMs !== undefined ? [[['targets', i, 'jobTimeoutMs'], t.jobTimeoutMs]] : []),
      ),
    ];
    for (const [path, limit] of limits) {
      if (limit <= c.sampling.sustainedMs!)
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${path.join('.')} (${limit} ms) is not above sampling.sustainedMs (${c.sampling.sustainedMs} ms): every sustained job would be killed before it ends; raise ${path.join('.')} (or leave it out) or lower sampling.sustainedMs`,
        });
    }
  });

/** What a user writes (every key optional). */
export type UserConfig = z.input<typeof ConfigSchema>;
/** The resolved configuration, defaults applied. */
export type Config = z.output<typeof ConfigSchema>;
export type Target = z.output<typeof TargetSchema>;
export type Sampling = z.output<typeof SamplingSchema>;
export type UserModel = z.output<typeof UserModelSchema>;
export type Normalization = z.output<typeof NormalizationSchema>;

/** Validate a user config and apply defaults. */
export function resolveConfig(input: unknown, origin = 'config'): Config {
  const parsed = ConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(formatConfigIssues(parsed.error.issues, input, origin, ConfigSchema));
  return parsed.data;
}
