/**
 * The worker of one lane (one target instance): it owns that instance's runner, starts it on
 * the first job, wraps each job in the thermal bookkeeping and its repeats, and replaces the
 * runner when it lost its device mid-job (the job fails with the reason, the next one gets a
 * fresh session). A runner that cannot start at all ends the lane.
 */
import type { Job } from './plan.ts';
import type { JobResult } from './results.ts';
import type { Target } from './config/schema.ts';
import type { Lane } from './schedule.ts';
import { baseResult } from './probe/probe.ts';
import { mergeRepeats } from './repeats.ts';
import { withThermal, type Cooldown } from './thermal.ts';
import type { InstanceRef, Runner } from './runner.ts';

/** Creates the runner of a target instance. */
export type RunnerFactory = (target: Target, instance: InstanceRef) => Runner | Promise<Runner>;

/** First line of an error, without a stack. */
const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs the jobs of one lane, one at a time. */
export class LaneWorker {
  private runner: Runner | undefined;
  private ranOnce = false;
  /** Why the lane's runner could not start (set once it gave up). */
  deadReason: string | undefined;

  constructor(
    readonly lane: Lane,
    private readonly runnerFor: RunnerFactory,
  ) {}

  /** Run a job; null when the runner could not be started (the lane is dead, `deadReason` says why). */
  async run(job: Job): Promise<JobResult | null> {
    if (!this.runner) {
      try {
        this.runner = await this.runnerFor(this.lane.target, this.lane.instance);
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
      const { value: repeats, thermal } = await withThermal(runner.readThermal?.bind(runner), cooldown, first, async () => {
        const out: JobResult[] = [];
        for (let k = 0; k < job.sampling.repeats; k++) {
          // Only the first process profiles (--profile): the merged result keeps the first one's profile.
          const one = await runner.runJob(k === 0 || !job.profile ? job : { ...job, profile: undefined });
          out.push(one);
          if (one.status !== 'ok') break;
        }
        return out;
      });
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
