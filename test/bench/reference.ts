/**
 * Time the reference implementation on all 16 variants with synthetic weights:
 * ms per inference (median after warm-up, with min–max and median absolute
 * deviation) and achieved GMAC/s (analytic MACs / median).
 *
 *   node --import tsx test/bench/reference.ts [--runs N] [--warmup N] [--only 1.0_224,0.25_128]
 */
import { parseArgs } from 'node:util';
import { allVariants, mobilenetV1, variantName } from '../../models/spec.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { ReferenceNetwork } from '../../models/reference/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    warmup: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const runs = Math.max(1, Number(values.runs));
const warmup = Math.max(0, Number(values.warmup));
const only = values.only?.split(',').map((s) => s.trim());

/** Seeded input in [-1, 1], the same for every run. */
function seededInput(resolution: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(resolution * resolution * 3);
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 4294967296) * 2 - 1;
  }
  return x;
}

function median(sorted: number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

const header = ['variant', 'MMAC', 'median ms', 'min ms', 'max ms', 'MAD ms', 'GMAC/s'];
const widths = [9, 7, 10, 9, 9, 8, 7];
const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`reference (plain TypeScript, 1 thread), node ${process.version}, ${warmup} warm-up + ${runs} timed runs`);
console.log(row(header));
console.log(row(widths.map((w) => '-'.repeat(w))));

const out = new Float32Array(1001);
for (const v of allVariants()) {
  const name = variantName(v);
  if (only && !only.includes(name)) continue;
  const spec = mobilenetV1(v.alpha, v.resolution);
  const net = new ReferenceNetwork(syntheticWeights(v.alpha, v.resolution));
  const input = seededInput(v.resolution);
  for (let i = 0; i < warmup; i++) net.inferInto(input, out);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    net.inferInto(input, out);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const med = median(times);
  const mad = median(times.map((t) => Math.abs(t - med)).sort((a, b) => a - b));
  console.log(
    row([
      name,
      (spec.macs / 1e6).toFixed(1),
      med.toFixed(2),
      times[0].toFixed(2),
      times[times.length - 1].toFixed(2),
      mad.toFixed(2),
      (spec.macs / med / 1e6).toFixed(2),
    ]),
  );
}
