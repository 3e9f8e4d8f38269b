import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coolDown, throttledDuring, withThermal } from '../../harness/thermal.ts';
import type { ThermalReading } from '../../contract/results.ts';

const vcgencmd = (flags: Record<string, boolean>): ThermalReading => ({ source: 'vcgencmd get_throttled', flags });

test('throttledDuring: a flag that turned on during the job, a reading that throttles now, or null when nothing could tell', () => {
  assert.equal(throttledDuring([vcgencmd({ cappedSinceBoot: false })], [vcgencmd({ cappedSinceBoot: true })]), true);
  assert.equal(
    throttledDuring([vcgencmd({ cappedSinceBoot: true })], [vcgencmd({ cappedSinceBoot: true })]),
    false,
    'on before and after: throttled before this job, not during it',
  );
  assert.equal(throttledDuring([], [{ source: 'dumpsys thermalservice', throttledNow: true }]), true);
  assert.equal(throttledDuring([], [{ source: 'dumpsys thermalservice', throttledNow: false, temperatureC: 41 }]), false);
  assert.equal(throttledDuring([], [{ source: 'thermal_zone0', temperatureC: 50 }]), null, 'a temperature alone cannot say');
  assert.equal(throttledDuring([], [{ source: 'vcgencmd get_throttled', unavailable: 'vcgencmd not found' }]), null);
});

test('coolDown waits the fixed pause, then until the hottest reading is below the limit, and gives up at maxWaitSeconds', async () => {
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
  };
  const temps = [70, 66, 59];
  const read = async (): Promise<ThermalReading[]> => [
    { source: 't', temperatureC: temps.shift() ?? 50 },
    { source: 'u', unavailable: 'no sensor' },
  ];
  await coolDown({ seconds: 2, belowC: 60, pollSeconds: 1, maxWaitSeconds: 600 }, read, sleep);
  assert.deepEqual(slept, [2000, 1000, 1000], 'pause, then polled twice until 59 °C');
  const t0 = Date.now();
  await coolDown({ belowC: 10, pollSeconds: 0.01, maxWaitSeconds: 0.05 }, async () => [{ source: 't', temperatureC: 90 }]);
  assert.ok(Date.now() - t0 < 2000, 'gave up');
});

test('withThermal reads before and after, and a broken reader never fails the job', async () => {
  let n = 0;
  const { value, thermal } = await withThermal(
    async () => [{ source: 'x', throttledNow: n++ > 0 }],
    undefined,
    true,
    async () => 42,
  );
  assert.equal(value, 42);
  assert.equal(thermal?.throttled, true);
  const broken = await withThermal(
    async () => {
      throw new Error('adb: device offline\nstack');
    },
    undefined,
    true,
    async () => 'ok',
  );
  assert.equal(broken.value, 'ok');
  assert.deepEqual(broken.thermal?.before, [{ source: 'thermal readings', unavailable: 'adb: device offline' }]);
  assert.equal((await withThermal(undefined, undefined, true, async () => 1)).thermal, undefined);
});

test("cooldown untilBaseline: later jobs wait until the reading is back to the first job's + tolerance, and say when they gave up", async () => {
  const temps = [50, 58, 55, 51.5, 70];
  const read = async (): Promise<ThermalReading[]> => [{ source: 't', temperatureC: temps.shift() ?? 99 }];
  const lane = {};
  const cooldown = { untilBaseline: true, toleranceC: 2, pollSeconds: 0.01, maxWaitSeconds: 5 };
  const first = await withThermal(read, cooldown, true, async () => 1, { lane });
  assert.equal(first.thermal?.baselineC, 50, 'the first reading of the first job');
  assert.equal(first.thermal?.cooldownMs, undefined, 'no cool-down before the first job');
  const second = await withThermal(read, cooldown, false, async () => 2, { lane });
  // 58 (the first job's after was taken from the list too) → 55 → 51.5 ≤ 52: cool.
  assert.equal(second.thermal?.cooldownCapped, false);
  // Counted in readings, not milliseconds: a 10 ms timer can end 9 ms later by Date.now() (failed in CI).
  assert.equal(second.thermal?.before[0]?.temperatureC, 70, 'the cool-down read 55, polled again and read 51.5');
  assert.ok(second.thermal!.cooldownMs! >= 0, 'the wait is recorded');
  const capped = await coolDown(
    { untilBaseline: true, pollSeconds: 0.01, maxWaitSeconds: 0.05 },
    async () => [{ source: 't', temperatureC: 90 }],
    undefined,
    50,
  );
  assert.equal(capped.capped, true);
  const noBaseline = await coolDown({ untilBaseline: true, maxWaitSeconds: 60 }, async () => [{ source: 't', temperatureC: 90 }], undefined, null);
  assert.deepEqual([noBaseline.capped, noBaseline.waitedMs < 1000], [false, true], 'no baseline temperature: nothing to wait for');
});

test('withThermal pollMs: readings every window while the job runs, a failing read recorded as unavailable', async () => {
  let n = 0;
  const read = async (): Promise<ThermalReading[]> => {
    n++;
    if (n === 3) throw new Error('sensor gone');
    return [{ source: 't', temperatureC: 40 + n }];
  };
  const { value, thermal } = await withThermal(read, undefined, true, () => new Promise((r) => setTimeout(() => r('done'), 260)), { pollMs: 50 });
  assert.equal(value, 'done');
  const series = thermal!.series!;
  assert.ok(series.length >= 3 && series.length <= 6, `about 5 readings in 260 ms at 50 ms (got ${series.length})`);
  assert.ok(series.every((s, i) => i === 0 || s.atMs > series[i - 1].atMs));
  assert.ok(series.some((s) => s.readings[0].unavailable === 'sensor gone'));
});
