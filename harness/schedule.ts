/**
 * Which jobs run at the same time. Each target instance (a device) is a lane with one worker
 * that runs its jobs strictly one at a time; different devices run at once, at most `workers`
 * together. Two lanes on the same host (two local browsers, Node beside a local browser) never
 * run at once unless `shareHost` is set, because one would slow the other down and both numbers
 * would be wrong. The instances of a pooled target share their target's queue, so a faster
 * device takes more of its jobs. Nothing here knows which runner a lane talks to.
 */
import type { Target } from './config/schema.ts';
import type { InstanceRef } from './runner.ts';

/** Host key of everything that runs on the machine running the harness. */
export const THIS_MACHINE = 'this machine';

/** Target types whose jobs always run on this machine. */
const LOCAL_TYPES: ReadonlySet<string> = new Set(['node', 'chromium', 'firefox', 'webkit']);

/** One device a target runs on: a worker's lane. */
export interface Lane {
  /** `target#index`: unique within a run. */
  key: string;
  /** For people: the target name, with `#index` when the target is pooled. */
  label: string;
  target: Target;
  instance: InstanceRef;
  /** The machine the jobs compute on, when known; lanes with equal hosts must not overlap (unless shareHost). null: its own device. */
  host: string | null;
}

/** How many devices a target stands for: `instances: N` (WebDriver/Appium), `hosts: [...]` (ssh), else 1. */
export function instanceCount(target: Target): number {
  const t = target as { instances?: unknown; hosts?: unknown };
  if (Array.isArray(t.hosts) && t.hosts.length > 0) return t.hosts.length;
  return typeof t.instances === 'number' && t.instances >= 1 ? Math.floor(t.instances) : 1;
}

/** Loopback names all mean this machine. */
function normaliseHost(host: string): string {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h) || h === THIS_MACHINE ? THIS_MACHINE : h;
}

/** Host name inside an ssh-style `user@host:port` string or an object with `host`. */
function hostName(entry: unknown): string | null {
  if (typeof entry === 'string') return entry.replace(/^[^@]*@/, '').replace(/:\d+$/, '') || null;
  if (entry && typeof entry === 'object' && typeof (entry as { host?: unknown }).host === 'string') return (entry as { host: string }).host;
  return null;
}

/**
 * The machine a target instance computes on: this machine for local targets, the instance's
 * entry of `hosts`, or the target's `host` key; null when unknown (a remote device of its own).
 */
export function hostOf(target: Target, instance: InstanceRef): string | null {
  const t = target as { host?: unknown; hosts?: unknown };
  const entry = Array.isArray(t.hosts) ? hostName(t.hosts[instance.index]) : hostName(t.host !== undefined ? { host: t.host } : undefined);
  if (entry) return normaliseHost(entry);
  if (LOCAL_TYPES.has(target.type)) return THIS_MACHINE;
  // The phone-emulated stand-in without a url runs its Chromium here, beside the other local targets.
  if (target.type === 'appium' && target.preset === 'phone-emulated' && !target.url) return THIS_MACHINE;
  return null;
}

/** One lane per target instance, in config order. */
export function lanesFor(targets: readonly Target[]): Lane[] {
  return targets.flatMap((target) => {
    const count = instanceCount(target);
    return Array.from({ length: count }, (_, index): Lane => {
      const instance = { index, count };
      return { key: `${target.name}#${index}`, label: count > 1 ? `${target.name}#${index}` : target.name, target, instance, host: hostOf(target, instance) };
    });
  });
}

/** Hosts that two or more lanes compute on (with shareHost, their results carry a warning). */
export function sharedHosts(lanes: readonly Lane[]): Set<string> {
  const seen = new Map<string, number>();
  for (const l of lanes) if (l.host !== null) seen.set(l.host, (seen.get(l.host) ?? 0) + 1);
  return new Set([...seen].filter(([, n]) => n > 1).map(([h]) => h));
}

/**
 * Admits lanes to run a job: at most `workers` at once, never two on one host (unless
 * shareHost). Waiters are admitted first come, first served among those that fit, so a lane
 * that just finished queues behind one that was waiting for its host.
 */
export class Gate {
  private readonly busy = new Set<Lane>();
  private readonly waiting: Array<{ lane: Lane; admit: () => void }> = [];

  constructor(
    private readonly workers: number,
    private readonly shareHost: boolean,
  ) {}

  /** Wait until the lane may run a job. */
  acquire(lane: Lane): Promise<void> {
    return new Promise((admit) => {
      this.waiting.push({ lane, admit });
      this.pump();
    });
  }

  /** The lane finished its job. */
  release(lane: Lane): void {
    this.busy.delete(lane);
    this.pump();
  }

  private fits(lane: Lane): boolean {
    if (this.busy.size >= this.workers) return false;
    if (this.shareHost || lane.host === null) return true;
    for (const b of this.busy) if (b.host === lane.host) return false;
    return true;
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i];
      if (this.fits(w.lane)) {
        this.waiting.splice(i, 1);
        this.busy.add(w.lane);
        w.admit();
      } else i++;
    }
  }
}

/** What a lane did in this process: jobs run and time spent running them. */
export interface LaneStats {
  jobs: number;
  busyMs: number;
}

/** What the scheduler asks of the caller. */
export interface LaneHandler<J> {
  /**
   * Run one job on the lane. Return false when the lane cannot run jobs any more (its device
   * could not be started): the job goes back to the target's queue for another instance.
   */
  run(lane: Lane, job: J): Promise<boolean>;
  /** No lane of the target is left to run these jobs (every instance could not start). */
  orphaned(target: string, jobs: J[], lastLane: Lane): Promise<void> | void;
  /**
   * The lane will take no more jobs: release its device now (a Grid slot it holds may be what
   * another instance's queued session request is waiting for).
   */
  laneDone?(lane: Lane): Promise<void> | void;
}

/**
 * Run every job on a lane of its target, honouring the gate. Resolves when every job was run
 * or orphaned; returns per-lane statistics (keyed by lane key).
 */
export async function schedule<J extends { target: { name: string } }>(
  jobs: readonly J[],
  lanes: readonly Lane[],
  gate: Gate,
  handler: LaneHandler<J>,
): Promise<Map<string, LaneStats>> {
  const queues = new Map<string, J[]>();
  for (const j of jobs) queues.set(j.target.name, [...(queues.get(j.target.name) ?? []), j]);
  const stats = new Map(lanes.map((l) => [l.key, { jobs: 0, busyMs: 0 }]));
  // Lanes of a target still taking jobs: when the last one dies, its target's queue is orphaned.
  const looping = new Map<string, number>();
  for (const l of lanes) looping.set(l.target.name, (looping.get(l.target.name) ?? 0) + 1);

  // An error the handler throws (a results file that cannot be written) stops every lane from
  // taking another job; jobs in flight finish, then the error is rethrown.
  let failure: { error: unknown } | undefined;

  const work = async (lane: Lane) => {
    const queue = queues.get(lane.target.name) ?? [];
    const mine = stats.get(lane.key)!;
    let alive = true;
    while (queue.length > 0 && !failure) {
      await gate.acquire(lane);
      const job = failure ? undefined : queue.shift();
      if (!job) {
        gate.release(lane);
        break;
      }
      const start = performance.now();
      try {
        alive = await handler.run(lane, job);
      } catch (error) {
        failure ??= { error };
        break;
      } finally {
        gate.release(lane);
      }
      if (!alive) {
        queue.unshift(job);
        break;
      }
      mine.jobs++;
      mine.busyMs += performance.now() - start;
    }
    const left = looping.get(lane.target.name)! - 1;
    looping.set(lane.target.name, left);
    if (!alive && left === 0 && queue.length && !failure) {
      try {
        await handler.orphaned(lane.target.name, queue.splice(0), lane);
      } catch (error) {
        failure ??= { error };
      }
    }
    try {
      await handler.laneDone?.(lane);
    } catch {
      /* releasing a device never fails the run */
    }
  };
  await Promise.all(lanes.map(work));
  if (failure) throw failure.error;
  return stats;
}
