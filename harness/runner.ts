/** What every runner (node, browser, webdriver, ssh) offers the harness: a thin transport for jobs. */
import type { Job } from './plan.ts';
import type { JobResult, ThermalReading } from '../contract/results.ts';

/**
 * Which copy of a target a runner drives. A pooled target (`instances: N` on a WebDriver
 * target, `hosts: [...]` on an ssh target) gets one runner per instance; every other target
 * has the single instance { index: 0, count: 1 }.
 */
export interface InstanceRef {
  index: number;
  count: number;
}

/** The only instance of a target that is not pooled. */
export const SINGLE_INSTANCE: InstanceRef = { index: 0, count: 1 };

/** Runs jobs on one target (instance) and returns their results; never throws for a job's own failure. */
export interface Runner {
  /** Run one job to completion (ok, invalid or failed). */
  runJob(job: Job): Promise<JobResult>;
  /** Release the target (browser, session, connection). */
  close(): Promise<void>;
  /**
   * Thermal readings of the device now, each naming its source or why it is unavailable.
   * Absent when the target has nothing to read; the harness calls it before and after each job.
   */
  readThermal?(): Promise<ThermalReading[]>;
}
