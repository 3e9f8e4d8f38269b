/**
 * Paired A/B comparison, engine side: one side's job kept loaded in a long-lived worker (a Node
 * process, a browser page, a board process, a phone or Grid session), so that the controller can
 * alternate short blocks of inferences between side A and side B inside one job (Pinpoint's
 * pairwise mode, tachometer, Node's benchmark/compare.js). The decision is analysis/ab's.
 */
import type { JobResult } from '../../contract/results.ts';
import type { Job } from '../plan.ts';

/** One side of a comparison, resolved to code on disk: which checkout's probe, models and node_modules run it. */
export interface SideRuntime {
  /** 'A' (baseline) or 'B' (candidate). */
  name: 'A' | 'B';
  /** How the user named it (`ref:origin/main`, `dir:../old`, `pkg:onnxruntime-web@1.29.0`, `config:threads2.json`, `current`). */
  spec: string;
  /** The checkout whose sources and node_modules run this side (the current one, a ref's worktree, a dir, a pkg side folder). */
  root: string;
  /** Extra Node flags for this side's worker processes (from the side's config, or a test's injection). */
  execArgv?: string[];
  /** Extra environment for this side's worker processes. */
  env?: Record<string, string>;
}

/** One block: `inferences` back to back on the warmed model, timed inside the target from the first start to the last end. */
export interface BlockTiming {
  inferences: number;
  ms: number;
}

/** A side's job, loaded and warmed in one worker, ready to run blocks. */
export interface BlockWorker {
  /** Run `inferences` inferences back to back. Rejects when the worker failed: the controller drops that pair. */
  runBlock(inferences: number): Promise<BlockTiming>;
  /** Memory, accuracy and agreement of this side's job, measured as `run` measures them, after the blocks. */
  finish(): Promise<JobResult>;
  /** Release the process, page or session. Idempotent; never throws. */
  close(): Promise<void>;
}

/** Starts workers on one target (one implementation per runner kind: node, browser pages, WebDriver, ssh board). */
export interface BlockWorkerHost {
  /** Start a fresh worker for `job` on `side` (fresh process, page or session), loaded and warmed. */
  start(job: Job, side: SideRuntime): Promise<BlockWorker>;
  /** Release the target (browser, session, connection). Idempotent. */
  close(): Promise<void>;
}
