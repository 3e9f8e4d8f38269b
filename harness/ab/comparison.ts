/**
 * A whole A/B comparison: the paired jobs in A's plan order, each through `compareJob` on its
 * target's block-worker host. A target kind without a host is skipped for both sides with the
 * reason. Hosts are started on first use and closed at the end, however the comparison ends.
 */
import type { Target } from '../config/schema.ts';
import type { BlockWorkerHost, SideRuntime } from './block-worker.ts';
import { compareJob, emptyOutcome, type AbJobOutcome, type ControllerOptions } from './controller.ts';
import type { PairedJob } from './pair-jobs.ts';

/** A host for a target (and whether its workers run pinned, for duet pairs), or why that target has none yet. */
export type HostFor = (target: Target) => { host: BlockWorkerHost; duet: boolean } | string;

export interface ComparisonEvents<V> {
  onJobStart?: (job: PairedJob, index: number, total: number) => void;
  onJobEnd?: (outcome: AbJobOutcome<V>, index: number, total: number) => void;
}

/** Run every paired job; outcomes in plan order (skipped jobs carry `skipped`). */
export async function runComparison<V>(
  jobs: PairedJob[],
  sides: { A: SideRuntime; B: SideRuntime },
  hostFor: HostFor,
  options: ControllerOptions<V>,
  events: ComparisonEvents<V> = {},
): Promise<AbJobOutcome<V>[]> {
  const hosts = new Map<string, { host: BlockWorkerHost; duet: boolean }>();
  const outcomes: AbJobOutcome<V>[] = [];
  try {
    for (const [i, job] of jobs.entries()) {
      events.onJobStart?.(job, i, jobs.length);
      let host = hosts.get(job.A.target.name);
      if (!host) {
        const made = hostFor(job.A.target);
        if (typeof made === 'string') {
          const outcome = notCompared<V>(job, made);
          outcomes.push(outcome);
          events.onJobEnd?.(outcome, i, jobs.length);
          continue;
        }
        host = made;
        hosts.set(job.A.target.name, made);
      }
      // A different seed per job, from the comparison's: orders are independent between jobs.
      const outcome = await compareJob(host.host, { A: job.A, B: job.B }, sides, { ...options, seed: options.seed + i * 7919, duet: host.duet });
      outcomes.push(outcome);
      events.onJobEnd?.(outcome, i, jobs.length);
    }
  } finally {
    await Promise.all([...hosts.values()].map((h) => h.host.close().catch(() => {})));
  }
  return outcomes;
}

/** An outcome for a job that was not compared. */
export function notCompared<V>(job: { A: { id: string }; B: { id: string } }, reason: string): AbJobOutcome<V> {
  return { ...emptyOutcome<V>(job), skipped: reason };
}
