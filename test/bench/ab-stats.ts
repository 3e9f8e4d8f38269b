/**
 * `npm run bench:ab-stats`: the paired A/B decision rule (analysis/ab) on synthetic pairs shaped like
 * this VM's noise, without running any model: per design and effect, how often each outcome comes
 * out (the A/A false-alarm rate, the power at ×1.05 and ×1.10), and the pairs and simulated seconds
 * a decision takes. A family of jobs judged together (Holm) is checked for its family-wise rate.
 *
 * The synthetic machine (test/helpers/ab-pairs.ts): each side's process has a log offset (SD
 * `--worker-sd`, default 0.015: processes differing by a few %), each block a log noise (SD 0.04),
 * and slow phases of 1.4–2× lasting ~3 s arrive every ~8 s on average, shared by both sides.
 * Blocks are 20 inferences of 5 ms (100 ms). Designs: a fresh worker pair per batch of 20 pairs,
 * or the same 4 worker pairs round-robin. Seeded: the same arguments print the same table.
 *
 *   node --import tsx test/bench/ab-stats.ts [--runs 400] [--worker-sd 0.015] [--jobs 8] [--spending obrien-fleming|pocock] [--batch 20] [--max-pairs 240]
 */
import { parseArgs } from 'node:util';
import { median } from '../../contract/stats/describe.ts';
import { judgeComparison } from '../../analysis/ab/judge.ts';
import type { AbOptions } from '../../contract/ab-verdicts.ts';
import { runSequential, VM, type NoiseShape } from '../helpers/ab-pairs.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '400' },
    'worker-sd': { type: 'string', default: '0.015' },
    jobs: { type: 'string', default: '8' },
    spending: { type: 'string', default: 'obrien-fleming' },
    batch: { type: 'string', default: '20' },
    'max-pairs': { type: 'string', default: '240' },
  },
});
const runs = Number(values.runs);
const jobs = Number(values.jobs);
const spending = values.spending as AbOptions['spending'];
const caps = { spending, batchPairs: Number(values.batch), maxPairs: Number(values['max-pairs']) };
const shape: NoiseShape = { ...VM, workerSd: Number(values['worker-sd']) };

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`.padStart(7);

console.log(
  `synthetic VM: worker SD ${shape.workerSd}, block SD ${shape.blockSd}, phases ${shape.phaseSlowdown.join('–')}× for ~${shape.phaseLengthSec} s every ~${shape.phaseEverySec} s; ${runs} comparisons per row; spending ${spending}, ${caps.batchPairs} pairs a batch, at most ${caps.maxPairs} pairs or 60 s\n`,
);
console.log('design              effect  slower   faster   no change  inconcl.  median pairs  median s');
for (const [design, fixed] of [
  ['fresh pair / batch', 0],
  ['4 pairs round-robin', 4],
] as const) {
  for (const effect of [1, 1.03, 1.05, 1.1, 0.9]) {
    const c = { slower: 0, faster: 0, 'no change': 0, inconclusive: 0 };
    const pairs: number[] = [];
    const secs: number[] = [];
    for (let s = 1; s <= runs; s++) {
      const r = runSequential('j', { ...shape, effect }, s * 7919 + Math.round(effect * 1000), caps, fixed);
      c[r.decision.verdict]++;
      pairs.push(r.pairs.length + r.dropped);
      secs.push(r.pairs.at(-1)!.atMs / 1000);
    }
    console.log(
      `${design.padEnd(20)}×${effect.toFixed(2)}  ${pct(c.slower, runs)}  ${pct(c.faster, runs)}  ${pct(c['no change'], runs)}   ${pct(c.inconclusive, runs)}  ${String(median(pairs)).padStart(12)}  ${median(secs).toFixed(1).padStart(8)}`,
    );
  }
}

// A family: `jobs` A/A jobs judged together, each at α / jobs, then Holm: how often does any job alarm?
let familyAlarms = 0;
const families = Math.max(50, Math.round(runs / 4));
for (let f = 1; f <= families; f++) {
  const inputs = Array.from({ length: jobs }, (_, k) => {
    const r = runSequential(`job${k}`, shape, f * 104729 + k, { ...caps, familySize: jobs });
    return { id: `job${k}`, pairs: r.pairs, dropped: r.dropped, last: r.decision };
  });
  const v = judgeComparison(inputs, { ...caps, familySize: jobs });
  if (v.counts.slower + v.counts.faster > 0) familyAlarms++;
}
console.log(`\nfamily of ${jobs} A/A jobs (α / ${jobs} each, Holm): ${pct(familyAlarms, families).trim()} of ${families} families raised any slower or faster`);
