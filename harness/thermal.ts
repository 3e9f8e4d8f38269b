/**
 * Thermal bookkeeping around each job, the same for every target that can read its own
 * temperature (phones, boards): readings before and after, whether the job throttled, and
 * the optional cool-down between jobs. Runners only supply readings; this decides.
 */
import type { Thermal, ThermalReading } from './results.ts';

/** Cool down before each job: a fixed pause, or until a temperature, whichever the config asks. */
export interface Cooldown {
  /** Pause this long before every job (after the first). */
  seconds?: number;
  /** Wait until every temperature reading is below this, polling every pollSeconds, for at most maxWaitSeconds. */
  belowC?: number;
  pollSeconds?: number;
  maxWaitSeconds?: number;
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

/** The hottest temperature among readings, or null when none has one. */
export function hottest(readings: ThermalReading[]): number | null {
  const temps = readings.map((r) => r.temperatureC).filter((t): t is number => typeof t === 'number');
  return temps.length ? Math.max(...temps) : null;
}

/**
 * Wait as the cooldown asks; returns the milliseconds waited. `read` is the runner's thermal
 * reader (absent: a temperature target cannot be checked, so only `seconds` applies).
 */
export async function coolDown(
  cooldown: Cooldown,
  read?: () => Promise<ThermalReading[]>,
  sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
): Promise<number> {
  const start = Date.now();
  if (cooldown.seconds) await sleep(cooldown.seconds * 1000);
  if (cooldown.belowC !== undefined && read) {
    const end = start + (cooldown.maxWaitSeconds ?? 600) * 1000;
    for (;;) {
      const t = hottest(await safeRead(read));
      if (t === null || t < cooldown.belowC || Date.now() >= end) break;
      await sleep((cooldown.pollSeconds ?? 5) * 1000);
    }
  }
  return Date.now() - start;
}

/** Wrap one job: optional cool-down, readings before and after, and the throttled verdict. */
export async function withThermal<T>(
  read: (() => Promise<ThermalReading[]>) | undefined,
  cooldown: Cooldown | undefined,
  first: boolean,
  run: () => Promise<T>,
): Promise<{ value: T; thermal?: Thermal }> {
  const cooldownMs = cooldown && !first ? await coolDown(cooldown, read) : undefined;
  if (!read) return { value: await run() };
  const before = await safeRead(read);
  const value = await run();
  const after = await safeRead(read);
  return { value, thermal: { before, after, throttled: throttledDuring(before, after), ...(cooldownMs !== undefined ? { cooldownMs } : {}) } };
}
