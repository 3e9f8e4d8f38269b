/**
 * The site's charts as data: accuracy against latency per device (measured, with the latency's
 * bootstrap CI and top-1's Wilson interval, beside MLPerf's published points and TF-slim's
 * published top-1 lines), and latency against MACs over every device (beside the TFLite page's
 * phone latencies and MLPerf's). Published series are hollow and labelled "published".
 */
import { mobilenetV1 } from '../../models/spec.ts';
import {
  MLPERF_V5_POINTS,
  MLPERF_V5_SOURCE,
  PUBLISHED_ACCURACY,
  TF_SLIM_SOURCE,
  TFLITE_BENCHMARKS_SOURCE,
  TFLITE_PHONE_LATENCIES,
} from '../../models/published.ts';
import type { JobResult } from '../../contract/results.ts';
import { fmtMs, fmtPct } from '../../contract/format.ts';
import { GROUP_COLORS } from '../palette.ts';
import { groupKey, precisionLabel, variantOf, wilsonInterval } from '../data.ts';
import type { SiteDevice, SiteModel } from './model.ts';
import type { ScatterSpec, SvgSeries } from './svg.ts';

/** Published marks: grey and vermilion-free, so they never read as one of the measured colours. */
const PUBLISHED_COLORS = ['#555555', '#8c6d31', '#6b4c9a'] as const;
const SHAPES: SvgSeries['shape'][] = ['circle', 'square', 'triangle', 'diamond'];

const macsOf = (variant: string) => {
  const [a, r] = variant.split('_').map(Number);
  return mobilenetV1(a, r).macs;
};

/** The measured point of a job (median with CI; top-1 with Wilson interval when there is one). */
function jobLabel(device: string, r: JobResult): string {
  const ci = r.latency!.ci95Ms;
  return `${device} · ${r.impl} ${r.backend} · ${variantOf(r)} ${precisionLabel(r.precision)}: median ${fmtMs(r.latency!.medianMs)} ms (95 % CI ${fmtMs(ci[0])}–${fmtMs(ci[1])})${r.accuracy?.top1 != null ? `, top-1 ${fmtPct(r.accuracy.top1)} on ${r.accuracy.n} images` : ''}`;
}

const emulatedTag = (d: SiteDevice) => (d.emulated ? ' (emulated)' : '');

/** Accuracy against median latency on one device. */
export function accuracyChart(device: SiteDevice): ScatterSpec {
  const groups = device.view.groups;
  const series: SvgSeries[] = groups
    .map(
      (g, i): SvgSeries => ({
        label: `${g.label}${emulatedTag(device)}`,
        color: GROUP_COLORS[g.colorIndex % GROUP_COLORS.length],
        shape: SHAPES[i % SHAPES.length],
        kind: 'measured',
        points: device.view.withAccuracy
          .filter((r) => groupKey(r) === g.key)
          .map((r) => {
            const [lo, hi] = wilsonInterval(r.accuracy!.top1!, r.accuracy!.n);
            return {
              x: r.latency!.medianMs,
              xLo: r.latency!.ci95Ms[0],
              xHi: r.latency!.ci95Ms[1],
              y: r.accuracy!.top1!,
              yLo: lo,
              yHi: hi,
              label: jobLabel(device.view.name, r),
            };
          }),
      }),
    )
    .filter((s) => s.points.length > 0);
  const variants = [...new Set(device.view.withAccuracy.map(variantOf))].sort();
  series.push({
    label: 'MLPerf v5.0 Open, TFLite CPU (float, other hardware)',
    color: PUBLISHED_COLORS[0],
    shape: 'diamond',
    kind: 'published',
    points: MLPERF_V5_POINTS.filter((p) => variants.includes(p.variant)).map((p) => ({
      x: p.latencyMs,
      y: p.top1,
      label: `published, MLPerf v5.0 Open (GATEOverflow, TFLite CPU): ${p.variant} float, top-1 ${fmtPct(p.top1)}, ${fmtMs(p.latencyMs)} ms`,
    })),
  });
  const precisions = new Set(device.view.withAccuracy.map((r) => (r.precision === 'float32' ? 'float' : 'uint8')));
  const refLines = variants.flatMap((v) =>
    [...precisions].sort().flatMap((p) => {
      const a = PUBLISHED_ACCURACY[v]?.[p as 'float' | 'uint8'];
      return a ? [{ y: a.top1 / 100, label: `TF-slim ${v} ${p}: ${a.top1} %`, color: PUBLISHED_COLORS[1] }] : [];
    }),
  );
  return {
    id: `chart-accuracy-${device.slug}`,
    title: `Top-1 against median latency: ${device.view.name}${emulatedTag(device)}`,
    xLabel: 'median latency per inference (ms, log scale)',
    yLabel: 'top-1',
    logX: true,
    yPercent: true,
    series: series.filter((s) => s.points.length > 0),
    refLines,
    source: `Data: results.jsonl of run ${device.run.data.run.runId} (mobilenet-bench)${device.emulated ? ', on an emulated stand-in' : ''}; published: ${MLPERF_V5_SOURCE.title}; ${TF_SLIM_SOURCE.title}`,
    sourceUrls: [MLPERF_V5_SOURCE.url, TF_SLIM_SOURCE.url],
  };
}

/** Median latency against analytic MACs, every device; published phone and MLPerf latencies beside. */
export function latencyChart(model: SiteModel): ScatterSpec {
  const series: SvgSeries[] = model.devices.map((d, i) => ({
    label: `${d.view.name}${emulatedTag(d)}`,
    color: GROUP_COLORS[i % GROUP_COLORS.length],
    shape: SHAPES[i % SHAPES.length],
    kind: 'measured',
    points: d.view.ok.map((r) => ({
      x: r.analytic.macs / 1e6,
      y: r.latency!.medianMs,
      yLo: r.latency!.ci95Ms[0],
      yHi: r.latency!.ci95Ms[1],
      label: jobLabel(d.view.name, r),
    })),
  }));
  const phones = [...new Set(TFLITE_PHONE_LATENCIES.map((p) => p.device))];
  phones.forEach((phone, i) => {
    series.push({
      label: `TFLite page, ${phone}, 1.0_224`,
      color: PUBLISHED_COLORS[i % PUBLISHED_COLORS.length],
      shape: SHAPES[(i + 1) % SHAPES.length],
      kind: 'published',
      points: TFLITE_PHONE_LATENCIES.filter((p) => p.device === phone).map((p) => ({
        x: macsOf(p.variant) / 1e6,
        y: p.latencyMs,
        label: `published, TFLite performance page: ${p.device} ${p.backend}, ${p.variant} ${p.precision}: ${fmtMs(p.latencyMs)} ms`,
      })),
    });
  });
  series.push({
    label: 'MLPerf v5.0 Open, TFLite CPU (float)',
    color: PUBLISHED_COLORS[0],
    shape: 'diamond',
    kind: 'published',
    points: MLPERF_V5_POINTS.map((p) => ({
      x: macsOf(p.variant) / 1e6,
      y: p.latencyMs,
      label: `published, MLPerf v5.0 Open (GATEOverflow, TFLite CPU): ${p.variant} float, ${fmtMs(p.latencyMs)} ms`,
    })),
  });
  const emulated = model.devices.filter((d) => d.emulated).map((d) => d.view.name);
  return {
    id: 'chart-latency',
    title: 'Median latency against multiply-accumulates, every device',
    xLabel: 'analytic MACs per inference (millions, log scale)',
    yLabel: 'median latency (ms, log scale)',
    logX: true,
    logY: true,
    series: series.filter((s) => s.points.length > 0),
    source: `Data: results.jsonl of runs ${model.runs.map((r) => r.data.run.runId).join(', ')} (mobilenet-bench)${emulated.length ? `; emulated: ${emulated.join(', ')}` : ''}; published: ${TFLITE_BENCHMARKS_SOURCE.title}; ${MLPERF_V5_SOURCE.title}`,
    sourceUrls: [TFLITE_BENCHMARKS_SOURCE.url, MLPERF_V5_SOURCE.url],
  };
}
