/** Sustained mode's pure parts: windows over time, and the config's precedence and errors. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { sustainedWindows } from '../../harness/sustained.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { applyOverrides } from '../../harness/config/overrides.ts';
import { rejects } from '../helpers/config-errors.ts';

test('windows: samples go to the window their end time falls in; medians per window; ratio = last / first', () => {
  // 1 s windows: 3 samples in [0,1), 2 in [1,2), 3 in [2,3).
  const samples = [10, 12, 11, 20, 22, 30, 31, 32];
  const ends = [100, 400, 900, 1200, 1800, 2100, 2500, 2900];
  const s = sustainedWindows(samples, ends, 1000);
  assert.equal(s.windowMs, 1000);
  assert.deepEqual(s.windows, [
    { startMs: 0, endMs: 1000, samples: 3, medianMs: 11 },
    { startMs: 1000, endMs: 2000, samples: 2, medianMs: 21 },
    { startMs: 2000, endMs: 2900, samples: 3, medianMs: 31 },
  ]);
  assert.equal(s.coldMedianMs, 11);
  assert.equal(s.lastMedianMs, 31);
  assert.equal(s.ratio, 31 / 11);
});

test('windows: a trailing window shorter than half a window joins the one before; a longer one stands', () => {
  const samples = [10, 10, 20, 20, 99];
  const short = sustainedWindows(samples, [200, 700, 1200, 1700, 2100], 1000);
  assert.equal(short.windows.length, 2, 'the 0.1 s tail is folded in');
  assert.deepEqual(short.windows[1], { startMs: 1000, endMs: 2100, samples: 3, medianMs: 20 });
  const long = sustainedWindows(samples, [200, 700, 1200, 1700, 2600], 1000);
  assert.equal(long.windows.length, 3, 'a 0.6 s tail is its own window');
  assert.deepEqual(long.windows[2], { startMs: 2000, endMs: 2600, samples: 1, medianMs: 99 });
  assert.equal(long.ratio, 99 / 10);
});

test('windows: a window where no inference ended is left out, not given a made-up median; one window has ratio 1', () => {
  const s = sustainedWindows([1500, 1500, 1600], [1500, 3000, 4600], 1000);
  assert.deepEqual(
    s.windows.map((w) => w.startMs),
    [1000, 3000, 4000],
  );
  const one = sustainedWindows([5, 6, 7], [10, 20, 30], 1000);
  assert.equal(one.windows.length, 1);
  assert.equal(one.ratio, 1);
  assert.throws(() => sustainedWindows([1, 2], [1], 1000), /one end time per sample/);
});

test('sustained config: defaults, floors raised to the sustained duration, caps high enough, precision stopping off', () => {
  const s = resolveConfig({ sampling: { mode: 'sustained', targetPrecision: 0.01 } }).sampling;
  assert.equal(s.sustainedMs, 60_000);
  assert.equal(s.sustainedSamples, 1024);
  assert.equal(s.windowMs, 5000);
  assert.equal(s.minTimeMs, 60_000);
  assert.equal(s.minSamples, 1024);
  assert.equal(s.maxTimeMs, 120_000, '2 × sustainedMs');
  assert.ok(s.maxSamples >= 1024);
  assert.equal(s.targetPrecision, 0, 'precision stopping does not end a sustained job early');
  assert.ok(resolveConfig({ sampling: { mode: 'sustained' } }).jobTimeoutMs > 120_000, 'the job limit leaves room for the cap');
  // An explicit cap that leaves room wins.
  const capped = resolveConfig({ sampling: { mode: 'sustained', sustainedMs: 3000, maxTimeMs: 4000, maxSamples: 2000 } }).sampling;
  assert.deepEqual([capped.maxTimeMs, capped.maxSamples, capped.minTimeMs, capped.windowMs], [4000, 2000, 3000, 1000]);
  // Ordinary mode is unchanged and carries no sustained keys.
  const ordinary = resolveConfig({}).sampling;
  assert.deepEqual([ordinary.mode, ordinary.maxTimeMs, ordinary.maxSamples, ordinary.sustainedMs], ['ordinary', 20_000, 1000, undefined]);
  // Resolving a resolved config again (a resume from run.json) changes nothing.
  const again = resolveConfig({ sampling: s }).sampling;
  assert.deepEqual(again, s);
});

test('sustained config: impossible combinations are errors naming both keys and the fix', () => {
  rejects(
    { sampling: { mode: 'sustained', maxTimeMs: 20_000 } },
    /sampling\.maxTimeMs: maxTimeMs \(20000\) is below sustainedMs \(60000\)/,
    /leave maxTimeMs out/,
  );
  rejects(
    { sampling: { mode: 'sustained', maxSamples: 100 } },
    /maxSamples \(100\) is below sustainedSamples \(1024\)/,
    /raise maxSamples, lower sustainedSamples/,
  );
  rejects({ sampling: { mode: 'sustained', sustainedMs: 3000, windowMs: 5000 } }, /windowMs \(5000\) is longer than sustainedMs \(3000\)/);
  rejects({ sampling: { sustainedMs: 3000 } }, /sustainedMs applies only in sustained mode: add mode: 'sustained'/);
  rejects({ sampling: { mode: 'sustained' }, jobTimeoutMs: 30_000 }, /jobTimeoutMs \(30000 ms\) is not above sampling\.sustainedMs \(60000 ms\)/);
  rejects({ sampling: { mode: 'steady' } }, /sampling\.mode/, /ordinary.*sustained/);
});

test('cooldown untilBaseline: validated against belowC; toleranceC needs it', () => {
  const pi = { type: 'ssh', host: 'pi', hostKeySha256: `SHA256:${'A'.repeat(43)}` };
  const ok = resolveConfig({ targets: [{ ...pi, cooldown: { untilBaseline: true, toleranceC: 2, maxWaitSeconds: 60 } }] }).targets[0];
  assert.deepEqual('cooldown' in ok && ok.cooldown, { untilBaseline: true, toleranceC: 2, maxWaitSeconds: 60, pollSeconds: 5 });
  rejects(
    { targets: [{ ...pi, cooldown: { untilBaseline: true, belowC: 50 } }] },
    /cooldown\.untilBaseline: give one temperature to wait for: belowC .* or untilBaseline/,
  );
  rejects({ targets: [{ ...pi, cooldown: { toleranceC: 2 } }] }, /cooldown\.toleranceC: toleranceC applies only with untilBaseline: true/);
});

test('--sustained and --quick --sustained: the mode, and a short pass whose caps do not cut it', () => {
  const full = resolveConfig(applyOverrides({}, { sustained: true })).sampling;
  assert.deepEqual([full.mode, full.sustainedMs, full.sustainedSamples, full.windowMs], ['sustained', 60_000, 1024, 5000]);
  const quick = resolveConfig(applyOverrides({ sampling: { maxTimeMs: 5000 } }, { sustained: true, quick: true })).sampling;
  assert.deepEqual([quick.sustainedMs, quick.sustainedSamples, quick.windowMs, quick.minTimeMs], [10_000, 64, 1000, 10_000]);
  assert.ok(quick.maxTimeMs >= 20_000 && quick.maxSamples >= 64, 'the quick caps (3 s, 50 samples) are not applied');
  // --quick on a config that is sustained already is the same short pass.
  const fromConfig = resolveConfig(applyOverrides({ sampling: { mode: 'sustained' } }, { quick: true })).sampling;
  assert.equal(fromConfig.sustainedMs, 10_000);
});
