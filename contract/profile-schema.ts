/**
 * The `profile` field of a job result (schema only, no I/O; results.ts includes it): where
 * one job's inference time went, layer by layer, from the runtime's own profiler, against the
 * analytic cost of each layer (models/spec.ts).
 */
import { z } from 'zod';

const num = z.number();
const nullableNum = num.nullable();

/** Layer kinds of a profile: the spec's kinds (its `avgpool` is `pool`), plus `other` for time no layer owns. */
export const PROFILE_KINDS = ['conv', 'depthwise', 'pointwise', 'pool', 'fc', 'softmax', 'other'] as const;

/** One network layer (or the `other` row) of a profile. */
export const ProfileLayerSchema = z.object({
  /** Spec layer name (conv0, dw1, pw1, …, pool, fc), or `other`. */
  name: z.string(),
  kind: z.enum(PROFILE_KINDS),
  /** Median over the profiled inferences of the time of the ops mapped to it; null when no op was. */
  ms: nullableNum,
  /** Analytic multiply-accumulates of the layer (0 for `other`). */
  macs: num,
  /** macs / ms; null without a time or MACs. */
  gmacPerSecond: nullableNum,
  /** Bytes the layer must move at the job's precision (models/traffic.ts); absent for `other` and in older files. */
  bytes: num.min(0).optional(),
  /** The runtime's ops mapped onto it, `name (op type)`. */
  ops: z.array(z.string()),
  /** How the ops map when not one to one (fused with the ReLU6, split in several kernels, …). */
  mapping: z.string().optional(),
});

/** Per-layer profile of one job, from a pass after the timed samples (it never touches `latency`). */
export const ProfileSchema = z.object({
  /** False when the runtime or backend cannot profile; `unavailable` says why, and there are no layers. */
  available: z.boolean(),
  /** Which profiler the numbers came from. */
  source: z.string(),
  unavailable: z.string().optional(),
  /** Profiled inferences behind each median (after one unrecorded warm-up). */
  inferences: num.int(),
  /** 'measured': op start times from the profiler; 'sequential': durations only, laid end to end in the trace. */
  startTimes: z.enum(['measured', 'sequential']).optional(),
  /** Median wall time of a profiled inference (profiling overhead included). */
  wallMs: nullableNum,
  /** Median over inferences of the summed time of the ops mapped onto spec layers. */
  layersMs: nullableNum,
  /** Median over inferences of the summed time of ops mapped to no layer (the `other` row). */
  otherMs: nullableNum,
  /** Median over inferences of wall time minus all op time: dispatch, input/output copies, glue outside any op. */
  unattributedMs: nullableNum,
  /** Spec layers with at least one op mapped onto them (28 when all are). */
  mappedLayers: num.int(),
  /** The spec's layers in network order, then `other`. */
  layers: z.array(ProfileLayerSchema),
  notes: z.array(z.string()).optional(),
  /** Chrome trace-event JSON file of the profiled inferences, relative to the run folder (Perfetto, chrome://tracing). */
  trace: z.string().nullable(),
  /** In transit only: trace events from the probe, which the harness writes to `trace` and drops before the line is stored. */
  traceEvents: z.array(z.unknown()).optional(),
});

export type Profile = z.infer<typeof ProfileSchema>;
export type ProfileLayer = z.infer<typeof ProfileLayerSchema>;
