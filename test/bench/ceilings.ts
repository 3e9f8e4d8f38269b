/**
 * npm run bench:ceilings — the honest check of the ceilings on this machine, back to back in one
 * process: the CPU's nominal FMA peak (/proc/cpuinfo), a C micro-kernel compiled here with gcc
 * (FMA throughput and a STREAM-like triad, one thread and all), and the ceilings the harness
 * measures in Node (harness/probe/ceilings). Prints the load average beside every figure.
 * Without gcc the C part is skipped, saying so.
 */
import { loadavg } from 'node:os';
import type { Ceiling } from '../../contract/ceilings.ts';
import { checkAgainstNominal, measuredClockOf, type ComputeCeilingKey } from '../../contract/roofline.ts';
import { DEFAULT_CEILINGS_REQUEST, measureCeilings } from '../../harness/probe/ceilings/measure-ceilings.ts';
import { nodeCeilingsPlatform, nominalPeakHere } from '../../harness/probe/ceilings/node-platform.ts';
import { cKernelUnavailable, runCKernel } from '../helpers/c-kernel.ts';

process.env.ORT_DISABLE_TELEMETRY = '1';
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
const fmt = (c: Ceiling) =>
  c.available
    ? `${c.value.toFixed(2)} ${c.unit} [${c.ci95.map((x) => x.toFixed(2)).join(', ')}] (${c.samples} samples, ${c.stopReason})`
    : `unavailable: ${c.reason}`;

const peak = nominalPeakHere();
console.log(`load average (1/5/15 min) at start: ${load()}`);
if (peak) {
  console.log(
    `nominal peak: ${peak.gmacPerSecond?.toFixed(1) ?? '–'} GMAC/s (${peak.cores} cores × ${peak.fmaUnits} FMA units × ${peak.lanes} lanes × ${peak.ghz} GHz; frequency: ${peak.frequencySource})`,
  );
  for (const a of peak.assumptions) console.log(`  assumed: ${a}`);
}

const c = cKernelUnavailable() ?? runCKernel();
if (typeof c === 'string') console.log(`C micro-kernel: skipped (${c})`);
else {
  console.log(`C micro-kernel (gcc -O2 -march=native, ${c.lanes}-lane FMA), load ${load()}:`);
  console.log(`  FMA: ${c.fmaGmacPerSecond1.toFixed(1)} GMAC/s on 1 thread, ${c.fmaGmacPerSecondAll.toFixed(1)} on ${c.cpus}`);
  if (c.clockGhz !== null)
    console.log(
      `  clock (dependent add chain): ${c.clockGhz.toFixed(2)} GHz${peak?.ghz ? `, ×${(c.clockGhz / peak.ghz).toFixed(2)} the ${peak.ghz.toFixed(2)} read` : ''}`,
    );
  console.log(
    `  triad over 3 × ${c.triadBytesPerArray / 2 ** 20} MiB: ${c.triadGbPerSecond1.toFixed(2)} GB/s on 1 thread, ${c.triadGbPerSecondAll.toFixed(2)} on ${c.cpus}`,
  );
  if (peak?.gmacPerSecond) console.log(`  C FMA on all CPUs ÷ nominal peak: ${((100 * c.fmaGmacPerSecondAll) / peak.gmacPerSecond).toFixed(0)} %`);
}

const t0 = performance.now();
const ceilings = await measureCeilings('node', DEFAULT_CEILINGS_REQUEST, nodeCeilingsPlatform('node'));
console.log(`ceilings in Node (${((performance.now() - t0) / 1000).toFixed(1)} s), load ${load()}:`);
for (const [k, v] of Object.entries(ceilings.compute)) {
  const check =
    v.available && k !== 'wasmRelaxedSimd'
      ? ` — ${checkAgainstNominal(k as ComputeCeilingKey, v.value, peak ?? undefined, v.threads, measuredClockOf(ceilings)).why}`
      : '';
  console.log(`  ${k}${v.available && v.threads ? ` (${v.threads} threads)` : ''}: ${fmt(v)}${check}`);
}
if (ceilings.clock) console.log(`  clock (JavaScript add chain): ${fmt(ceilings.clock)}`);
if (ceilings.threadedStream) {
  const t = ceilings.threadedStream;
  console.log(`  wasm read-write ${t.workingSetBytes / 1024} KiB on ${t.ceiling.available ? t.ceiling.threads : 'all'} threads: ${fmt(t.ceiling)}`);
}
for (const b of ceilings.bandwidth) console.log(`  ${b.language} ${b.access} ${b.workingSetBytes / 1024} KiB: ${fmt(b.ceiling)}`);
for (const n of ceilings.notes) console.log(`  note: ${n}`);
console.log(`load average at end: ${load()}`);
