/**
 * The files of a paired A/B comparison (`ab`, `ci --against`), as zod schemas: `verdicts.json`
 * (one verdict per job), each line of `pairs.jsonl` (one A block and one B block run back to
 * back) and the sides' provenance. The contract, so that reports draw the A/B section from these
 * files alone and analysis/ab writes exactly what they read (docs/ab-verdicts.md#outputs).
 */
import { logRatio } from './ab-pair.ts';
import { z } from 'zod';

/** The `kind` of verdicts.json, so that a reader never mistakes another JSON file for it. */
export const AB_VERDICTS_KIND = 'mobilenet-bench/ab-verdicts' as const;

/** One line of pairs.jsonl: contract/ab-pair.ts's AbPair, with its log-ratio stored beside it. */
export const AbPairRecordSchema = z.strictObject({
  job: z.string().min(1),
  workerPair: z.number().int().min(0),
  index: z.number().int().min(0),
  order: z.enum(['AB', 'BA']),
  aMs: z.number().positive().finite(),
  aInferences: z.number().int().positive(),
  bMs: z.number().positive().finite(),
  bInferences: z.number().int().positive(),
  atMs: z.number().min(0).finite(),
  /** log((bMs / bInferences) / (aMs / aInferences)): > 0 means B is slower. Written by analysis/ab; computed on read when a line lacks it (the engine streams pairs without it). */
  logRatio: z.number().finite().optional(),
});
/** A pairs.jsonl line as read: its log-ratio always present. */
export type AbPairRecord = z.infer<typeof AbPairRecordSchema> & { logRatio: number };

/** The four outcomes of a judged job, and `skipped` for a job one side could not run. */
export const AB_VERDICTS = ['slower', 'faster', 'no change', 'inconclusive', 'skipped'] as const;
export type AbVerdict = (typeof AB_VERDICTS)[number];

const interval = z.tuple([z.number().finite(), z.number().finite()]);

/** One job's verdict in verdicts.json. */
export const AbJobVerdictSchema = z.strictObject({
  id: z.string().min(1),
  verdict: z.enum(AB_VERDICTS),
  /** exp(mean log-ratio): B's time per inference over A's (1.10 = B 10 % slower); null when not judged. */
  ratio: z.number().positive().finite().nullable(),
  /** The sequential 95 % interval of the ratio at the last look (exp of the log-ratio interval). */
  interval: interval.nullable(),
  /** The mean log-ratio and its interval, as judged. */
  logMean: z.number().finite().nullable(),
  logInterval: interval.nullable(),
  /** Pairs that entered the decision, and pairs dropped because a side failed a block. */
  pairsUsed: z.number().int().min(0),
  pairsDropped: z.number().int().min(0),
  /** Fresh worker pairs (process or page pairs) the used pairs came from. */
  workerPairs: z.number().int().min(0),
  /** Looks at the data (batches judged) before the decision. */
  looks: z.number().int().min(0),
  /** Seconds the job's pairs took, first block to last. */
  seconds: z.number().min(0).finite(),
  /** Two-sided nominal level of the last look's interval (its share of the 5 % spent). */
  lookLevel: z.number().min(0).max(1).nullable(),
  /** The job's sequential p-value for "no difference", and after Holm across the jobs. */
  p: z.number().min(0).max(1).nullable(),
  pHolm: z.number().min(0).max(1).nullable(),
  /** Median ms per inference of each side's blocks (for exports and tables). */
  aMsPerInference: z.number().positive().finite().nullable(),
  bMsPerInference: z.number().positive().finite().nullable(),
  /** Why this verdict, in one sentence (and why skipped). */
  reason: z.string(),
  /** From the engine, when it says: B's job id where it differs from A's (e.g. its thread count), inferences per block, why the job stopped, each side's `run` status. */
  idB: z.string().optional(),
  blockInferences: z.number().int().positive().optional(),
  stoppedBy: z.enum(['decided', 'maxPairs', 'maxSeconds', 'failed']).optional(),
  status: z.object({ A: z.string().nullable(), B: z.string().nullable() }).optional(),
});
export type AbJobVerdict = z.infer<typeof AbJobVerdictSchema>;

/** One weights or model file a side's plan loads (the shape run.json's `weights` records). */
export const SideWeightsSchema = z.object({
  variant: z.string(),
  precision: z.string(),
  /** `synthetic (seed 1)`, `tflite`, `tfjs-layers`, `onnx`, … */
  source: z.string(),
  file: z.string().nullable(),
  sha256: z.string().nullable(),
});

/**
 * What a side ran, enough to re-create it (docs/ab-verdicts.md#outputs): the engine fills it (harness/ab/provenance.ts
 * has the same shape), analysis and reports print it. Every field is what the engine found, or null.
 */
export const SideProvenanceSchema = z.object({
  name: z.enum(['A', 'B']),
  /** How the user named it: `ref:origin/main`, `dir:../old`, `pkg:onnxruntime-web@1.29.0`, `config:threads2.json`, `current`. */
  spec: z.string().min(1),
  kind: z.enum(['current', 'config', 'dir', 'ref', 'pkg']),
  /** The checkout whose code and node_modules ran the side. */
  root: z.string(),
  /** The checkout's commit (full SHA) and whether its working tree had uncommitted changes (null: not a git checkout). */
  commit: z.string().nullable(),
  dirty: z.boolean().nullable(),
  /** The harness version (package.json) of that checkout. */
  harnessVersion: z.string().nullable(),
  /** Runtime package → the version the side's workers load (null: not installed there). */
  packages: z.record(z.string(), z.string().nullable()),
  /** `pkg:` sides: the packages swapped in, name → version. */
  swapped: z.record(z.string(), z.string()).optional(),
  /** SHA-256 of every weights and model file the side's plan loads (null for synthetic weights). */
  weights: z.array(SideWeightsSchema),
});
export type SideProvenance = z.infer<typeof SideProvenanceSchema>;

/** The options the decision ran under, recorded so a verdict can be re-derived from pairs.jsonl. */
export const AbOptionsSchema = z.strictObject({
  minEffect: z.number().positive().max(1),
  alpha: z.number().positive().max(0.5),
  maxPairs: z.number().int().positive(),
  maxSeconds: z.number().positive(),
  batchPairs: z.number().int().positive(),
  minWorkerPairs: z.number().int().min(2),
  /** Jobs compared at once: each job's sequential test runs at alpha / familySize, so that Holm across them keeps its decisions. */
  familySize: z.number().int().positive(),
  spending: z.enum(['obrien-fleming', 'pocock']),
});
export type AbOptions = z.infer<typeof AbOptionsSchema>;

/** verdicts.json. */
export const AbVerdictsSchema = z.strictObject({
  kind: z.literal(AB_VERDICTS_KIND),
  schemaVersion: z.literal(1),
  createdAt: z.iso.datetime(),
  options: AbOptionsSchema,
  /** Each side's provenance, when the engine recorded it. */
  sides: z.strictObject({ a: SideProvenanceSchema, b: SideProvenanceSchema }).nullable(),
  /** 0: no job slower; 1: a job slower; 2: unusable input (contract/exit-codes.ts). */
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  counts: z.record(z.enum(AB_VERDICTS), z.number().int().min(0)),
  jobs: z.array(AbJobVerdictSchema),
  /** Whole-comparison notes (unusable input, jobs that could not be judged). */
  notes: z.array(z.string()),
});
export type AbVerdicts = z.infer<typeof AbVerdictsSchema>;

/** A problem with an A/B file, naming the file, the line and the field. */
export class AbFileError extends Error {}

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** Parse verdicts.json text; throws AbFileError naming what is wrong. */
export function parseAbVerdicts(text: string, file = 'verdicts.json'): AbVerdicts {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AbFileError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const r = AbVerdictsSchema.safeParse(json);
  if (!r.success) throw new AbFileError(`${file} is not an A/B verdicts file: ${issues(r.error)}`);
  return r.data;
}

/** Parse pairs.jsonl text (blank lines ignored; a missing logRatio is computed); throws AbFileError naming the line. */
export function parseAbPairs(text: string, file = 'pairs.jsonl'): AbPairRecord[] {
  const out: AbPairRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new AbFileError(`${file} line ${i + 1} is not JSON: ${(e as Error).message}`);
    }
    const r = AbPairRecordSchema.safeParse(json);
    if (!r.success) throw new AbFileError(`${file} line ${i + 1}: ${issues(r.error)}`);
    out.push({ ...r.data, logRatio: r.data.logRatio ?? logRatio(r.data) });
  });
  return out;
}
