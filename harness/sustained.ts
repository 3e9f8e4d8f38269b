/**
 * Sustained mode: latency over time in fixed windows, for devices that heat up and throttle.
 * Pure functions (no I/O, no Node imports) so the probe can run them on a page or a board.
 */
import { median } from '../contract/stats/describe.ts';

/** One window of a sustained job: samples that ended in [startMs, endMs) of sampling time. */
export interface SustainedWindow {
  startMs: number;
  endMs: number;
  samples: number;
  medianMs: number;
}

/** What a sustained job records about its latency over time (results: latency.sustained). */
export interface SustainedLatency {
  windowMs: number;
  windows: SustainedWindow[];
  /** The first window's median: the device still cool (after the warm-up). */
  coldMedianMs: number;
  /** The last window's median: the device as hot as this job made it. */
  lastMedianMs: number;
  /** lastMedianMs / coldMedianMs ("sustained / cold"): above 1 means it slowed down. */
  ratio: number;
}

/**
 * Split time-ordered samples into windows of `windowMs` by each sample's end time (ms since
 * sampling began). A window where no sample ended (one inference longer than a window) is left
 * out rather than given a made-up median. A trailing partial window shorter than half a window
 * is folded into the one before it, so the last median is not taken from a few stragglers.
 */
export function sustainedWindows(samplesMs: readonly number[], endsMs: readonly number[], windowMs: number): SustainedLatency {
  if (samplesMs.length === 0 || samplesMs.length !== endsMs.length) {
    throw new Error(`sustained windows need one end time per sample (got ${samplesMs.length} samples and ${endsMs.length} end times)`);
  }
  if (!(windowMs > 0)) throw new Error(`windowMs must be above 0 (got ${windowMs})`);
  const byWindow = new Map<number, number[]>();
  endsMs.forEach((end, i) => {
    const k = Math.floor(end / windowMs);
    const window = byWindow.get(k);
    if (window) window.push(samplesMs[i]);
    else byWindow.set(k, [samplesMs[i]]);
  });
  const lastEnd = endsMs[endsMs.length - 1];
  const keys = [...byWindow.keys()].sort((a, b) => a - b);
  const groups = keys.map((k) => ({ startMs: k * windowMs, endMs: Math.min((k + 1) * windowMs, lastEnd), samples: byWindow.get(k)! }));
  const last = groups[groups.length - 1];
  if (groups.length > 1 && last.endMs - last.startMs < windowMs / 2) {
    groups.pop();
    const previous = groups[groups.length - 1];
    previous.samples = previous.samples.concat(last.samples);
    previous.endMs = last.endMs;
  }
  const windows = groups.map((g) => ({ startMs: g.startMs, endMs: g.endMs, samples: g.samples.length, medianMs: median(g.samples) }));
  const coldMedianMs = windows[0].medianMs;
  const lastMedianMs = windows[windows.length - 1].medianMs;
  return { windowMs, windows, coldMedianMs, lastMedianMs, ratio: coldMedianMs > 0 ? lastMedianMs / coldMedianMs : 1 };
}
