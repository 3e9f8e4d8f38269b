/**
 * Everything a paired A/B comparison writes to `--out DIR` (docs/ab-verdicts.md#outputs): verdicts.json,
 * pairs.jsonl, sides.json, junit.xml (analysis/ab/files.ts), comment.md, bmf.json,
 * benchmark-smaller-is-better.json (reports/ab-outputs.ts) and ab-report.html (reports/ab-page.ts).
 * Each file is written whole or not at all; verdicts.json last, so its presence means the set is complete.
 * When the engine already streamed pairs.jsonl and sides.json as the comparison went, pass
 * `pairsAndSides: false` to leave them as they are.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AbVerdicts } from '../contract/ab-verdicts.ts';
import { writeFileAtomic } from '../contract/store.ts';
import { AB_FILES, formatAbJunit, formatPairsJsonl, formatSidesJson, formatVerdictsJson, pairRecord } from '../analysis/ab/files.ts';
import type { AbPair } from '../contract/ab-pair.ts';
import { abReportFiles } from '../reports/ab-outputs.ts';
import { AB_REPORT_FILE, renderAbReportHtml } from '../reports/ab-page.ts';

/** Write the A/B files into `dir` (created); returns the paths written, verdicts.json last. */
export function writeAbOutputs(dir: string, verdicts: AbVerdicts, pairs: readonly AbPair[], opts: { report?: string; pairsAndSides?: boolean } = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const withPairs = opts.pairsAndSides ?? true;
  const files: [string, string][] = [
    ...(withPairs ? [[AB_FILES.pairs, formatPairsJsonl(pairs)] as [string, string]] : []),
    ...(withPairs && verdicts.sides ? [[AB_FILES.sides, formatSidesJson(verdicts.sides)] as [string, string]] : []),
    [AB_FILES.junit, formatAbJunit(verdicts)],
    ...Object.entries(abReportFiles(verdicts, { report: opts.report ?? AB_REPORT_FILE })),
    [AB_REPORT_FILE, renderAbReportHtml({ verdicts, pairs: pairs.map(pairRecord) })],
    [AB_FILES.verdicts, formatVerdictsJson(verdicts)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    return path;
  });
}
