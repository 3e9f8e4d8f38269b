/**
 * Entry of the probe page: installs the WASM memory tracker before any runtime loads, then
 * exposes `window.__mobilenetBench.run(job, assets)`, which runs the same runProbe as Node
 * with the browser environment and resolves to the JobResult (plain JSON).
 */
import { installWasmMemoryTracker } from '../wasm-memory.ts';
import { runProbe } from '../probe.ts';
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
}

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
};
(globalThis as unknown as { __mobilenetBench: ProbePage }).__mobilenetBench = page;
const status = document.getElementById('status');
if (status) status.textContent = `mobilenet-bench probe page: ready (crossOriginIsolated: ${self.crossOriginIsolated}).`;
