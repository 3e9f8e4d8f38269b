/**
 * The report page's own script (transpiled and inlined by reports/html.ts): draws each
 * chart from the JSON block with the inlined Chart.js and plugins, and makes tables
 * sortable. It reads only the page; it never fetches anything.
 */
import type { BarsSpec, BoxSpec, ChartSpec, ColdSpec, GmacSpec, HeatmapSpec, ParetoSpec, ReportPayload, RooflineSpec, SustainedSpec } from './chart-specs.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Chart.js and its plugins come in as UMD globals. */
declare const Chart: any;
declare const ChartBoxPlot: any;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
const GRID = '#e6e6e6';
const INK = '#222';

/** Format milliseconds with sensible precision. */
function ms(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

/** Tick labels for log axes: only 1-2-5 values, so the axis stays readable. */
function logTick(value: number | string): string {
  const v = Number(value);
  const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  if (![1, 2, 5].some((k) => Math.abs(m - k) < 1e-6)) return '';
  const text = ms(v);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Log-axis grid: lines only where a tick is labelled. */
const logGrid = { color: (c: any) => (c.tick && logTick(c.tick.value) !== '' ? GRID : 'transparent') };

function axisTitle(text: string) {
  return { display: true, text, color: INK, font: { weight: 'bold' as const } };
}

function setHeight(canvas: HTMLCanvasElement, px: number): void {
  // CSSOM, not a style attribute: allowed by the page's Content-Security-Policy.
  (canvas.parentElement as HTMLElement).style.height = `${px}px`;
}

/** Draws each box's 95 % CI of the median as a dark bar with caps across the box. */
const ciPlugin = {
  id: 'medianCI',
  afterDatasetsDraw(chart: any) {
    const spec: BoxSpec | undefined = chart.$ciSpec;
    if (!spec) return;
    const meta = chart.getDatasetMeta(0);
    const x = chart.scales.x;
    const ctx: CanvasRenderingContext2D = chart.ctx;
    ctx.save();
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 3;
    meta.data.forEach((el: any, i: number) => {
      const [lo, hi] = spec.ci[i] ?? [];
      if (lo === undefined || !Number.isFinite(lo)) return;
      const x0 = x.getPixelForValue(lo);
      const x1 = x.getPixelForValue(hi);
      const y = el.y;
      const cap = Math.min(6, (el.height ?? 12) / 2);
      ctx.beginPath();
      ctx.moveTo(x0, y);
      ctx.lineTo(x1, y);
      ctx.moveTo(x0, y - cap);
      ctx.lineTo(x0, y + cap);
      ctx.moveTo(x1, y - cap);
      ctx.lineTo(x1, y + cap);
      ctx.stroke();
    });
    ctx.restore();
  },
};

/** Writes each heatmap cell's value in it, dark text on light cells and light on dark. */
const cellLabelPlugin = {
  id: 'cellLabels',
  afterDatasetsDraw(chart: any) {
    const spec: HeatmapSpec | undefined = chart.$heatSpec;
    if (!spec) return;
    const ctx: CanvasRenderingContext2D = chart.ctx;
    const meta = chart.getDatasetMeta(0);
    ctx.save();
    ctx.font = `600 13px ${FONT}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    meta.data.forEach((el: any, i: number) => {
      const cell = spec.cells[i];
      const { x, y, width, height } = el.getProps(['x', 'y', 'width', 'height'], true);
      ctx.fillStyle = rampPosition(spec, cell.v) >= 0.5 ? '#fff' : '#000';
      ctx.fillText(`${ms(cell.v)} ms`, x + width / 2, y + height / 2);
    });
    ctx.restore();
  },
};

let payload: ReportPayload;

function rampPosition(spec: HeatmapSpec, v: number): number {
  if (spec.max <= spec.min) return 0;
  return (Math.log(v) - Math.log(spec.min)) / (Math.log(spec.max) - Math.log(spec.min));
}

function rampColor(t: number): string {
  const ramp = payload.ramp;
  const i = Math.min(ramp.length - 1, Math.max(0, Math.round(t * (ramp.length - 1))));
  return ramp[i];
}

function pareto(canvas: HTMLCanvasElement, spec: ParetoSpec) {
  const datasets: any[] = spec.series.map((s) => ({
    label: s.label,
    data: s.points,
    backgroundColor: s.color,
    borderColor: s.color,
    pointStyle: s.pointStyle,
    pointRadius: 6,
    pointHoverRadius: 8,
  }));
  datasets.push({
    label: 'Pareto frontier',
    type: 'line',
    data: spec.frontier,
    borderColor: '#000',
    backgroundColor: '#000',
    borderDash: [6, 4],
    borderWidth: 1.5,
    pointStyle: 'line',
    stepped: 'after',
    pointRadius: 0,
    pointHitRadius: 0,
    order: 10,
  });
  return new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      scales: {
        x: {
          type: 'logarithmic',
          min: spec.xMin,
          max: spec.xMax,
          title: axisTitle('median latency (ms, log scale)'),
          ticks: { callback: logTick, maxRotation: 0 },
          grid: logGrid,
        },
        y: { grace: '10%', title: axisTitle('top-1 accuracy (%)'), grid: { color: GRID } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (c: any) => `${c.raw.job}: ${c.parsed.y.toFixed(1)} % top-1, ${ms(c.parsed.x)} ms`,
          },
        },
      },
    },
  });
}

function heatmap(canvas: HTMLCanvasElement, spec: HeatmapSpec) {
  const chart = new Chart(canvas, {
    type: 'matrix',
    data: {
      datasets: [
        {
          data: spec.cells,
          backgroundColor: (c: any) => (c.raw ? rampColor(rampPosition(spec, c.raw.v)) : 'transparent'),
          borderColor: '#fff',
          borderWidth: 2,
          width: (c: any) => (c.chart.chartArea ? c.chart.chartArea.width / spec.resolutions.length : 0),
          height: (c: any) => (c.chart.chartArea ? c.chart.chartArea.height / spec.alphas.length : 0),
        },
      ],
    },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: () => '', label: (c: any) => `${c.raw.job}: median ${ms(c.raw.v)} ms` } },
      },
      scales: {
        x: { type: 'category', labels: spec.resolutions.map(String), offset: true, grid: { display: false }, title: axisTitle('input resolution (px)') },
        y: { type: 'category', labels: spec.alphas, offset: true, grid: { display: false }, title: axisTitle('width multiplier α') },
      },
    },
  });
  chart.$heatSpec = spec;
  chart.update();
  return chart;
}

function box(canvas: HTMLCanvasElement, spec: BoxSpec) {
  setHeight(canvas, 70 + spec.labels.length * 34);
  const chart = new Chart(canvas, {
    type: 'boxplot',
    data: {
      labels: spec.labels,
      datasets: [
        {
          label: 'latency samples',
          data: spec.samples,
          backgroundColor: spec.color + '55',
          borderColor: spec.color,
          borderWidth: 1.5,
          outlierBackgroundColor: spec.color,
          outlierRadius: 2.5,
          itemRadius: 0,
          meanRadius: 0,
          medianColor: '#000',
          quantiles: 7,
          coef: 1.5,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: {
          type: 'logarithmic',
          min: spec.min,
          max: spec.max,
          title: axisTitle('latency per inference (ms, log scale)'),
          ticks: { callback: logTick, maxRotation: 0 },
          grid: logGrid,
        },
        y: { grid: { display: false } },
      },
      plugins: { legend: { display: false } },
    },
  });
  chart.$ciSpec = spec;
  chart.update();
  return chart;
}

function cold(canvas: HTMLCanvasElement, spec: ColdSpec) {
  setHeight(canvas, 90 + spec.labels.length * 40);
  const [cLoad, cInit, cFirst, cSteady] = payload.phaseColors;
  const series = (label: string, data: (number | null)[], color: string, stack: string) => ({
    label,
    data,
    backgroundColor: color,
    stack,
    pointStyle: 'rect',
    barPercentage: 0.9,
    categoryPercentage: 0.85,
  });
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: [
        series('load weights', spec.load, cLoad, 'cold'),
        series('init runtime', spec.init, cInit, 'cold'),
        series('first inference', spec.first, cFirst, 'cold'),
        series('steady state (median)', spec.steady, cSteady, 'steady'),
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: { stacked: true, min: 0, max: spec.max, title: axisTitle('time (ms)'), grid: { color: GRID } },
        y: { stacked: true, grid: { display: false } },
      },
      plugins: { tooltip: { callbacks: { label: (c: any) => `${c.dataset.label}: ${ms(c.parsed.x)} ms` } } },
    },
  });
}

function bars(canvas: HTMLCanvasElement, spec: BarsSpec) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color, borderColor: s.color, pointStyle: 'rect' })),
    },
    options: {
      scales: {
        x: { title: axisTitle(spec.xTitle ?? 'variant (α_resolution)'), grid: { display: false } },
        y: { beginAtZero: true, title: axisTitle(spec.yTitle), grid: { color: GRID } },
      },
    },
  });
}

/** Log-log axes over the spec's bounds, GMAC/s up the side (the roofline and the GMAC/s chart share them). */
function logLogScales(spec: { xMin: number; xMax: number; yMin: number; yMax: number }, xTitle: string) {
  const axis = (min: number, max: number, title: string) => ({
    type: 'logarithmic',
    min,
    max,
    title: axisTitle(title),
    ticks: { callback: logTick, maxRotation: 0 },
    grid: logGrid,
  });
  return { x: axis(spec.xMin, spec.xMax, xTitle), y: axis(spec.yMin, spec.yMax, 'achieved GMAC/s (log scale)') };
}

/** Log-log roofline: the roofs as lines (no points), jobs and layers as points. */
function roofline(canvas: HTMLCanvasElement, spec: RooflineSpec) {
  setHeight(canvas, 420);
  return new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        ...spec.roofs.map((r) => ({
          type: 'line',
          label: r.label,
          data: r.points,
          borderColor: r.color,
          backgroundColor: r.color,
          borderDash: r.dashed ? [6, 4] : [],
          borderWidth: 2,
          pointRadius: 0,
          pointStyle: 'line',
        })),
        ...spec.series.map((s) => ({
          label: s.label,
          data: s.points,
          borderColor: s.color,
          backgroundColor: s.color,
          pointStyle: s.pointStyle,
          pointRadius: s.radius,
        })),
      ],
    },
    options: {
      parsing: false,
      scales: logLogScales(spec, 'arithmetic intensity: multiply-adds per byte moved (log scale)'),
      plugins: {
        tooltip: {
          callbacks: {
            label: (c: any) => (c.raw.job ? `${c.raw.job}: ${c.parsed.y.toFixed(2)} GMAC/s at ${c.parsed.x.toFixed(2)} MAC/B` : c.dataset.label),
          },
        },
      },
    },
  });
}

function gmacs(canvas: HTMLCanvasElement, spec: GmacSpec) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: s.points,
        borderColor: s.color,
        backgroundColor: s.color,
        pointStyle: s.pointStyle,
        pointRadius: 5,
        borderWidth: 2,
      })),
    },
    options: {
      parsing: false,
      scales: logLogScales(spec, 'analytic multiply-accumulates per inference (millions, log scale)'),
      plugins: { tooltip: { callbacks: { label: (c: any) => `${c.raw.job}: ${c.parsed.y.toFixed(2)} GMAC/s (${c.parsed.x.toFixed(0)} M MACs)` } } },
    },
  });
}

function sustained(canvas: HTMLCanvasElement, spec: SustainedSpec) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: spec.series.map((s) => ({ label: s.label, data: s.points, borderColor: s.color, backgroundColor: s.color, pointRadius: 3, borderWidth: 2 })),
    },
    options: {
      parsing: false,
      scales: {
        x: { type: 'linear', min: 0, title: axisTitle('time since sampling began (s)'), grid: { color: GRID } },
        y: { beginAtZero: true, title: axisTitle('median latency of the window (ms)'), grid: { color: GRID } },
      },
      plugins: {
        tooltip: { callbacks: { label: (c: any) => `${c.dataset.label}: ${ms(c.parsed.y)} ms at ${c.parsed.x.toFixed(1)} s (${c.raw.samples} samples)` } },
      },
    },
  });
}

const BUILDERS: { [K in ChartSpec['kind']]: (canvas: HTMLCanvasElement, spec: Extract<ChartSpec, { kind: K }>) => unknown } = {
  pareto,
  heatmap,
  box,
  cold,
  bars,
  gmacs,
  sustained,
  roofline,
};

/** Click a header to sort by that column (numbers by their data-value, text otherwise); again to reverse. */
function makeSortable(table: HTMLTableElement): void {
  const headers = Array.from(table.tHead?.rows[0]?.cells ?? []);
  headers.forEach((th, col) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener('click', () => {
      const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      headers.forEach((h) => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      const body = table.tBodies[0];
      const key = (row: HTMLTableRowElement): number | string => {
        const cell = row.cells[col];
        const v = cell?.dataset.value;
        if (v !== undefined && v !== '') return Number(v);
        return cell?.textContent?.trim() ?? '';
      };
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        // Empty / missing values sort last either way.
        if (ka === '' || ka === '–') return 1;
        if (kb === '' || kb === '–') return -1;
        if (typeof ka === 'number' && typeof kb === 'number') return (ka - kb) * dir;
        return String(ka).localeCompare(String(kb), undefined, { numeric: true }) * dir;
      });
      for (const r of rows) body.appendChild(r);
    });
  });
}

/** Charts not drawn yet: their canvas sits in a closed block, which has no size to draw into. */
const pending = new Map<string, ChartSpec>();
let drawn = 0;

/** True when the element is inside a closed <details> (it has no layout box then). */
const inClosedBlock = (el: Element) => el.closest('details:not([open])') !== null;

/** Draw every pending chart whose canvas can now be seen; count them on the root element (tests wait for it). */
function drawVisible(): void {
  for (const [id, spec] of pending) {
    const canvas = document.getElementById(id) as HTMLCanvasElement | null;
    if (!canvas) {
      pending.delete(id);
      continue;
    }
    if (inClosedBlock(canvas)) continue;
    pending.delete(id);
    (BUILDERS[spec.kind] as (c: HTMLCanvasElement, s: ChartSpec) => unknown)(canvas, spec);
    drawn++;
  }
  document.documentElement.dataset.chartsDrawn = String(drawn);
}

/** Open the blocks around the element a link points at (a link into a closed target opens it), then show it. */
function reveal(hash: string): void {
  const id = decodeURIComponent(hash.replace(/^#/, ''));
  const el = id ? document.getElementById(id) : null;
  if (!el) return;
  let opened = false;
  for (let d: Element | null = el; d; d = d.parentElement) {
    if (d instanceof HTMLDetailsElement && !d.open && d.classList.contains('target')) {
      d.open = true;
      opened = true;
    }
  }
  if (opened) {
    drawVisible();
    el.scrollIntoView();
  }
}

function main(): void {
  payload = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportPayload;
  Chart.register(ChartBoxPlot.BoxPlotController, ChartBoxPlot.BoxAndWiskers, ciPlugin, cellLabelPlugin);
  Chart.defaults.font.family = FONT;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = INK;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.usePointStyle = true;
  for (const spec of payload.charts) pending.set(spec.canvas, spec);
  // 'toggle' does not bubble: listen in the capture phase to hear every block that opens.
  document.addEventListener('toggle', drawVisible, true);
  window.addEventListener('hashchange', () => reveal(location.hash));
  // A link to the anchor already in the address bar fires no hashchange: open its block on the click.
  document.addEventListener('click', (e) => {
    const link = (e.target as Element | null)?.closest?.('a[href^="#"]');
    if (link) reveal(link.getAttribute('href')!);
  });
  // A printed report shows every target.
  window.addEventListener('beforeprint', () => {
    document.querySelectorAll<HTMLDetailsElement>('details.target').forEach((d) => {
      d.open = true;
    });
    drawVisible();
  });
  reveal(location.hash);
  drawVisible();
  document.querySelectorAll<HTMLTableElement>('table.sortable').forEach(makeSortable);
}

main();
