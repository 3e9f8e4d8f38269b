/**
 * float32 against uint8, per runtime and variant: what quantization buys in latency (the speed-up,
 * measured in the same run) and costs in top-1, beside TF-slim's published float and uint8 top-1.
 * Rows pair each uint8 job (integer kernels, or dequantized where a runtime has none) with the same
 * runtime's float32 job of the same variant; the float row from the TF-slim .tflite (the same
 * training as the uint8 file) is preferred where the run has one.
 */
import type { JobResult } from '../../contract/results.ts';
import { PUBLISHED_ACCURACY } from '../../models/published.ts';
import { compareVariants, precisionLabel, variantOf, weightsFormat, type TargetView } from '../data.ts';
import { escapeMarkdownCell as cell, html, type SafeHtml } from '../escape.ts';
import { markdownRow as row } from '../markdown-table.ts';
import type { TargetSection } from '../section.ts';
import { fmtMs, fmtNum, fmtPct } from '../../contract/format.ts';
import { sortableTable, type Column } from '../table.ts';

/** One uint8 job beside its float32 twin. */
export interface QuantizationPair {
  runtime: string;
  variant: string;
  uint8: JobResult;
  float: JobResult | null;
  /** float median / uint8 median (> 1: uint8 is faster). */
  speedup: number | null;
  /** uint8 top-1 − float top-1, in percentage points. */
  top1CostPoints: number | null;
  /** Top-1 agreement with the integer reference in TFLite's own arithmetic (the reference's uint8 row), same images. */
  tfliteAgreement: number | null;
  /** uint8 top-1 − the dequantized path's top-1 (any runtime's uint8-dequantized row of the variant), in points. */
  vsDequantizedPoints: number | null;
}

/** `ort-web:wasm@2`, `reference`. */
export function runtimeOf(r: JobResult): string {
  return `${r.impl}${r.impl === 'reference' ? '' : `:${r.backend}`}${r.threads === null ? '' : `@${r.threads}`}`;
}

function sameImagesAgreement(a: JobResult, b: JobResult): number | null {
  const pa = a.accuracy?.predictions,
    pb = b.accuracy?.predictions;
  if (!pa || !pb || pa.length !== pb.length || pa.length === 0) return null;
  let same = 0;
  for (let i = 0; i < pa.length; i++) if (pa[i] === pb[i]) same++;
  return same / pa.length;
}

/** Every uint8 job of a target that finished ok, with its float twin and the derived figures. */
export function quantizationPairs(view: TargetView): QuantizationPair[] {
  const uint8 = view.ok.filter((r) => r.precision !== 'float32').sort(compareVariants);
  return uint8.map((u) => {
    const twins = view.ok.filter((r) => r.precision === 'float32' && runtimeOf(r) === runtimeOf(u) && variantOf(r) === variantOf(u));
    const float = twins.find((r) => weightsFormat(r) === 'tflite') ?? twins[0] ?? null;
    const top1 = (r: JobResult | null) => r?.accuracy?.top1 ?? null;
    const reference = view.ok.find((r) => r.impl === 'reference' && r.precision === 'uint8' && variantOf(r) === variantOf(u));
    const dequantized = view.ok.find((r) => r.precision === 'uint8-dequantized' && variantOf(r) === variantOf(u) && r.id !== u.id);
    const ut = top1(u),
      ft = top1(float),
      dt = top1(dequantized ?? null);
    return {
      runtime: runtimeOf(u),
      variant: variantOf(u),
      uint8: u,
      float,
      speedup: float?.latency && u.latency ? float.latency.medianMs / u.latency.medianMs : null,
      top1CostPoints: ut !== null && ft !== null ? (ut - ft) * 100 : null,
      tfliteAgreement: reference && u.precision === 'uint8' && reference.id !== u.id ? sameImagesAgreement(u, reference) : null,
      vsDequantizedPoints: ut !== null && dt !== null ? (ut - dt) * 100 : null,
    };
  });
}

const signed = (v: number | null, digits = 1) => (v === null ? '–' : `${v > 0 ? '+' : ''}${v.toFixed(digits)}`);

/** The section's body, or null when the target ran no uint8 job. */
export function quantizationHtml(view: TargetView): SafeHtml | null {
  const pairs = quantizationPairs(view);
  if (pairs.length === 0) return null;
  const published = (p: QuantizationPair) => PUBLISHED_ACCURACY[p.variant] ?? null;
  const columns: Column<QuantizationPair>[] = [
    { key: 'runtime', title: 'runtime', cell: (p) => html`<code>${p.runtime}</code>` },
    { key: 'variant', title: 'variant', cell: (p) => p.variant },
    { key: 'kernels', title: 'uint8 runs on', cell: (p) => precisionLabel(p.uint8.precision) },
    {
      key: 'float-ms',
      title: 'float32 median',
      unit: 'ms',
      value: (p) => p.float?.latency?.medianMs,
      cell: (p) => (p.float ? html`${fmtMs(p.float.latency!.medianMs)} <span class="muted small">${weightsFormat(p.float)}</span>` : '–'),
    },
    { key: 'uint8-ms', title: 'uint8 median', unit: 'ms', value: (p) => p.uint8.latency?.medianMs, cell: (p) => fmtMs(p.uint8.latency?.medianMs) },
    { key: 'speedup', title: 'speed-up', unit: 'float ÷ uint8', value: (p) => p.speedup, cell: (p) => (p.speedup === null ? '–' : `${fmtNum(p.speedup)}×`) },
    { key: 'float-top1', title: 'float32 top-1', value: (p) => p.float?.accuracy?.top1, cell: (p) => fmtPct(p.float?.accuracy?.top1) },
    { key: 'uint8-top1', title: 'uint8 top-1', value: (p) => p.uint8.accuracy?.top1, cell: (p) => fmtPct(p.uint8.accuracy?.top1) },
    { key: 'cost', title: 'top-1 cost', unit: 'points', value: (p) => p.top1CostPoints, cell: (p) => signed(p.top1CostPoints) },
    {
      key: 'published',
      title: 'published float → uint8',
      unit: 'top-1 %',
      cell: (p) => {
        const a = published(p);
        return a ? `${a.float.top1} → ${a.uint8.top1} (${signed(a.uint8.top1 - a.float.top1)})` : '–';
      },
    },
    { key: 'vs-dequantized', title: 'vs dequantized', unit: 'points', value: (p) => p.vsDequantizedPoints, cell: (p) => signed(p.vsDequantizedPoints) },
    { key: 'tflite-agreement', title: 'agrees with TFLite arithmetic', unit: 'top-1', value: (p) => p.tfliteAgreement, cell: (p) => fmtPct(p.tfliteAgreement) },
  ];
  const table = sortableTable(columns, pairs, { jobOf: (p) => p.uint8.id });
  return html`${table}
    <p class="caption">Each uint8 job beside the same runtime's float32 job of the variant, both measured in this run. <strong>speed-up</strong> = float32 median ÷ uint8 median (above 1: uint8 is faster). <strong>top-1 cost</strong> = uint8 − float32 top-1 on this run's images; the float row comes from the TF-slim <code>.tflite</code> where the run has it (the same training as the uint8 file), else from the Keras/tfjs model, a different training, which the weights label says. <strong>published</strong>: TF-slim's table (full ILSVRC-2012 validation set); this eval set is easier, so compare the differences, not the levels. <strong>vs dequantized</strong>: uint8 − the dequantized path's top-1 (float kernels on the same uint8 weights), where the run has such a row. <strong>agrees with TFLite arithmetic</strong>: same top-1 as the integer reference in TFLite's fixed-point (gemmlowp) requantization on the same images; ORT and LiteRT.js round once in float32 instead, and are checked bit for bit in that arithmetic (their agreement column in the job table).</p>`;
}

/** float32 vs uint8 per runtime in Markdown, when the target ran uint8 jobs. */
function quantizationMarkdownLines(t: TargetView): string[] {
  const pairs = quantizationPairs(t);
  if (!pairs.length) return [];
  const signed = (v: number | null) => (v === null ? '–' : `${v > 0 ? '+' : ''}${v.toFixed(1)}`);
  const lines = [
    '',
    '#### float32 vs uint8',
    '',
    row(['runtime', 'variant', 'uint8 runs on', 'float ms', 'uint8 ms', 'speed-up', 'float top-1', 'uint8 top-1', 'cost (pts)', 'published float → uint8']),
    row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const p of pairs) {
    const pub = PUBLISHED_ACCURACY[p.variant];
    lines.push(
      row([
        cell(p.runtime),
        cell(p.variant),
        cell(precisionLabel(p.uint8.precision)),
        fmtMs(p.float?.latency?.medianMs),
        fmtMs(p.uint8.latency?.medianMs),
        p.speedup === null ? '–' : `${fmtNum(p.speedup, 2)}×`,
        fmtPct(p.float?.accuracy?.top1),
        fmtPct(p.uint8.accuracy?.top1),
        signed(p.top1CostPoints),
        pub ? `${pub.float.top1} → ${pub.uint8.top1}` : '–',
      ]),
    );
  }
  return lines;
}

/** Shown only on targets that ran uint8 jobs. */
export const quantizationSection: TargetSection = {
  id: 'quantization',
  title: 'float32 vs uint8',
  scope: 'target',
  html: ({ view }) => (view.ok.some((r) => r.precision !== 'float32') ? (quantizationHtml(view) ?? html``) : null),
  markdown: ({ view }) => quantizationMarkdownLines(view),
};
