/**
 * The ceilings' outside check, as a test (issue 29, item 4): a C FMA micro-kernel compiled here with
 * gcc (test/bench/c/ceilings.c, the widest vectors -march=native allows) is held against the nominal
 * peak the harness computes from /proc/cpuinfo, through the same check the reports use. A kernel
 * outside the harness above the nominal peak means the peak's formula or frequency is wrong; one far
 * below it means the peak is not this CPU's. The same C program measures the clock a core runs at
 * (a dependent add chain in asm), against which the harness's own JavaScript clock probe is held.
 * Skips without gcc or without a nominal peak, saying why.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOOST_HEADROOM, checkAgainstNominal } from '../../contract/roofline.ts';
import { nominalPeakHere } from '../../harness/probe/ceilings/node-platform.ts';
import { JS_CLOCK_CHAIN_OPS, jsClockChain } from '../../harness/probe/ceilings/js-kernels.ts';
import { measureRate } from '../../harness/probe/ceilings/measure-rate.ts';
import { cKernelUnavailable, runCKernel } from '../helpers/c-kernel.ts';

const peak = nominalPeakHere();
const skip = cKernelUnavailable() ?? (peak?.gmacPerSecond ? false : `no nominal FMA peak on this machine: ${peak?.unavailable ?? 'no /proc/cpuinfo'}`);

test('a C FMA kernel compiled here lands within the nominal peak the harness computes, on the lanes it assumes', { skip }, (t) => {
  // 4 Mi floats per triad array: the bandwidth figures are not checked here, so the run stays short.
  const c = runCKernel(4 << 20);
  t.diagnostic(
    `C: ${c.fmaGmacPerSecond1.toFixed(1)} GMAC/s on 1 thread, ${c.fmaGmacPerSecondAll.toFixed(1)} on ${c.cpus}; nominal ${peak!.gmacPerSecond!.toFixed(1)}`,
  );
  assert.equal(c.lanes, peak!.lanes, 'the compiler and /proc/cpuinfo agree on the widest FMA');
  const check = checkAgainstNominal('native', c.fmaGmacPerSecondAll, peak!);
  assert.equal(check.verdict, 'ok', check.why);
  // One thread is at most one core's share of the peak (at a boost clock, if the clock read is a base one).
  const perCore = (peak!.gmacPerSecond! / peak!.cores!) * (peak!.clockIsMaximum ? 1 : BOOST_HEADROOM);
  assert.ok(c.fmaGmacPerSecond1 <= perCore * 1.0001, `one thread ${c.fmaGmacPerSecond1} over one core's nominal, boost included (${perCore})`);
});

test("the clock the harness measures in JavaScript agrees with the C kernel's, and the FMA per cycle is within the assumed units × lanes", {
  skip,
}, async (t) => {
  const c = runCKernel(1 << 20);
  if (c.clockGhz === null) return t.skip('no add-chain clock in C on this ISA (x86-64 and ARMv8 only)');
  const js = await measureRate((reps) => jsClockChain(reps * 100_000, 1, 2), JS_CLOCK_CHAIN_OPS * 100_000, 'GHz', 'add chain', {
    sampleMs: 10,
    targetPrecision: 0.02,
    minSamples: 7,
    maxSamples: 40,
    maxMs: 500,
    now: () => performance.now(),
  });
  assert.ok(js.available);
  const macsPerCycle = c.fmaGmacPerSecond1 / c.clockGhz;
  const assumed = peak!.fmaUnits! * peak!.lanes!;
  t.diagnostic(
    `clock: C ${c.clockGhz.toFixed(2)} GHz, JavaScript ${js.value.toFixed(2)} GHz; ×${(c.clockGhz / peak!.ghz!).toFixed(2)} the ${peak!.ghz!.toFixed(2)} GHz read (${peak!.frequencySource}); FMA ${macsPerCycle.toFixed(1)} MAC/cycle on one core, assumed ${assumed} (${peak!.fmaUnits} units × ${peak!.lanes} lanes)`,
  );
  // Turbo moves a few per cent between the two; a JIT that spent two instructions a step would be ×2 off.
  assert.ok(Math.abs(Math.log(js.value / c.clockGhz)) < Math.log(1.25), `JavaScript ${js.value} GHz against C ${c.clockGhz} GHz`);
  // Units × lanes is the most a core can do in a cycle (at the scalar clock, the highest); more means the formula's assumptions are too low.
  assert.ok(macsPerCycle <= assumed * 1.05, `${macsPerCycle.toFixed(1)} MAC per cycle, more than ${assumed} assumed`);
});
