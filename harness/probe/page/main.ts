/**
 * Entry of the probe page: installs the WASM memory tracker before any runtime loads, then
 * exposes `window.__mobilenetBench.run(job, assets)`, which runs the same runProbe as Node
 * with the browser environment and resolves to the JobResult (plain JSON), and the A/B block
 * session (`openBlocks`, `block`, `finishBlocks`), the same one a Node worker process serves.
 */
import { installWasmMemoryTracker } from '../wasm-memory.ts';
import { runProbe } from '../probe.ts';
import { openBlockSession, type BlockSession, type WarmupReading } from '../block-session.ts';
import type { BlockTiming } from '../../ab/block-worker.ts';
import { browserProbeEnvironment, installWorkerCounter, type PageAssets } from '../browser-env.ts';
import type { Job } from '../../plan.ts';
import type { JobResult } from '../../../contract/results.ts';

/** What the page offers its driver. */
export interface ProbePage {
  /** Run one job; never rejects (failures come back as status 'failed'). */
  run(job: Job, assets: PageAssets): Promise<JobResult>;
  /** Start a job and keep its result in `result` (for drivers that poll instead of awaiting). */
  start(job: Job, assets: PageAssets): void;
  result: JobResult | null;
  crossOriginIsolated: boolean;
  /** A/B: load and warm `job` for blocks; the warm-up reading, or the failed result when it cannot load. */
  openBlocks(job: Job, assets: PageAssets): Promise<{ warmup: WarmupReading } | { failed: JobResult }>;
  /** A/B: `n` inferences back to back, timed with the page's clock. */
  block(n: number): Promise<BlockTiming>;
  /** A/B: memory, accuracy and agreement as `run` measures them, then the model is released. */
  finishBlocks(): Promise<JobResult>;
}

let blocks: BlockSession | undefined;
const openSession = () => {
  if (!blocks) throw new Error('no job is open for blocks');
  return blocks;
};

// The runtimes are imported on demand, after this line, so the tracker sees every memory they create.
installWasmMemoryTracker();
installWorkerCounter();

const page: ProbePage = {
  run: (job, assets) => runProbe(job, browserProbeEnvironment(assets)),
  start(job, assets) {
    page.result = null;
    void page.run(job, assets).then((r) => {
      page.result = r;
    });
  },
  result: null,
  crossOriginIsolated: self.crossOriginIsolated,
  async openBlocks(job, assets) {
    const opened = await openBlockSession(job, browserProbeEnvironment(assets));
    if ('failed' in opened) return opened;
    blocks = opened.session;
    return { warmup: blocks.warmup };
  },
  block: (n) => openSession().runBlock(n),
  async finishBlocks() {
    const session = openSession();
    const result = await session.finish();
    await session.dispose();
    blocks = undefined;
    return result;
  },
};
(globalThis as unknown as { __mobilenetBench: ProbePage }).__mobilenetBench = page;
const status = document.getElementById('status');
if (status) status.textContent = `mobilenet-bench probe page: ready (crossOriginIsolated: ${self.crossOriginIsolated}).`;
