/**
 * What `ab --out DIR` writes, as the comparison goes: pairs.jsonl (every pair as it is recorded),
 * sides.json (each side's provenance, written before any job), results-A.jsonl / results-B.jsonl
 * (memory, accuracy and agreement per side and job, as `run` measures them) and verdicts.json at the
 * end (api/ab-files.ts writes it, with the Markdown comment, junit.xml, the exports and the page).
 * Everything passes through the config's secrets redaction.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AbJobOutcome } from '../harness/ab/controller.ts';
import type { AbPair } from '../contract/ab-pair.ts';
import type { SideProvenance } from '../harness/ab/provenance.ts';
import { redactDeep } from '../contract/secrets.ts';
import { AB_FILES } from '../analysis/ab/files.ts';

/** The files streamed during a comparison: analysis/ab's pairs and sides, and each side's results. */
const STREAMED = { pairs: AB_FILES.pairs, sides: AB_FILES.sides, resultsA: 'results-A.jsonl', resultsB: 'results-B.jsonl' } as const;

/** The writer of one comparison's folder. */
export function abWriter(dir: string, secrets: readonly string[]) {
  mkdirSync(dir, { recursive: true });
  for (const f of [STREAMED.pairs, STREAMED.resultsA, STREAMED.resultsB]) writeFileSync(join(dir, f), '');
  const json = (value: unknown) => JSON.stringify(redactDeep(value, secrets));
  return {
    dir,
    sides(sides: SideProvenance[]): void {
      writeFileSync(join(dir, STREAMED.sides), `${JSON.stringify(redactDeep(sides, secrets), null, 2)}\n`);
    },
    pair(p: AbPair): void {
      appendFileSync(join(dir, STREAMED.pairs), `${json(p)}\n`);
    },
    job(o: AbJobOutcome<unknown>): void {
      if (o.results.A) appendFileSync(join(dir, STREAMED.resultsA), `${json(o.results.A)}\n`);
      if (o.results.B) appendFileSync(join(dir, STREAMED.resultsB), `${json(o.results.B)}\n`);
    },
  };
}
