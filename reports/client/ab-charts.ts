/**
 * The A/B section's script (transpiled and inlined by reports/ab-section.ts): per job a scatter of
 * B's change against A per pair over time, AB and BA apart, with the verdict's interval as a band
 * and ± the min effect as dashed lines, and a histogram per order. Reads only the page.
 */
import type { AbChartData, AbJobChart } from './ab-chart-data.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Chart.js comes in as a UMD global. */
declare const Chart: any;

const AB_COLOR = '#0072B2';
const BA_COLOR = '#E69F00';
const BAND = 'rgba(0, 158, 115, 0.18)';
const EST = '#009E73';
const INK = '#222';

const title = (text: string) => ({ display: true, text, color: INK, font: { weight: 'bold' as const } });
const pct = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`;

function timeChart(canvas: HTMLCanvasElement, j: AbJobChart) {
  const xs = [...j.ab, ...j.ba].map((p) => p.x);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const line = (y: number, label: string, color: string, dash: number[], fill: string | boolean = false) => ({
    type: 'line',
    label,
    data: [
      { x: x0, y },
      { x: x1, y },
    ],
    borderColor: color,
    backgroundColor: typeof fill === 'string' ? fill : color,
    borderDash: dash,
    borderWidth: 1.5,
    pointRadius: 0,
    fill,
  });
  const datasets: any[] = [
    { label: 'AB (A first)', data: j.ab, backgroundColor: AB_COLOR, borderColor: AB_COLOR, pointStyle: 'circle', pointRadius: 3 },
    { label: 'BA (B first)', data: j.ba, backgroundColor: BA_COLOR, borderColor: BA_COLOR, pointStyle: 'triangle', pointRadius: 3.5 },
    line(j.minEffect, `+${j.minEffect.toFixed(1)} % (min effect)`, '#888', [5, 4]),
    line(-j.minEffect, `−${j.minEffect.toFixed(1)} %`, '#888', [5, 4]),
  ];
  if (j.interval && j.estimate !== null) {
    datasets.push(line(j.interval[0], '95 % interval', EST, [], false));
    datasets.push(line(j.interval[1], '95 % interval (high)', EST, [], '-1'));
    datasets[datasets.length - 1].backgroundColor = BAND;
    datasets.push(line(j.estimate, `estimate ${pct(j.estimate)}`, EST, [], false));
  }
  return new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { labels: { filter: (item: any) => !String(item.text).includes('(high)') && !String(item.text).startsWith('−') } },
        tooltip: {
          callbacks: {
            label: (c: any) =>
              c.raw.w !== undefined ? `${c.dataset.label}: ${pct(c.raw.y)} at ${c.raw.x.toFixed(1)} s, worker pair ${c.raw.w}` : c.dataset.label,
          },
        },
      },
      scales: {
        x: { type: 'linear', title: title('seconds since the comparison started') },
        y: { title: title('B against A per pair (%)') },
      },
    },
  });
}

function distChart(canvas: HTMLCanvasElement, j: AbJobChart) {
  const labels = j.hist.ab.map((_, i) => ((j.hist.edges[i] + j.hist.edges[i + 1]) / 2).toFixed(1));
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'AB', data: j.hist.ab, backgroundColor: AB_COLOR },
        { label: 'BA', data: j.hist.ba, backgroundColor: BA_COLOR },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true, title: title('B against A per pair (%), bin centre') },
        y: { stacked: true, beginAtZero: true, title: title('pairs') },
      },
    },
  });
}

function main() {
  const block = document.getElementById('ab-data');
  if (!block) return;
  const data = JSON.parse(block.textContent ?? '{"jobs":[]}') as AbChartData;
  let drawn = 0;
  for (const j of data.jobs) {
    const t = document.getElementById(j.time) as HTMLCanvasElement | null;
    const d = document.getElementById(j.dist) as HTMLCanvasElement | null;
    if (t && j.ab.length + j.ba.length) {
      timeChart(t, j);
      drawn++;
    }
    if (d && j.hist.edges.length) {
      distChart(d, j);
      drawn++;
    }
  }
  document.documentElement.dataset.abChartsDrawn = String(drawn);
}

main();
