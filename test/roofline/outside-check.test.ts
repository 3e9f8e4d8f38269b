/**
 * The ceilings' outside check, as a test (issue 29, item 4): a C FMA micro-kernel compiled here with
 * gcc (test/bench/c/ceilings.c, the widest vectors -march=native allows) is held against the nominal
 * peak the harness computes from /proc/cpuinfo, through the same check the reports use. A kernel
 * outside the harness above the nominal peak means the peak's formula or frequency is wrong; one far
 * below it means the peak is not this CPU's. Skips without gcc or without a nominal peak, saying why.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOOST_HEADROOM, checkAgainstNominal } from '../../contract/roofline.ts';
import { nominalPeakHere } from '../../harness/probe/ceilings/node-platform.ts';
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
