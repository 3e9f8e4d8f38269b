/**
 * `ab(a, b, options)`: a paired A/B comparison in one run (Pinpoint's pairwise mode, tachometer):
 * both sides built and planned (harness/ab/prepare.ts), each job's blocks alternated between them in
 * fresh worker pairs (harness/ab/controller.ts), each job decided as its pairs come in and all of
 * them judged together at the end (analysis/ab), every file written to the output folder. `mobilenet-bench ab`
 * and `ci --against` are its clients.
 */
import { join, resolve } from 'node:path';
import type { AbVerdicts } from '../contract/ab-verdicts.ts';
import { redactDeep } from '../contract/secrets.ts';
import { abDecider, type JobDecision } from '../analysis/ab/decide.ts';
import { judgeComparison, type AbJobInput } from '../analysis/ab/judge.ts';
import { runComparison } from '../harness/ab/comparison.ts';
import { DEFAULT_CONTROLLER, type AbJobOutcome } from '../harness/ab/controller.ts';
import { prepareComparison } from '../harness/ab/prepare.ts';
import type { ConfigOverrides } from '../harness/config/overrides.ts';
import { projectRoot } from '../models/platform/package-json.ts';
import { duetUnavailable } from '../runners/pin-cpu.ts';
import { writeAbOutputs } from './ab-files.ts';
import { abHostFor } from './ab-hosts.ts';
import { abWriter } from './ab-stream.ts';

/** How to compare: the run's config and overrides (as `run` takes them), the output folder, the decision's and the controller's settings. */
export interface AbOptions {
  configFile?: string;
  overrides?: ConfigOverrides;
  /** The output folder (default results/ab-<time>). */
  out?: string;
  /** The smallest change that counts (default 0.03). */
  minEffect?: number;
  /** Fresh worker pairs per batch (default 1), the cap per job in pairs (400) and seconds (60). */
  workerPairs?: number;
  maxPairs?: number;
  maxSeconds?: number;
  /** Seed of the AB/BA orders (default: from the clock; recorded). */
  seed?: number;
  /** Both sides at once, each pinned to its own CPU; where pinning is unavailable, interleaved (said through `log`). */
  duet?: boolean;
  /** Progress lines (a job starts, its verdict, skipped jobs, side builds). */
  log?: (line: string) => void;
}

/** What a comparison produced: its folder, the verdicts (as verdicts.json holds them) and the exit code (0 no job slower, 1 a job slower, 2 unusable). */
export interface AbOutcome {
  outDir: string;
  verdicts: AbVerdicts;
  exitCode: AbVerdicts['exitCode'];
}

/** One engine outcome as the judge takes it. */
function judgeInput(o: AbJobOutcome<JobDecision>): AbJobInput {
  return {
    id: o.job,
    pairs: o.pairs,
    dropped: o.dropped,
    last: o.verdict,
    seconds: o.seconds,
    // None where the job was skipped before its blocks were sized (a side's worker could not load it).
    ...(o.blockInferences > 0 ? { blockInferences: o.blockInferences } : {}),
    stoppedBy: o.stoppedBy,
    status: { A: o.results.A?.status ?? null, B: o.results.B?.status ?? null },
    ...(o.jobB !== o.job ? { idB: o.jobB } : {}),
    ...(o.skipped ? { skipped: o.skipped } : {}),
  };
}

/**
 * Compare side `a` with side `b` (`current`, `config:<overlay>`, `dir:<checkout>`, `ref:<git ref>`,
 * `pkg:<name>@<version>[,…]`). A side that cannot be built throws (SideError, PlanMismatchError,
 * ConfigError: exit 2 in the CLI) before any job runs.
 */
export async function ab(a: string, b: string, options: AbOptions = {}): Promise<AbOutcome> {
  const log = options.log ?? (() => {});
  const duetWhyNot = options.duet ? duetUnavailable() : null;
  if (duetWhyNot) log(`--duet: ${duetWhyNot}; interleaving the sides instead`);
  const duet = Boolean(options.duet) && !duetWhyNot;
  const setup = await prepareComparison({ a, b, configPath: options.configFile, overrides: options.overrides ?? {}, repoRoot: projectRoot(), log });
  const outDir = resolve(options.out ?? join('results', `ab-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  const stream = abWriter(outDir, setup.secrets);
  stream.sides(setup.provenance);
  for (const s of setup.skipped) log(`skipped ${s.id}: ${s.reason}`);

  const workerPairs = options.workerPairs ?? DEFAULT_CONTROLLER.workerPairs;
  const maxPairs = options.maxPairs ?? DEFAULT_CONTROLLER.maxPairs;
  const maxSeconds = options.maxSeconds ?? DEFAULT_CONTROLLER.maxSeconds;
  const seed = options.seed ?? Date.now() % 2 ** 31;
  // The decision's looks follow the controller's batches and caps; each job spends alpha / the jobs compared, so Holm keeps what a job decided.
  const decision = {
    ...(options.minEffect !== undefined ? { minEffect: options.minEffect } : {}),
    maxPairs,
    maxSeconds,
    // Batches are sized by the controller from the start cost; the decider is handed each job's previous look, so this is only its least.
    batchPairs: workerPairs * DEFAULT_CONTROLLER.pairsPerWorkerPerBatch,
    familySize: Math.max(1, setup.jobs.length),
  };
  const started = performance.now();
  const outcomes = await runComparison<JobDecision>(
    setup.jobs,
    setup.sides,
    abHostFor(duet),
    {
      workerPairs,
      pairsPerWorkerPerBatch: DEFAULT_CONTROLLER.pairsPerWorkerPerBatch,
      freshPerBatch: true,
      maxPairs,
      maxSeconds,
      seed,
      decide: abDecider(decision),
      onPair: (p) => stream.pair(p),
      clock: () => performance.now() - started,
    },
    {
      onJobStart: (j, i, n) => log(`[${i + 1}/${n}] ${j.A.id}${j.B.id !== j.A.id ? ` vs ${j.B.id}` : ''}`),
      onJobEnd: (o) => {
        stream.job(o);
        const v = o.verdict;
        log(
          o.skipped
            ? `  skipped: ${o.skipped}`
            : `  ${v?.verdict ?? 'inconclusive'}${v?.ratio && v.ci ? ` x${v.ratio.toFixed(3)} [${v.ci[0].toFixed(3)}, ${v.ci[1].toFixed(3)}]` : ''} (${o.pairs.length} pairs, ${o.dropped} dropped, ${o.blockInferences} inferences a block, ${o.seconds.toFixed(1)} s, ${o.stoppedBy})`,
        );
      },
    },
  );
  const jobs = [...outcomes.map(judgeInput), ...setup.skipped.map((s) => ({ id: s.id, pairs: [], dropped: 0, skipped: s.reason }))];
  const [sideA, sideB] = setup.provenance;
  const verdicts = redactDeep(judgeComparison(jobs, decision, sideA && sideB ? { a: sideA, b: sideB } : null), setup.secrets) as AbVerdicts;
  verdicts.notes.push(
    `${duet ? 'duet (both sides at once, pinned)' : 'interleaved'} blocks, ${workerPairs} fresh worker pair(s) a batch, AB/BA orders seeded with ${seed}`,
  );
  writeAbOutputs(
    outDir,
    verdicts,
    outcomes.flatMap((o) => o.pairs),
    { pairsAndSides: false },
  );
  return { outDir, verdicts, exitCode: verdicts.exitCode };
}
