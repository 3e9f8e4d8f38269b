/** What every runner (node, browser, appium, ssh) offers the harness: a thin transport for jobs. */
import type { Job } from '../harness/plan.ts';
import type { JobResult } from '../harness/results.ts';

/** Runs jobs on one target and returns their results; never throws for a job's own failure. */
export interface Runner {
  /** Run one job to completion (ok, invalid or failed). */
  runJob(job: Job): Promise<JobResult>;
  /** Release the target (browser, session, connection). */
  close(): Promise<void>;
}
