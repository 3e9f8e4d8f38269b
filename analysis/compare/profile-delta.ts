/**
 * Per-layer deltas between two profiled runs of a job, so that a regression is located, not
 * only detected: each spec layer's median profiled time before and after, and the layers
 * that carry the change in the direction the whole job moved. Profiles are medians over a
 * few inferences without a significance test: they say *where*, the latency test says *whether*.
 */
import type { Profile } from '../../contract/profile-schema.ts';
import type { JobResult } from '../../contract/results.ts';

/** One layer's profiled time in both runs. */
export interface LayerDelta {
  layer: string;
  kind: string;
  baselineMs: number;
  currentMs: number;
  /** current − baseline, milliseconds. */
  deltaMs: number;
  /** current / baseline (null when the baseline time is 0). */
  ratio: number | null;
}

/** Per-layer comparison of one job's profiles. */
export interface ProfileComparison {
  /** Both profilers, when they differ the deltas mean little (and a warning says so). */
  baselineSource: string;
  currentSource: string;
  /** Summed layer time (layers + other) before and after, milliseconds. */
  baselineMs: number;
  currentMs: number;
  /** Every layer timed in both runs, in network order (`other` last). */
  layers: LayerDelta[];
  /** Up to 3 layers that carry most of the change, largest first, in the direction of the total change. */
  located: LayerDelta[];
  /** The located layers in words, e.g. "pw5 +15.1 ms (×16.2, 97 % of the change)". */
  summary: string;
}

const MAX_LOCATED = 3;
/** A located layer carries at least this share of the total change. */
const MIN_SHARE = 0.1;

const fmt = (ms: number) => `${ms >= 0 ? '+' : ''}${ms >= 10 || ms <= -10 ? ms.toFixed(1) : ms.toFixed(2)} ms`;

/** Compare two available profiles layer by layer. */
export function compareProfiles(baseline: Profile, current: Profile): ProfileComparison {
  const before = new Map(baseline.layers.map((l) => [l.name, l]));
  const layers: LayerDelta[] = [];
  for (const c of current.layers) {
    const b = before.get(c.name);
    if (!b || b.ms === null || c.ms === null) continue;
    layers.push({ layer: c.name, kind: c.kind, baselineMs: b.ms, currentMs: c.ms, deltaMs: c.ms - b.ms, ratio: b.ms > 0 ? c.ms / b.ms : null });
  }
  const baselineMs = layers.reduce((s, l) => s + l.baselineMs, 0);
  const currentMs = layers.reduce((s, l) => s + l.currentMs, 0);
  const total = currentMs - baselineMs;
  const sign = Math.sign(total) || 1;
  const located = layers
    .filter((l) => Math.sign(l.deltaMs) === sign && Math.abs(total) > 0 && l.deltaMs / total >= MIN_SHARE)
    .sort((a, b) => Math.abs(b.deltaMs) - Math.abs(a.deltaMs))
    .slice(0, MAX_LOCATED);
  const describe = (l: LayerDelta) =>
    `${l.layer} ${fmt(l.deltaMs)} (${l.ratio === null ? 'from 0' : `×${l.ratio.toFixed(2)}`}, ${Math.round((l.deltaMs / total) * 100)} % of the change)`;
  const summary = located.length
    ? `layers ${fmt(total)} in all; ${located.map(describe).join('; ')}`
    : `layers ${fmt(total)} in all, spread over the network (no layer carries ${Math.round(MIN_SHARE * 100)} % of it)`;
  return { baselineSource: baseline.source, currentSource: current.source, baselineMs, currentMs, layers, located, summary };
}

/** The per-layer comparison of a job when both runs profiled it, else null. */
export function profileDeltaOf(baseline: JobResult | null, current: JobResult | null): ProfileComparison | null {
  const b = baseline?.profile;
  const c = current?.profile;
  return b?.available && c?.available ? compareProfiles(b, c) : null;
}
