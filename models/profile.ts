/**
 * What a runtime's own profiler tells about a few inferences, before any summary: each
 * inference's wall time and the ops the runtime ran, each already mapped (or not) onto a
 * layer of models/spec.ts by the runtime module that knows its op names. The probe turns
 * this into the `profile` result field and a trace file (harness/probe/profile.ts).
 */

/** One op (kernel, node) the runtime ran during one inference. */
export interface ProfiledOp {
  /** The runtime's own name for it (ORT node name, tfjs kernel name, reference layer name). */
  name: string;
  /** Its op type (Conv, FusedConv2D, …). */
  op: string;
  /** Start, milliseconds after the inference started (see RuntimeProfile.startTimes). */
  startMs: number;
  durMs: number;
  /** The spec layer this op belongs to (conv0, dw1, …, pool, fc), or undefined: its time counts as `other`. */
  layer?: string;
  /** How it maps when not one-to-one, e.g. "Conv + Clip fused by ORT (FusedConv)". */
  mapping?: string;
}

/** One profiled inference. */
export interface ProfiledInference {
  /** Wall time of the whole inference as the caller saw it. */
  wallMs: number;
  ops: ProfiledOp[];
}

/** What one runtime's profiler gave, or why it gave nothing. */
export type RuntimeProfile =
  | {
      available: true;
      /** Which profiler the numbers came from, in words. */
      source: string;
      /** 'measured': op start times come from the profiler; 'sequential': the profiler gives durations only, starts are laid end to end. */
      startTimes: 'measured' | 'sequential';
      inferences: ProfiledInference[];
      /** Anything a reader of the numbers should know. */
      notes?: string[];
    }
  | { available: false; source: string; unavailable: string };

/** Options of a profiling pass. */
export interface ProfileOptions {
  /** Profiled inferences whose medians are reported (after one unrecorded warm-up inference). */
  inferences: number;
  /** Monotonic clock in milliseconds. */
  now: () => number;
}
