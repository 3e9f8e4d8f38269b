import { loadRunFolder } from '../contract/run-data.ts';
import { checkedCeilings, checkAgainstNominal } from '../contract/roofline.ts';
import { placeJobs, layerSides } from '../reports/roofline-section.ts';
const data = loadRunFolder(process.argv[2]);
for (const c0 of data.run.ceilings ?? []) {
  const { ceilings, refused } = checkedCeilings(c0);
  console.log(`== ${c0.target} refused: ${refused.join('; ') || 'none'}`);
  for (const k of ['jsScalar', 'wasmSimd', 'native'] as const) {
    const v = c0.compute[k];
    if (v.available) console.log(`  ${k} ${v.value.toFixed(2)}: ${checkAgainstNominal(k, v.value, c0.emulated ? undefined : c0.nominalPeak).why}`);
  }
  const jobs = data.results.filter((r) => r.target === c0.target);
  const { placed, unplaced } = placeJobs(jobs, ceilings);
  for (const p of placed.filter((x) => !x.layer)) console.log(`  job ${p.job.id}: ${p.point.gmacPerSecond.toFixed(2)} GMAC/s at ${p.point.intensity.toFixed(2)} MAC/B vs ${p.point.ceiling} roof ${p.point.roof.toFixed(1)} (${p.point.bound}) = ${(100 * p.point.fraction).toFixed(1)} % (of compute ${(100 * p.point.fractionOfCompute).toFixed(1)} %)`);
  for (const u of unplaced) console.log(`  unplaced ${u.job.id}: ${u.reason}`);
  for (const s of layerSides(placed)) {
    const mine = placed.filter((p) => p.job.id === s.job && p.layer);
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const dw = mine.filter((p) => p.kind === 'depthwise'), pw = mine.filter((p) => p.kind === 'pointwise');
    console.log(`  layers ${s.job}: dw ${s.depthwiseMemory}/${s.depthwise} memory-side (AI ${med(dw.map((p) => p.point.intensity)).toFixed(2)}, frac ${(100 * med(dw.map((p) => p.point.fraction))).toFixed(1)} %, ${med(dw.map((p) => p.point.gmacPerSecond)).toFixed(2)} GMAC/s); pw ${s.pointwiseCompute}/${s.pointwise} compute-side (AI ${med(pw.map((p) => p.point.intensity)).toFixed(2)}, frac ${(100 * med(pw.map((p) => p.point.fraction))).toFixed(1)} %, ${med(pw.map((p) => p.point.gmacPerSecond)).toFixed(2)} GMAC/s)`);
  }
}
