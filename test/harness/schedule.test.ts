/**
 * The scheduler with fake runners (no process, no browser): jobs of one device never overlap,
 * different devices do, two targets on one host are serialised unless shareHost, `workers`
 * caps concurrency, a pool shares its target's queue, a device that cannot start hands its
 * jobs to the other instance, and a device lost mid-job fails only that job.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveConfig, type Target } from '../../harness/config/schema.ts';
import { planJobs, type Job } from '../../harness/plan.ts';
import { baseResult } from '../../harness/probe/probe.ts';
import type { JobResult } from '../../contract/results.ts';
import { readResults, readRunInfo } from '../../contract/store.ts';
import { runBenchmark } from '../../harness/run.ts';
import { Gate, hostOf, instanceCount, lanesFor, schedule, THIS_MACHINE, type Lane } from '../../harness/schedule.ts';
import { LaneWorker } from '../../harness/lane-worker.ts';
import type { InstanceRef, Runner } from '../../harness/runner.ts';
import { tempRunDir } from '../helpers/temp-dirs.ts';

interface Span {
  job: string;
  lane: string;
  start: number;
  end: number;
}

/** A runner that "runs" a job by sleeping, recording when. */
function fakeRunner(lane: string, spans: Span[], ms = 60, opts: { throwOn?: string } = {}): Runner {
  return {
    async runJob(job: Job): Promise<JobResult> {
      const start = performance.now();
      const startedAt = new Date().toISOString();
      await sleep(ms);
      if (opts.throwOn === job.id) throw new Error('session deleted: node lost');
      spans.push({ job: job.id, lane, start, end: performance.now() });
      return { ...baseResult(job, 'ok'), startedAt, durationMs: performance.now() - start };
    },
    async close() {},
  };
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
const anyOverlap = (xs: Span[], ys: Span[]) => xs.some((x) => ys.some((y) => x !== y && overlaps(x, y)));

const twoLocalTargets = (extra: object = {}) =>
  resolveConfig({
    targets: [{ type: 'node' }, { type: 'chromium', implementations: ['reference'] }],
    variants: { alpha: [0.25], resolution: [128, 160] },
    implementations: ['reference'],
    ...extra,
  });

test('hosts: local targets share this machine; pooled and remote targets are their own devices', () => {
  const cfg = twoLocalTargets();
  assert.equal(hostOf(cfg.targets[0], { index: 0, count: 1 }), THIS_MACHINE);
  assert.equal(hostOf(cfg.targets[1], { index: 0, count: 1 }), THIS_MACHINE);
  const pool = { name: 'pixels', type: 'appium', instances: 3 } as unknown as Target;
  assert.equal(instanceCount(pool), 3);
  assert.equal(hostOf(pool, { index: 1, count: 3 }), null);
  const boards = { name: 'pis', type: 'ssh', hosts: ['pi@10.0.0.2:22', { host: 'localhost' }] } as unknown as Target;
  assert.equal(instanceCount(boards), 2);
  assert.equal(hostOf(boards, { index: 0, count: 2 }), '10.0.0.2');
  assert.equal(hostOf(boards, { index: 1, count: 2 }), THIS_MACHINE, 'loopback is this machine');
  assert.deepEqual(
    lanesFor([pool]).map((l) => l.label),
    ['pixels#0', 'pixels#1', 'pixels#2'],
  );
});

test('two targets on one host are serialised; with shareHost they overlap and every result carries a warning', async () => {
  for (const shareHost of [false, true]) {
    const spans: Span[] = [];
    const dir = tempRunDir('mnb-sched-');
    const { results } = await runBenchmark({
      config: twoLocalTargets({ shareHost }),
      runnerFor: (t: Target) => fakeRunner(t.name, spans, 120),
      outDir: dir,
    });
    const node = spans.filter((s) => s.lane === 'node');
    const chromium = spans.filter((s) => s.lane === 'chromium');
    assert.equal(node.length, 2);
    assert.equal(chromium.length, 2);
    assert.equal(anyOverlap(node, node), false, 'one device runs one job at a time');
    assert.equal(anyOverlap(node, chromium), shareHost, shareHost ? 'shareHost lets them overlap' : 'same host: never at once');
    const lines = readResults(dir);
    assert.equal(lines.length, 4);
    for (const r of [...results, ...lines]) {
      if (shareHost) assert.match(r.warnings?.[0] ?? '', /shareHost: other jobs may have computed on this machine at the same time/);
      else assert.equal(r.warnings, undefined);
    }
    const info = readRunInfo(dir);
    assert.deepEqual(
      info.instances!.map((i) => [i.target, i.index, i.jobs]),
      [
        ['node', 0, 2],
        ['chromium', 0, 2],
      ],
    );
    assert.ok(info.instances!.every((i) => i.busyMs >= 200 && i.host === THIS_MACHINE));
  }
});

/** Lanes of a fake pooled target over node jobs (the scheduler does not care what the target is). */
function pooledLanes(jobs: Job[], count: number, host: string | null = null): Lane[] {
  const target = { ...jobs[0].target, instances: count } as unknown as Target;
  return Array.from({ length: count }, (_, index) => ({ key: `pool#${index}`, label: `pool#${index}`, target, instance: { index, count }, host }));
}

const nodeJobs = (resolutions = [128, 160, 192, 224]) =>
  planJobs(resolveConfig({ variants: { alpha: [0.25, 0.5], resolution: resolutions }, implementations: ['reference'] })).jobs;

test('a pool shares its queue: instances overlap, one instance never overlaps itself, workers caps concurrency', async () => {
  const jobs = nodeJobs();
  for (const workers of [3, 1]) {
    const spans: Span[] = [];
    const lanes = pooledLanes(jobs, 3);
    const stats = await schedule(jobs, lanes, new Gate(workers, false), {
      run: async (lane, job) => {
        await fakeRunner(lane.label, spans, 50).runJob(job);
        return true;
      },
      orphaned: () => assert.fail('nothing orphaned'),
    });
    assert.equal(spans.length, jobs.length);
    assert.deepEqual(new Set(spans.map((s) => s.job)).size, jobs.length, 'each job once');
    for (const l of lanes) {
      const mine = spans.filter((s) => s.lane === l.label);
      assert.equal(anyOverlap(mine, mine), false, `${l.label} ran one job at a time`);
      assert.equal(stats.get(l.key)!.jobs, mine.length);
    }
    // The most jobs running at any instant.
    const peak = Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).length));
    if (workers === 1) assert.equal(peak, 1);
    else assert.ok(peak >= 2 && peak <= 3, `peak ${peak}`);
    // A pool on one declared host is serialised like two targets there.
    if (workers === 3) {
      const spans2: Span[] = [];
      await schedule(jobs.slice(0, 4), pooledLanes(jobs, 2, 'bench-box'), new Gate(3, false), {
        run: async (lane, job) => (await fakeRunner(lane.label, spans2, 40).runJob(job), true),
        orphaned: () => {},
      });
      assert.equal(anyOverlap(spans2, spans2), false);
    }
  }
});

test('an instance that cannot start hands its jobs to the others; when none can, the jobs fail with the reason', async () => {
  const jobs = nodeJobs([128, 160]);
  const runWith = async (dead: (i: InstanceRef) => boolean) => {
    const spans: Span[] = [];
    const out: JobResult[] = [];
    const lanes = pooledLanes(jobs, 2);
    const workers = new Map(
      lanes.map((l) => [
        l.key,
        new LaneWorker(l, (_t, inst) => {
          if (dead(inst)) throw new Error(`could not start a new session on instance ${inst.index}`);
          return fakeRunner(`pool#${inst.index}`, spans, 30);
        }),
      ]),
    );
    await schedule(jobs, lanes, new Gate(2, false), {
      run: async (lane, job) => {
        const r = await workers.get(lane.key)!.run(job);
        if (r) out.push(r);
        return r !== null;
      },
      orphaned: (_t, left, last) => {
        for (const j of left) out.push(baseResult(j, 'failed', workers.get(last.key)!.deadReason));
      },
    });
    return { spans, out };
  };
  const half = await runWith((i) => i.index === 0);
  assert.equal(half.out.length, jobs.length);
  assert.ok(half.out.every((r) => r.status === 'ok'));
  assert.ok(
    half.spans.every((s) => s.lane === 'pool#1'),
    'all on the instance that started',
  );

  const none = await runWith(() => true);
  assert.equal(none.out.length, jobs.length);
  assert.ok(none.out.every((r) => r.status === 'failed' && /could not start a new session on instance \d/.test(r.error!)));
});

test('a device lost mid-job fails that job only; the lane starts a new runner for the next', async () => {
  const jobs = nodeJobs([128, 160]);
  const lane = pooledLanes(jobs, 1)[0];
  let created = 0;
  const spans: Span[] = [];
  const worker = new LaneWorker(lane, () => {
    created++;
    return fakeRunner(lane.label, spans, 20, { throwOn: created === 1 ? jobs[1].id : undefined });
  });
  const out: JobResult[] = [];
  for (const j of jobs) out.push((await worker.run(j))!);
  await worker.close();
  assert.deepEqual(
    out.map((r) => r.status),
    ['ok', 'failed', 'ok', 'ok'],
  );
  assert.match(out[1].error!, /pool#0: session deleted: node lost \(the device was lost; the next job starts a new session\)/);
  assert.ok(out[1].durationMs >= 15);
  assert.equal(created, 2, 'one new runner after the loss');
});

test('an error writing a result stops every lane from taking another job, lets jobs in flight finish, then surfaces', async () => {
  const jobs = nodeJobs();
  const begun: string[] = [];
  let inFlight = 0;
  const run = schedule(jobs, pooledLanes(jobs, 2), new Gate(2, false), {
    run: async (_lane, job) => {
      begun.push(job.id);
      inFlight++;
      await sleep(job === jobs[0] ? 20 : 80);
      inFlight--;
      if (job === jobs[0]) throw new Error('ENOSPC: no space left on device');
      return true;
    },
    orphaned: () => {},
  });
  await assert.rejects(run, /ENOSPC/);
  assert.equal(inFlight, 0, 'the other lane finished its job before the error surfaced');
  assert.deepEqual(begun, [jobs[0].id, jobs[1].id], 'no job started after the failure');
});

test('--resume of a parallel run killed mid-way: written jobs are not run again, jobs in flight are', async () => {
  const { spawn } = await import('node:child_process');
  const { readFileSync, existsSync } = await import('node:fs');
  const helper = join(import.meta.dirname, 'helpers', 'parallel-run.ts');
  const dir = tempRunDir('mnb-presume-');
  const child = spawn(process.execPath, ['--import', 'tsx', helper, dir], { env: { ...process.env, JOB_MS: '400' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const inFlight = new Set<string>();
  let out = '';
  let killedWith: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().trim().split('\n')) {
        const [what, id] = line.split(' ');
        if (what === 'start') inFlight.add(id);
        if (what === 'end') inFlight.delete(id);
      }
      // Kill once some jobs are written and both lanes have a job in flight.
      const written = existsSync(join(dir, 'results.jsonl')) ? readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').length : 0;
      if (!killedWith.length && written >= 2 && inFlight.size === 2) {
        killedWith = [...inFlight];
        child.kill('SIGKILL');
      }
    });
    child.once('exit', () => resolve());
    child.once('error', reject);
  });
  assert.equal(killedWith.length, 2, `two jobs in flight at the kill (output: ${out})`);
  const before = readResults(dir).map((r) => r.id);
  assert.ok(before.length >= 2 && before.length < 8);
  for (const id of killedWith) assert.ok(!before.includes(id), `${id} was in flight, not written`);

  const ran: string[] = [];
  await runBenchmark({
    config: twoLocalTargets(),
    resumeDir: dir,
    runnerFor: (t: Target) => ({ ...fakeRunner(t.name, [], 10), runJob: async (job: Job) => (ran.push(job.id), fakeRunner(t.name, [], 10).runJob(job)) }),
  });
  const after = readResults(dir).map((r) => r.id);
  assert.equal(after.length, 8);
  assert.equal(new Set(after).size, 8, 'no job twice');
  assert.deepEqual(
    ran.filter((id) => before.includes(id)),
    [],
    'written jobs not run again',
  );
  for (const id of killedWith) assert.ok(ran.includes(id), `${id} (in flight at the kill) ran again`);
  assert.deepEqual(after.slice(0, before.length), before, 'lines written before the kill untouched');
});

test('a lane keeps the per-job wrapping: thermal readings around each job, cool-down between jobs, repeats pooled', async () => {
  const { summarizeLatency } = await import('../../contract/stats/describe.ts');
  const jobs = nodeJobs([128, 160])
    .slice(0, 2)
    .map((j) => ({
      ...j,
      target: { ...j.target, cooldown: { seconds: 0.05, pollSeconds: 5, maxWaitSeconds: 600 } } as unknown as Target,
      sampling: { ...j.sampling, repeats: 2 },
    }));
  const lane = pooledLanes(jobs, 1)[0];
  let calls = 0;
  let reads = 0;
  const worker = new LaneWorker(lane, () => ({
    async runJob(job: Job) {
      calls++;
      const samplesMs = [1, 2, 3].map((x) => x + calls);
      return {
        ...baseResult(job, 'ok'),
        latency: { samplesMs, ...summarizeLatency(samplesMs), warmupSamples: 1, stoppedBy: 'minimums' as const, drift: null },
      };
    },
    async close() {},
    async readThermal() {
      reads++;
      return [{ source: 'fake sensor', temperatureC: 40 + reads }];
    },
  }));
  const [first, second] = [await worker.run(jobs[0]), await worker.run(jobs[1])];
  await worker.close();
  assert.equal(calls, 4, 'two repeats per job');
  assert.deepEqual(
    first!.latency!.processes!.map((p) => p.samples),
    [3, 3],
  );
  assert.equal(first!.thermal!.before[0].temperatureC, 41);
  assert.equal(first!.thermal!.after[0].temperatureC, 42);
  assert.equal(first!.thermal!.cooldownMs, undefined, 'no cool-down before the first job');
  assert.ok(second!.thermal!.cooldownMs! >= 45, 'cool-down before the second');
});
