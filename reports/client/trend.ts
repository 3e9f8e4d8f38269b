/**
 * The trend page's script (transpiled and inlined by reports/trend.ts): one line chart per job
 * (median and its 95 % CI band over runs, change points marked), the filters, and clicks on a
 * point that open its run's page. It reads only the page; it never fetches anything.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- Chart.js comes in as a UMD global. */
declare const Chart: any;

import type { TrendChange, TrendPoint, TrendSeries } from '../../contract/trend-series.ts';

/** What the page's JSON block holds of each series (the page embeds TrendSeries). */
type Point = TrendPoint;
type Series = Pick<TrendSeries, 'key' | 'id'> & { points: Point[]; changes: Pick<TrendChange, 'index' | 'step'>[] };

const data = JSON.parse((document.getElementById('trend-data') as HTMLElement).textContent ?? '{}') as { series: Series[] };

/** Vertical dashed lines at change points. */
const changeLines = {
  id: 'changeLines',
  afterDatasetsDraw(chart: any) {
    const s: Series | undefined = chart.$series;
    if (!s) return;
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    ctx.strokeStyle = '#c0392b';
    ctx.setLineDash([4, 3]);
    for (const c of s.changes) {
      const x = (scales.x.getPixelForValue(c.index - 1) + scales.x.getPixelForValue(c.index)) / 2;
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
    }
    ctx.restore();
  },
};

function draw(canvas: HTMLCanvasElement, s: Series): void {
  const labels = s.points.map((p) => (p.commit ? p.commit.slice(0, 8) : p.time.slice(0, 16)));
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: 'CI high',
          data: s.points.map((p) => p.ci95Ms?.[1] ?? p.medianMs),
          borderWidth: 0,
          pointRadius: 0,
          fill: '+1',
          backgroundColor: 'rgba(0,114,178,0.15)',
        },
        { label: 'CI low', data: s.points.map((p) => p.ci95Ms?.[0] ?? p.medianMs), borderWidth: 0, pointRadius: 0, fill: false },
        { label: 'median (ms)', data: s.points.map((p) => p.medianMs), borderColor: '#0072b2', backgroundColor: '#0072b2', pointRadius: 3, tension: 0 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: { filter: (i: any) => i.datasetIndex === 2, callbacks: { afterLabel: (i: any) => `run ${s.points[i.dataIndex].runId}` } },
      },
      scales: { y: { title: { display: true, text: 'median latency (ms)' } }, x: { title: { display: true, text: 'commit' } } },
      onClick: (_e: any, items: any[]) => {
        const p = items.length ? s.points[items[0].index] : undefined;
        if (p?.url) window.location.href = p.url;
      },
    },
    plugins: [changeLines],
  });
  chart.$series = s;
  chart.update();
}

// Canvases name their series by index: series keys hold characters an attribute cannot carry.
for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-series]'))) {
  const s = data.series[Number(canvas.dataset.series)];
  if (s) draw(canvas, s);
}

/** Filters: a card stays visible when every select matches its data attribute (or is "all"). */
const selects = Array.from(document.querySelectorAll<HTMLSelectElement>('select[data-filter]'));
function applyFilters(): void {
  for (const card of Array.from(document.querySelectorAll<HTMLElement>('.series'))) {
    card.hidden = !selects.every((sel) => sel.value === '' || card.dataset[sel.dataset.filter ?? ''] === sel.value);
  }
}
for (const sel of selects) sel.addEventListener('change', applyFilters);
document.documentElement.dataset.chartsDrawn = String(data.series.length);
