/**
 * What `ab --out DIR` writes, as the comparison goes: pairs.jsonl (every pair as it is recorded),
 * sides.json (each side's provenance, written before any job), results-A.jsonl / results-B.jsonl
 * (memory, accuracy and agreement per side and job, as `run` measures them) and verdicts.json at the
 * end. Everything passes through the config's secrets redaction. TEMPORARY format for verdicts.json
 * until analysis/ab's writers are merged (they add the Markdown comment, junit.xml and the exports).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AbJobOutcome } from '../harness/ab/controller.ts';
import type { AbPairRecord } from '../harness/ab/pair-record.ts';
import type { SideProvenance } from '../harness/ab/provenance.ts';
import type { SkippedPair } from '../harness/ab/pair-jobs.ts';
import { redactDeep } from '../contract/secrets.ts';

export const AB_FILES = {
  pairs: 'pairs.jsonl',
  verdicts: 'verdicts.json',
  sides: 'sides.json',
  resultsA: 'results-A.jsonl',
  resultsB: 'results-B.jsonl',
} as const;

/** The writer of one comparison's folder. */
export function abWriter(dir: string, secrets: readonly string[]) {
  mkdirSync(dir, { recursive: true });
  for (const f of [AB_FILES.pairs, AB_FILES.resultsA, AB_FILES.resultsB]) writeFileSync(join(dir, f), '');
  const json = (value: unknown) => JSON.stringify(redactDeep(value, secrets));
  return {
    dir,
    sides(sides: SideProvenance[]): void {
      writeFileSync(join(dir, AB_FILES.sides), `${JSON.stringify(redactDeep(sides, secrets), null, 2)}\n`);
    },
    pair(p: AbPairRecord): void {
      appendFileSync(join(dir, AB_FILES.pairs), `${json(p)}\n`);
    },
    job(o: AbJobOutcome<unknown>): void {
      if (o.results.A) appendFileSync(join(dir, AB_FILES.resultsA), `${json(o.results.A)}\n`);
      if (o.results.B) appendFileSync(join(dir, AB_FILES.resultsB), `${json(o.results.B)}\n`);
    },
    verdicts(outcomes: AbJobOutcome<unknown>[], skipped: SkippedPair[], extra: Record<string, unknown>): void {
      const jobs = outcomes.map((o) => ({
        id: o.job,
        ...(o.jobB !== o.job ? { idB: o.jobB } : {}),
        ...(o.skipped ? { skipped: o.skipped } : {}),
        decision: o.verdict,
        stoppedBy: o.stoppedBy,
        pairs: o.pairs.length,
        dropped: o.dropped,
        workerPairs: o.workerPairs,
        blockInferences: o.blockInferences,
        seconds: o.seconds,
        ...(o.finishErrors ? { finishErrors: o.finishErrors } : {}),
        status: { A: o.results.A?.status ?? null, B: o.results.B?.status ?? null },
      }));
      const body = { ...extra, jobs, skipped };
      writeFileSync(join(dir, AB_FILES.verdicts), `${JSON.stringify(redactDeep(body, secrets), null, 2)}\n`);
    },
  };
}
