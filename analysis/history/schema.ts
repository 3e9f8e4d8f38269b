/**
 * The history contract: one compact JSON summary per run in a history folder (`<id>.json`),
 * enough to judge a later run against (per-job medians, their CIs, per-process medians) and to
 * draw a trend, with where the run came from (commit, branch, CI) and on which device.
 * Pure data, no I/O. Bump HISTORY_SCHEMA_VERSION on any incompatible change.
 */
import { z } from 'zod';
import { LIMITS, latencySummaryIssues } from '../../contract/results.ts';

/** Version of the files in a history folder. */
export const HISTORY_SCHEMA_VERSION = 1;

const latencyMs = z.number().min(0).max(LIMITS.latencyMs);
const bytes = z.number().min(0).max(LIMITS.bytes);
const fraction = z.number().min(0).max(1);

/** A time as an instant (ms since the epoch): times carry offsets (`2026-12-04T09:00:00+09:00`), so they are never ordered as strings. NaN when unparseable (the schema refuses those). */
export const instantOf = (iso: string): number => Date.parse(iso);

/** An ISO 8601 time that parses to an instant (with its offset, or Z). */
const isoTime = z.string().refine((s) => Number.isFinite(instantOf(s)), { message: 'not a date and time (ISO 8601, e.g. 2026-12-04T09:00:00+09:00)' });

/** Where the run's code came from: git, and the CI service that ran it. */
export const ProvenanceSchema = z.object({
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  /** Uncommitted changes in the work tree when the run was recorded; null when git could not tell. */
  dirty: z.boolean().nullable(),
  /** Commit time (ISO), else the run's start. */
  time: isoTime,
  /** The CI service ('github-actions', 'gitlab-ci', 'buildkite', 'circleci', 'jenkins', 'azure-pipelines', 'ci'), or null for a local run. */
  ci: z.string().nullable(),
  /** A link to the CI run (or the report), where one is known. */
  url: z.string().nullable(),
  /** The pull or merge request number, where the CI says so. */
  pullRequest: z.string().nullable(),
});

/** One job of a recorded run. */
export const HistoryJobSchema = z
  .object({
    id: z.string(),
    target: z.string(),
    impl: z.string(),
    backend: z.string(),
    alpha: z.number().positive(),
    resolution: z.number().int().positive(),
    precision: z.string(),
    /** Sampling mode: a sustained job ran the device hot for minutes, an ordinary one did not; never pooled or judged together. Absent in older entries: ordinary. */
    sampling: z.enum(['ordinary', 'sustained']).default('ordinary'),
    /** Threads asked for, and the weights' source: like compare, runs that differ in them are not judged against each other. Absent in older entries. */
    threads: z.number().int().min(0).nullable().optional(),
    weightsSource: z.string().optional(),
    status: z.enum(['ok', 'invalid', 'failed', 'skipped']),
    /** Fingerprint of the device that ran it (the host, or the phone/board it reported). */
    device: z.string(),
    medianMs: latencyMs.nullable(),
    ci95Ms: z.tuple([latencyMs, latencyMs]).nullable(),
    samples: z.number().int().min(0).max(LIMITS.count),
    /** With repeats: each process's median, in order. */
    processMediansMs: z.array(latencyMs).optional(),
    /** Precision the median reached: half-width of its 95 % CI ÷ median. */
    relativeHalfWidth: z.number().min(0).nullable(),
    peakRssBytes: bytes.nullable(),
    top1: fraction.nullable(),
    agreementTop1: fraction.nullable(),
  })
  .superRefine((j, ctx) => {
    // The results schema's own rule: a history entry holds no number a results line could not.
    for (const issue of latencySummaryIssues(j)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

/** One file of a history folder. */
export const HistoryEntrySchema = z.object({
  schemaVersion: z.literal(HISTORY_SCHEMA_VERSION),
  kind: z.literal('mobilenet-bench-history'),
  /** runId and a hash of the run's files: the same run added twice has the same id. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .max(120),
  runId: z.string(),
  startedAt: isoTime,
  recordedAt: isoTime,
  source: ProvenanceSchema,
  /** Fingerprint of the host that ran the run. */
  device: z.string(),
  environment: z.object({
    harnessVersion: z.string(),
    nodeVersion: z.string(),
    cpuModel: z.string(),
    cores: z.number().int().min(0),
    os: z.string(),
    arch: z.string(),
    packages: z.record(z.string(), z.string()),
  }),
  jobs: z.array(HistoryJobSchema),
});

export type Provenance = z.infer<typeof ProvenanceSchema>;
export type HistoryJob = z.infer<typeof HistoryJobSchema>;
/** A job as summarize writes it (sampling may be left out by older writers). */
export type HistoryJobInput = z.input<typeof HistoryJobSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
