/** Per target: peak RSS per variant (with its source) and every other memory figure in a table. */
import type { JobResult } from '../../contract/results.ts';
import { fmtMiB, isNum } from '../../contract/format.ts';
import { compareVariants, groupKey, mib, precisionLabel, variantOf } from '../data.ts';
import { html } from '../escape.ts';
import type { TargetContext, TargetSection } from '../section.ts';
import { sortableTable, type Column } from '../table.ts';
import { colorOf, jobsOf, NOTHING_OK } from './shared.ts';

function memoryHtml({ view, sink }: TargetContext) {
  if (!view.ok.length) return NOTHING_OK();
  const variants = [...new Map(view.ok.sort(compareVariants).map((r) => [variantOf(r), r])).keys()];
  const withRss = view.ok.some((r) => isNum(r.memory?.peakRssBytes));
  const sources = [...new Set(view.ok.map((r) => r.memory?.peakRssSource).filter((s): s is string => Boolean(s)))];
  const chart = withRss
    ? sink.add(
        {
          kind: 'bars',
          labels: variants,
          yTitle: 'peak resident set size (MiB)',
          series: view.groups
            .filter((g) => jobsOf(view, g).length)
            .map((g) => ({
              label: g.label,
              color: colorOf(g),
              values: variants.map((v) => {
                const r = view.ok.find((x) => groupKey(x) === g.key && variantOf(x) === v);
                return isNum(r?.memory?.peakRssBytes) ? mib(r!.memory!.peakRssBytes!) : null;
              }),
            })),
        },
        `Peak resident memory per variant on ${view.name}`,
        'chart mid',
      )
    : html`<p class="notice">This target reported no peak RSS.</p>`;
  const extraKeys = [...new Set(view.ok.flatMap((r) => Object.keys(r.memory?.extra ?? {})))];
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    { key: 'peakRss', title: 'peak RSS', unit: 'MiB', value: (r) => r.memory?.peakRssBytes, cell: (r) => fmtMiB(r.memory?.peakRssBytes) },
    { key: 'heapUsed', title: 'JS heap used', unit: 'MiB', value: (r) => r.memory?.jsHeapUsedBytes, cell: (r) => fmtMiB(r.memory?.jsHeapUsedBytes) },
    { key: 'heapTotal', title: 'JS heap total', unit: 'MiB', value: (r) => r.memory?.jsHeapTotalBytes, cell: (r) => fmtMiB(r.memory?.jsHeapTotalBytes) },
    { key: 'external', title: 'external', unit: 'MiB', value: (r) => r.memory?.externalBytes, cell: (r) => fmtMiB(r.memory?.externalBytes) },
    { key: 'arrayBuffers', title: 'ArrayBuffers', unit: 'MiB', value: (r) => r.memory?.arrayBuffersBytes, cell: (r) => fmtMiB(r.memory?.arrayBuffersBytes) },
    { key: 'wasm', title: 'WASM memory', unit: 'MiB', value: (r) => r.memory?.wasmMemoryBytes, cell: (r) => fmtMiB(r.memory?.wasmMemoryBytes) },
    { key: 'tfjs', title: 'tf.memory()', unit: 'MiB', value: (r) => r.memory?.tfjs?.numBytes, cell: (r) => fmtMiB(r.memory?.tfjs?.numBytes) },
    ...extraKeys.map(
      (k): Column<JobResult> => ({ key: `extra-${k}`, title: k, unit: 'MiB', value: (r) => r.memory?.extra?.[k], cell: (r) => fmtMiB(r.memory?.extra?.[k]) }),
    ),
  ];
  return html`${chart}
    <p class="caption">Peak RSS: ${sources.length ? sources.join('; ') : 'source not reported'}. The other figures are read after the timed samples; each measures only what its name says, and none stands in for another.</p>
    <details><summary>All memory figures (${view.ok.length} jobs)</summary>${sortableTable(cols, view.ok, { jobOf: (r) => r.id })}</details>`;
}

export const memorySection: TargetSection = { id: 'memory', title: 'Memory', scope: 'target', html: memoryHtml };
