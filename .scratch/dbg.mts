import { resolveConfig } from '../harness/config/schema.ts';
import { runBenchmark } from '../harness/run.ts';
import { runnerFor } from '../runners/index.ts';
import { readRunInfo } from '../contract/store.ts';
const config = resolveConfig({ variants: { alpha: [0.25], resolution: [128] }, implementations: ['reference'], sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 10, maxTimeMs: 1000 }, accuracy: { samples: 1 }, ceilings: { budgetMs: 1500, targetPrecision: 0.05 } });
console.log('config.ceilings', config.ceilings);
const { dir } = await runBenchmark({ config, runnerFor, outDir: '/tmp/i29/dbg-' + Date.now(), onEvent: (e) => { if (e.type === 'notice' || e.type === 'preparing' || e.type === 'worker-lost') console.log(e); } });
const info = readRunInfo(dir);
console.log(info.ceilings?.length, info.ceilingsSkipped);
