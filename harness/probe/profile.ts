/**
 * The profiling pass of a job (runs inside the target, after the timed samples and the
 * accuracy pass, so it touches no latency or memory figure): ask the runtime's own profiler
 * for a few inferences, then summarize per spec layer (median ms, analytic MACs, GMAC/s),
 * keep what no layer owns as `other`, and build Chrome trace events for the harness to write.
 */
import type { LoadedModel } from '../../models/runtime.ts';
import type { ProfiledInference, RuntimeProfile } from '../../models/profile.ts';
import type { LayerKind, NetworkSpec } from '../../models/spec.ts';
import type { Profile, ProfileLayer } from '../../contract/profile-schema.ts';
import { median } from '../../contract/stats/describe.ts';
import { layerBytes } from '../../models/traffic.ts';
import type { Precision } from '../../models/weights/canonical.ts';

/** Profiled inferences when the config says only `profile: true`. */
export const DEFAULT_PROFILE_INFERENCES = 5;

/** Spec kind → profile kind (the spec's global average pool is the profile's `pool`). */
const KIND: Record<LayerKind, ProfileLayer['kind']> = { conv: 'conv', depthwise: 'depthwise', pointwise: 'pointwise', avgpool: 'pool', fc: 'fc' };

/** One trace event (Chrome trace-event format: 'X' complete events and 'M' metadata, times in µs). */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

/** A profile that could not be taken, with the reason. */
function unavailableProfile(source: string, reason: string): Profile {
  return {
    available: false,
    source,
    unavailable: reason,
    inferences: 0,
    wallMs: null,
    layersMs: null,
    otherMs: null,
    unattributedMs: null,
    mappedLayers: 0,
    layers: [],
    trace: null,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Summarize what a runtime's profiler gave into the result's `profile` (with trace events in transit). */
export function summarizeProfile(raw: RuntimeProfile, spec: NetworkSpec, jobId: string, precision: Precision = 'float32'): Profile {
  if (!raw.available) return unavailableProfile(raw.source, raw.unavailable);
  const runs = raw.inferences;
  if (runs.length === 0) return unavailableProfile(raw.source, 'the profiler recorded no inference');
  const known = new Set(spec.layers.map((l) => l.name));
  const perRun = (pick: (inf: ProfiledInference) => number) => median(runs.map(pick));
  const layers: ProfileLayer[] = spec.layers.map((l) => {
    const mapped = runs.flatMap((r) => r.ops.filter((o) => o.layer === l.name));
    const ms = mapped.length ? perRun((r) => sum(r.ops.filter((o) => o.layer === l.name).map((o) => o.durMs))) : null;
    const mapping = [...new Set(mapped.map((o) => o.mapping).filter((m): m is string => Boolean(m)))].join('; ');
    return {
      name: l.name,
      kind: KIND[l.kind],
      ms,
      macs: l.macs,
      gmacPerSecond: ms !== null && ms > 0 ? l.macs / (ms * 1e6) : null,
      bytes: layerBytes(l, precision),
      ops: [...new Set(mapped.map((o) => `${o.name} (${o.op})`))],
      ...(mapping ? { mapping } : {}),
    };
  });
  const isOther = (layer: string | undefined) => layer === undefined || !known.has(layer);
  const others = runs.flatMap((r) => r.ops.filter((o) => isOther(o.layer)));
  const otherMs = perRun((r) => sum(r.ops.filter((o) => isOther(o.layer)).map((o) => o.durMs)));
  layers.push({ name: 'other', kind: 'other', ms: otherMs, macs: 0, gmacPerSecond: null, ops: [...new Set(others.map((o) => `${o.name} (${o.op})`))] });
  return {
    available: true,
    source: raw.source,
    inferences: runs.length,
    startTimes: raw.startTimes,
    wallMs: perRun((r) => r.wallMs),
    layersMs: perRun((r) => sum(r.ops.filter((o) => !isOther(o.layer)).map((o) => o.durMs))),
    otherMs,
    unattributedMs: perRun((r) => r.wallMs - sum(r.ops.map((o) => o.durMs))),
    mappedLayers: layers.filter((l) => l.kind !== 'other' && l.ms !== null).length,
    layers,
    ...(raw.notes?.length ? { notes: raw.notes } : {}),
    trace: null,
    traceEvents: traceEvents(raw, spec, jobId),
  };
}

/** Gap between inferences laid end to end in the trace, milliseconds. */
const TRACE_GAP_MS = 1;

/** Chrome trace events: one row with each inference's wall time, one with the runtime's ops, each op tagged with its layer. */
export function traceEvents(raw: Extract<RuntimeProfile, { available: true }>, spec: NetworkSpec, jobId: string): TraceEvent[] {
  const byName = new Map(spec.layers.map((l) => [l.name, l]));
  const us = (ms: number) => Math.round(ms * 1000 * 1000) / 1000;
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: jobId } },
    { name: 'thread_name', ph: 'M', pid: 1, tid: 1, args: { name: 'inference (wall time)' } },
    {
      name: 'thread_name',
      ph: 'M',
      pid: 1,
      tid: 2,
      args: { name: `ops (${raw.startTimes === 'measured' ? 'start times from the profiler' : 'durations from the profiler, laid end to end'})` },
    },
  ];
  let base = 0;
  raw.inferences.forEach((inf, i) => {
    events.push({ name: `inference ${i + 1}`, cat: 'inference', ph: 'X', pid: 1, tid: 1, ts: us(base), dur: us(inf.wallMs) });
    for (const op of inf.ops) {
      const layer = op.layer ? byName.get(op.layer) : undefined;
      events.push({
        name: layer ? `${layer.name}: ${op.name}` : op.name,
        cat: layer ? KIND[layer.kind] : 'other',
        ph: 'X',
        pid: 1,
        tid: 2,
        ts: us(base + op.startMs),
        dur: us(op.durMs),
        args: { op: op.op, layer: layer?.name ?? 'other', macs: layer?.macs ?? 0, ...(op.mapping ? { mapping: op.mapping } : {}) },
      });
    }
    base += inf.wallMs + TRACE_GAP_MS;
  });
  return events;
}

/** Run the profiling pass for a model; never throws (a profiler that fails gives an unavailable profile with the reason). */
export async function profileModel(
  model: LoadedModel,
  input: Float32Array,
  spec: NetworkSpec,
  jobId: string,
  inferences: number,
  now: () => number,
  precision: Precision = 'float32',
): Promise<Profile> {
  const impl = model.effective();
  const name = `${impl.impl}:${impl.backend}`;
  if (!model.profile) return unavailableProfile(name, `${name} has no profiler wired into mobilenet-bench`);
  try {
    return summarizeProfile(await model.profile(input, { inferences, now }), spec, jobId, precision);
  } catch (e) {
    return unavailableProfile(name, `the profiling pass failed: ${(e as Error)?.message ?? String(e)}`);
  }
}
