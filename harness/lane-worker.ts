/**
 * The worker of one lane (one target instance): it owns that instance's runner, starts it on
 * the first job, wraps each job in the thermal bookkeeping and its repeats, and replaces the
 * runner when it lost its device mid-job (the job fails with the reason, the next one gets a
 * fresh session). A runner that cannot start at all ends the lane.
 */
import type { Job } from './plan.ts';
import type { JobResult } from '../contract/results.ts';
import type { Target } from './config/schema.ts';
import type { Lane } from './schedule.ts';
import { baseResult } from './probe/probe.ts';
import { mergeRepeats } from './repeats.ts';
import { withThermal, type Cooldown, type ThermalLaneState } from './thermal.ts';
import type { InstanceRef, Runner } from './runner.ts';
import { seconds, withTimeLimit } from './time-limit.ts';

/** Creates the runner of a target instance. */
export type RunnerFactory = (target: Target, instance: InstanceRef) => Runner | Promise<Runner>;

/**
 * The least time a runner gets to start (launch a browser, build the page, connect to a board
 * and upload its runtime, start an Appium server): the first job's limit (jobTimeoutMs), but
 * never less than this. Each remote step inside has its own, shorter limit; this one bounds
 * them all, whatever the runner.
 */
const RUNNER_START_MIN_MS = 120_000;

/** First line of an error, without a stack. */
const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs the jobs of one lane, one at a time. */
export class LaneWorker {
  private runner: Runner | undefined;
  private ranOnce = false;
  /** The lane's thermal baseline (cooldown.untilBaseline): one device, one baseline. */
  private readonly thermalState: ThermalLaneState = {};
  /** Why the lane's runner could not start (set once it gave up). */
  deadReason: string | undefined;

  constructor(
    readonly lane: Lane,
    private readonly runnerFor: RunnerFactory,
    /** `startMinMs`: the floor of the start limit (default RUNNER_START_MIN_MS; tests lower it). */
    private readonly limits: { startMinMs?: number } = {},
  ) {}

  /** Run a job; null when the runner could not be started (the lane is dead, `deadReason` says why). */
  async run(job: Job): Promise<JobResult | null> {
    if (!this.runner) {
      const floor = this.limits.startMinMs ?? RUNNER_START_MIN_MS;
      const limit = Math.max(job.timeoutMs, floor);
      try {
        this.runner = await withTimeLimit<Runner>(
          Promise.resolve().then(() => this.runnerFor(this.lane.target, this.lane.instance)),
          limit,
          `the target did not start within ${seconds(limit)} (its first job's time limit, jobTimeoutMs, and at least ${seconds(floor)}); its jobs fail`,
          // A runner that starts after all is closed at once: the lane has given up on it.
          { onLate: (late) => void late.close().catch(() => {}) },
        );
      } catch (e) {
        this.deadReason = `${this.lane.label}: ${reasonOf(e)}`;
        return null;
      }
    }
    const runner = this.runner;
    const cooldown = 'cooldown' in job.target ? (job.target.cooldown as Cooldown | undefined) : undefined;
    const first = !this.ranOnce;
    this.ranOnce = true;
    const startedAt = new Date();
    try {
      const { value: repeats, thermal } = await withThermal(
        runner.readThermal?.bind(runner),
        cooldown,
        first,
        async () => {
          const out: JobResult[] = [];
          for (let k = 0; k < job.sampling.repeats; k++) {
            // Only the first process profiles (--profile): the merged result keeps the first one's profile.
            const one = await runner.runJob(k === 0 || !job.profile ? job : { ...job, profile: undefined });
            out.push(one);
            if (one.status !== 'ok') break;
          }
          return out;
        },
        // Sustained mode: thermals beside each window of latency, read from here while the job runs.
        { pollMs: job.sampling.mode === 'sustained' ? job.sampling.windowMs : undefined, lane: this.thermalState },
      );
      const result = mergeRepeats(repeats, job.sampling.driftThreshold);
      if (thermal) result.thermal = thermal;
      return result;
    } catch (e) {
      // A runner throws (instead of returning a failed result) when its device or session is gone:
      // this job fails with the reason, and the next job of the lane starts a new runner.
      this.runner = undefined;
      await runner.close().catch(() => {});
      const failed = baseResult(job, 'failed', `${this.lane.label}: ${reasonOf(e)} (the device was lost; the next job starts a new session)`);
      return { ...failed, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime() };
    }
  }

  /** Release the runner, if one is open. */
  async close(): Promise<void> {
    const r = this.runner;
    this.runner = undefined;
    await r?.close();
  }
}
