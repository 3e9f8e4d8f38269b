/**
 * Thermal bookkeeping around each job, the same for every target that can read its own
 * temperature (phones, boards): readings before and after, whether the job throttled, and
 * the optional cool-down between jobs. Runners only supply readings; this decides.
 */
import { hottest, type Thermal, type ThermalReading } from '../contract/results.ts';

/** Cool down before each job: a fixed pause, or until a temperature, whichever the config asks. */
export interface Cooldown {
  /** Pause this long before every job (after the first). */
  seconds?: number;
  /** Wait until every temperature reading is below this, polling every pollSeconds, for at most maxWaitSeconds. */
  belowC?: number;
  /** Wait until the hottest reading is at most the baseline (the lane's first reading) + toleranceC. */
  untilBaseline?: boolean;
  /** untilBaseline: how far above the baseline counts as cooled down (default 1 °C). */
  toleranceC?: number;
  pollSeconds?: number;
  maxWaitSeconds?: number;
}

/** untilBaseline's tolerance where the config gives none: sensors step by about 0.5–1 °C. */
const DEFAULT_TOLERANCE_C = 1;

/** How a cool-down went: how long it waited, and whether it gave up at maxWaitSeconds while still too hot. */
export interface CooldownOutcome {
  waitedMs: number;
  capped: boolean;
}

/**
 * Whether the device throttled during a job: true when any reading after says it throttles
 * now, or a flag went from false before to true after; null when no reading could tell.
 */
export function throttledDuring(before: ThermalReading[], after: ThermalReading[]): boolean | null {
  let couldTell = false;
  for (const r of after) {
    if (r.unavailable) continue;
    if (r.throttledNow !== undefined && r.throttledNow !== null) {
      couldTell = true;
      if (r.throttledNow) return true;
    }
    if (r.flags) {
      const earlier = before.find((b) => b.source === r.source)?.flags ?? {};
      for (const [flag, on] of Object.entries(r.flags)) {
        couldTell = true;
        if (on && earlier[flag] === false) return true;
      }
    }
  }
  return couldTell ? false : null;
}

/** Read thermals without letting a broken reader fail the job. */
async function safeRead(read: () => Promise<ThermalReading[]>): Promise<ThermalReading[]> {
  try {
    return await read();
  } catch (e) {
    return [{ source: 'thermal readings', unavailable: (e as Error).message.split('\n')[0] }];
  }
}

/**
 * Wait as the cooldown asks. `read` is the runner's thermal reader (absent: a temperature
 * cannot be checked, so only `seconds` applies); `baselineC` is the lane's baseline for
 * untilBaseline (null or absent: nothing to wait for).
 */
export async function coolDown(
  cooldown: Cooldown,
  read?: () => Promise<ThermalReading[]>,
  sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  baselineC?: number | null,
): Promise<CooldownOutcome> {
  const start = Date.now();
  if (cooldown.seconds) await sleep(cooldown.seconds * 1000);
  const cool =
    cooldown.belowC !== undefined
      ? (t: number) => t < cooldown.belowC!
      : cooldown.untilBaseline && baselineC != null
        ? (t: number) => t <= baselineC + (cooldown.toleranceC ?? DEFAULT_TOLERANCE_C)
        : undefined;
  let capped = false;
  if (cool && read) {
    const end = start + (cooldown.maxWaitSeconds ?? 600) * 1000;
    for (;;) {
      const t = hottest(await safeRead(read));
      if (t === null || cool(t)) break;
      if (Date.now() >= end) {
        capped = true;
        break;
      }
      await sleep((cooldown.pollSeconds ?? 5) * 1000);
    }
  }
  return { waitedMs: Date.now() - start, capped };
}

/** Reads taken while a job runs (sustained mode), at most one at a time and never failing the job. */
async function pollWhile<T>(
  read: () => Promise<ThermalReading[]>,
  everyMs: number,
  run: () => Promise<T>,
): Promise<{ value: T; series: NonNullable<Thermal['series']> }> {
  const series: NonNullable<Thermal['series']> = [];
  const t0 = Date.now();
  let done = false;
  let wake: (() => void) | undefined;
  const poller = (async () => {
    for (;;) {
      // Sleep one window (woken early when the job ends), then read: the next read waits for this one.
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, everyMs).unref?.();
      });
      if (done) return;
      const atMs = Date.now() - t0;
      const readings = await safeRead(read);
      if (!done) series.push({ atMs, readings });
    }
  })();
  try {
    return { value: await run(), series };
  } finally {
    done = true;
    wake?.();
    await poller;
  }
}

/** What the lane knows across jobs: the baseline of untilBaseline, taken from its first job's first reading. */
export interface ThermalLaneState {
  baselineC?: number | null;
}

/**
 * Wrap one job: optional cool-down, readings before and after, and the throttled verdict;
 * with `pollMs` (sustained mode), readings every pollMs during the job as `series`.
 */
export async function withThermal<T>(
  read: (() => Promise<ThermalReading[]>) | undefined,
  cooldown: Cooldown | undefined,
  first: boolean,
  run: () => Promise<T>,
  options: { pollMs?: number; lane?: ThermalLaneState } = {},
): Promise<{ value: T; thermal?: Thermal }> {
  const lane = options.lane ?? {};
  const cooled = cooldown && !first ? await coolDown(cooldown, read, undefined, lane.baselineC) : undefined;
  if (!read) return { value: await run() };
  const before = await safeRead(read);
  if (lane.baselineC === undefined) lane.baselineC = hottest(before);
  const { value, series } = options.pollMs ? await pollWhile(read, options.pollMs, run) : { value: await run(), series: undefined };
  const after = await safeRead(read);
  return {
    value,
    thermal: {
      before,
      after,
      throttled: throttledDuring(before, after),
      ...(cooled ? { cooldownMs: cooled.waitedMs, cooldownCapped: cooled.capped } : {}),
      ...(cooldown?.untilBaseline ? { baselineC: lane.baselineC } : {}),
      ...(series ? { series } : {}),
    },
  };
}
