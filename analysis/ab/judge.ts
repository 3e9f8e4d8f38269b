/**
 * The verdicts of a whole comparison: each job's last sequential decision, Holm across the jobs so
 * that many jobs compared at once do not multiply false alarms, the exit code, and the verdicts.json
 * document (contract/ab-verdicts.ts). Pure.
 */
import { AB_VERDICTS_KIND, type AbJobVerdict, type AbOptions, type AbVerdict, type AbVerdicts, type SideProvenance } from '../../contract/ab-verdicts.ts';
import { EXIT } from '../../contract/exit-codes.ts';
import { holmAdjust } from '../../contract/stats/holm.ts';
import { median } from '../../contract/stats/describe.ts';
import type { AbPair } from '../../contract/ab-pair.ts';
import { decideJob, type JobDecision } from './decide.ts';
import { abOptions } from './options.ts';

/** One job as the controller hands it over: its pairs, the pairs dropped, and its last decision (or why it was skipped). */
export interface AbJobInput {
  id: string;
  pairs: readonly AbPair[];
  dropped: number;
  /** The decision of the job's last look; without it the pairs are judged once as a final look. */
  last?: JobDecision | null;
  /** Set when a side could not run the job: the job is `skipped` for both, with this reason. */
  skipped?: string;
  /** Seconds the job took; derived from the pairs' times when absent. */
  seconds?: number;
  /** Passed through to verdicts.json when the engine gives them (AbJobOutcome's fields of the same names). */
  idB?: string;
  blockInferences?: number;
  stoppedBy?: 'decided' | 'maxPairs' | 'maxSeconds' | 'failed';
  status?: { A: string | null; B: string | null };
}

/** Why a pair cannot be judged, or null when it can. */
export function pairProblem(p: AbPair, jobId: string): string | null {
  if (p.job !== jobId) return `a pair of job '${p.job}' was handed over under '${jobId}'`;
  for (const k of ['aMs', 'bMs'] as const) if (!(Number.isFinite(p[k]) && p[k] > 0)) return `${k} is ${p[k]}, not a positive number of milliseconds`;
  for (const k of ['aInferences', 'bInferences'] as const) if (!(Number.isInteger(p[k]) && p[k] > 0)) return `${k} is ${p[k]}, not a whole number ≥ 1`;
  if (!(Number.isInteger(p.workerPair) && p.workerPair >= 0)) return `workerPair is ${p.workerPair}`;
  if (p.order !== 'AB' && p.order !== 'BA') return `order is '${String(p.order)}', not AB or BA`;
  if (!(Number.isFinite(p.atMs) && p.atMs >= 0)) return `atMs is ${p.atMs}`;
  return null;
}

/** Seconds from the first pair's first block to the last pair's end. */
export function pairsSeconds(pairs: readonly AbPair[]): number {
  if (!pairs.length) return 0;
  const start = Math.min(...pairs.map((p) => p.atMs - p.aMs - p.bMs));
  const end = Math.max(...pairs.map((p) => p.atMs));
  return Math.max(0, (end - Math.max(0, start)) / 1000);
}

const emptyCounts = (): Record<AbVerdict, number> => ({ slower: 0, faster: 0, 'no change': 0, inconclusive: 0, skipped: 0 });

/** One job's verdict before Holm. */
function jobVerdict(j: AbJobInput, o: AbOptions): AbJobVerdict {
  const perInference = (ms: 'aMs' | 'bMs', n: 'aInferences' | 'bInferences') => (j.pairs.length ? median(j.pairs.map((p) => p[ms] / p[n])) : null);
  const common = {
    id: j.id,
    pairsUsed: j.pairs.length,
    pairsDropped: j.dropped,
    workerPairs: new Set(j.pairs.map((p) => p.workerPair)).size,
    seconds: j.seconds ?? pairsSeconds(j.pairs),
    aMsPerInference: perInference('aMs', 'aInferences'),
    bMsPerInference: perInference('bMs', 'bInferences'),
    ...(j.idB !== undefined && j.idB !== j.id ? { idB: j.idB } : {}),
    ...(j.blockInferences !== undefined ? { blockInferences: j.blockInferences } : {}),
    ...(j.stoppedBy !== undefined ? { stoppedBy: j.stoppedBy } : {}),
    ...(j.status !== undefined ? { status: j.status } : {}),
  };
  if (j.skipped !== undefined)
    return {
      ...common,
      verdict: 'skipped',
      ratio: null,
      interval: null,
      logMean: null,
      logInterval: null,
      looks: 0,
      lookLevel: null,
      p: null,
      pHolm: null,
      reason: j.skipped,
    };
  const d = j.last ?? decideJob(j.pairs, j.dropped, o, Number.POSITIVE_INFINITY, null);
  const verdict = d.done ? d.verdict : 'inconclusive';
  return {
    ...common,
    verdict,
    ratio: d.ratio,
    interval: d.ci,
    logMean: d.logMean,
    logInterval: d.logCi,
    looks: d.looks,
    lookLevel: d.p === null ? null : d.lookLevel,
    p: d.p,
    pHolm: null,
    reason: d.done ? d.reason : `stopped before a decision or the cap: ${d.reason}`,
  };
}

/**
 * Judge a comparison: each job's verdict, then Holm across the judged jobs at α (a `slower` or
 * `faster` whose Holm-adjusted p-value is not below α becomes `inconclusive`), the counts and the
 * exit code (0 no job slower, 1 a job slower, 2 unusable input: no job, a bad pair, or no pair at all).
 */
export function judgeComparison(
  jobs: readonly AbJobInput[],
  options: Partial<AbOptions> = {},
  sides: { a: SideProvenance; b: SideProvenance } | null = null,
  now: Date = new Date(),
): AbVerdicts {
  // The family: the jobs judged, unless the controller said how many it compared at once.
  const o = abOptions({ familySize: Math.max(1, jobs.filter((j) => j.skipped === undefined).length), ...options });
  const notes: string[] = [];
  for (const j of jobs) {
    for (const p of j.pairs) {
      const problem = pairProblem(p, j.id);
      if (problem) {
        notes.push(`job ${j.id}, pair ${p.index}: ${problem}`);
        break;
      }
    }
    if (!Number.isInteger(j.dropped) || j.dropped < 0) notes.push(`job ${j.id}: dropped is ${j.dropped}, not a count`);
  }
  const ids = jobs.map((j) => j.id);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length) notes.push(`job ids handed over twice: ${[...new Set(twice)].join(', ')}`);
  if (!jobs.length) notes.push('no jobs to judge');
  else if (jobs.every((j) => j.skipped !== undefined || !j.pairs.length)) notes.push('no job has a single pair to judge');
  const base = { kind: AB_VERDICTS_KIND, schemaVersion: 1 as const, createdAt: now.toISOString(), options: o, sides };
  if (notes.length) return { ...base, exitCode: EXIT.usage, counts: emptyCounts(), jobs: [], notes: [`unusable input: ${notes[0]}`, ...notes.slice(1)] };

  const verdicts = jobs.map((j) => jobVerdict(j, o));
  const adjusted = holmAdjust(verdicts.map((v) => v.p ?? Number.NaN));
  const judged = verdicts.filter((v) => v.p !== null).length;
  const final = verdicts.map((v, i): AbJobVerdict => {
    if (v.p === null) return v;
    const pHolm = adjusted[i];
    if ((v.verdict === 'slower' || v.verdict === 'faster') && !(pHolm < o.alpha))
      return {
        ...v,
        pHolm,
        verdict: 'inconclusive',
        reason: `${v.reason}; but not significant after Holm across ${judged} jobs (p ${pHolm.toPrecision(2)} ≥ ${o.alpha})`,
      };
    return { ...v, pHolm };
  });
  const counts = emptyCounts();
  for (const v of final) counts[v.verdict]++;
  for (const v of final) if (v.pairsDropped) notes.push(`${v.id}: ${v.pairsDropped} pair${v.pairsDropped === 1 ? '' : 's'} dropped (a side failed a block)`);
  return { ...base, exitCode: counts.slower ? EXIT.failed : EXIT.ok, counts, jobs: final, notes };
}
