/**
 * Charts of the published site as SVG text, drawn here from the same data the tables show: the
 * page inlines the SVG (readable without script) and the site writes it as a file beside the
 * page (the SVG download); the page's script rasterises it for the PNG download. Pure: the
 * same series give the same bytes. Presentation attributes only (no style attribute), so the
 * page's CSP needs no 'unsafe-inline'.
 */
import { escapeHtml } from '../escape.ts';

/** A point with optional 95 % intervals on either axis. */
export interface SvgPoint {
  x: number;
  y: number;
  xLo?: number;
  xHi?: number;
  yLo?: number;
  yHi?: number;
  /** Tooltip text (the SVG <title> of the mark). */
  label: string;
}

/** One legend entry. Measured series are filled; published ones hollow, dashed and grey-ish, never mixed with measured ones. */
export interface SvgSeries {
  label: string;
  color: string;
  shape: 'circle' | 'triangle' | 'square' | 'diamond';
  kind: 'measured' | 'published';
  points: SvgPoint[];
}

/** A horizontal reference line (a published accuracy with no latency). */
export interface SvgRefLine {
  y: number;
  label: string;
  color: string;
}

export interface ScatterSpec {
  /** Element id of the <svg> (the PNG button finds it by this). */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  /** Format of the y ticks (percent for accuracy). */
  yPercent?: boolean;
  series: SvgSeries[];
  refLines?: SvgRefLine[];
  /** The caption naming the data source (also drawn under the plot, so the downloaded file carries it). */
  source: string;
  /** Addresses of the published sources (linked in the page's caption). */
  sourceUrls?: string[];
}

const W = 760;
const PLOT = { left: 64, right: 16, top: 36, bottom: 56 };
const H_PLOT = 300;
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif';

/** A number without float noise, for coordinates: identical inputs give identical text. */
const n = (v: number) => Number(v.toFixed(2)).toString();

function niceTicks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = Number((m * 10 ** e).toPrecision(3));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out.length >= 2 ? out : [lo, hi];
  }
  const span = hi - lo || 1;
  const step0 = 10 ** Math.floor(Math.log10(span / 5));
  const step = [1, 2, 5, 10].map((m) => m * step0).find((s) => span / s <= 6) ?? step0 * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

/** Break text at spaces into lines of at most `width` characters (a longer word gets its own line). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const tickText = (v: number, percent: boolean) => (percent ? `${Number((v * 100).toFixed(1))} %` : String(Number(v.toPrecision(3))));

function mark(shape: SvgSeries['shape'], x: number, y: number, color: string, hollow: boolean): string {
  const fill = hollow ? '#ffffff' : color;
  const common = `fill="${fill}" stroke="${color}" stroke-width="${hollow ? 2 : 1}"`;
  const r = 5;
  switch (shape) {
    case 'circle':
      return `<circle cx="${n(x)}" cy="${n(y)}" r="${r}" ${common}/>`;
    case 'square':
      return `<rect x="${n(x - r)}" y="${n(y - r)}" width="${2 * r}" height="${2 * r}" ${common}/>`;
    case 'triangle':
      return `<path d="M${n(x)} ${n(y - r - 1)}L${n(x + r + 1)} ${n(y + r)}L${n(x - r - 1)} ${n(y + r)}Z" ${common}/>`;
    case 'diamond':
      return `<path d="M${n(x)} ${n(y - r - 1)}L${n(x + r + 1)} ${n(y)}L${n(x)} ${n(y + r + 1)}L${n(x - r - 1)} ${n(y)}Z" ${common}/>`;
  }
}

/** Render a scatter chart (with CI whiskers, reference lines and a legend) as a standalone SVG document fragment. */
export function scatterSvg(spec: ScatterSpec): string {
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.flatMap((p) => [p.x, p.xLo ?? p.x, p.xHi ?? p.x]).filter((v) => Number.isFinite(v) && (!spec.logX || v > 0));
  const ys = [...all.flatMap((p) => [p.y, p.yLo ?? p.y, p.yHi ?? p.y]), ...(spec.refLines ?? []).map((r) => r.y)].filter(
    (v) => Number.isFinite(v) && (!spec.logY || v > 0),
  );
  const legendRows = spec.series.length + (spec.refLines?.length ? 1 : 0);
  const sourceLines = wrap(spec.source, 110);
  const height = PLOT.top + H_PLOT + PLOT.bottom + legendRows * 20 + sourceLines.length * 15 + 12;
  const plotW = W - PLOT.left - PLOT.right;
  const parts: string[] = [];
  const head = `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeHtml(spec.id)}" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-labelledby="${escapeHtml(spec.id)}-title" font-family="${FONT}" font-size="12">`;
  parts.push(head, `<title id="${escapeHtml(spec.id)}-title">${escapeHtml(spec.title)}</title>`, `<rect width="${W}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${PLOT.left}" y="22" font-size="14" font-weight="600" fill="#1d1d1f">${escapeHtml(spec.title)}</text>`);
  if (xs.length === 0 || ys.length === 0) {
    parts.push(`<text x="${PLOT.left}" y="${PLOT.top + 40}" fill="#5f6368">No data to draw.</text></svg>`);
    return parts.join('');
  }
  const pad = (lo: number, hi: number, log: boolean): [number, number] => {
    if (log) return [lo / 1.25, hi * 1.25];
    const m = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 0.1;
    return [lo - m, hi + m];
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs), Boolean(spec.logX));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys), Boolean(spec.logY));
  const fx = (v: number) => PLOT.left + (spec.logX ? (Math.log(v) - Math.log(x0)) / (Math.log(x1) - Math.log(x0)) : (v - x0) / (x1 - x0)) * plotW;
  const fy = (v: number) => PLOT.top + H_PLOT - (spec.logY ? (Math.log(v) - Math.log(y0)) / (Math.log(y1) - Math.log(y0)) : (v - y0) / (y1 - y0)) * H_PLOT;
  // Axes and grid.
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${plotW}" height="${H_PLOT}" fill="none" stroke="#c8ccd2"/>`);
  for (const t of niceTicks(x0, x1, Boolean(spec.logX))) {
    const x = fx(t);
    parts.push(
      `<line x1="${n(x)}" x2="${n(x)}" y1="${PLOT.top}" y2="${PLOT.top + H_PLOT}" stroke="#eceef1"/>`,
      `<text x="${n(x)}" y="${PLOT.top + H_PLOT + 16}" text-anchor="middle" fill="#4a4f55">${tickText(t, false)}</text>`,
    );
  }
  for (const t of niceTicks(y0, y1, Boolean(spec.logY))) {
    const y = fy(t);
    parts.push(
      `<line x1="${PLOT.left}" x2="${PLOT.left + plotW}" y1="${n(y)}" y2="${n(y)}" stroke="#eceef1"/>`,
      `<text x="${PLOT.left - 6}" y="${n(y + 4)}" text-anchor="end" fill="#4a4f55">${tickText(t, Boolean(spec.yPercent))}</text>`,
    );
  }
  parts.push(`<text x="${n(PLOT.left + plotW / 2)}" y="${PLOT.top + H_PLOT + 36}" text-anchor="middle" fill="#1d1d1f">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${n(PLOT.top + H_PLOT / 2)}) rotate(-90)" text-anchor="middle" fill="#1d1d1f">${escapeHtml(spec.yLabel)}</text>`);
  // Published accuracies without a latency: dashed lines across the plot.
  // Labels alternate right and left, so two close lines keep readable labels.
  [...(spec.refLines ?? [])]
    .sort((a, b) => b.y - a.y)
    .forEach((r, i) => {
      if (r.y < y0 || r.y > y1) return;
      const y = fy(r.y);
      const right = i % 2 === 0;
      parts.push(
        `<g><title>${escapeHtml(r.label)}</title><line x1="${PLOT.left}" x2="${PLOT.left + plotW}" y1="${n(y)}" y2="${n(y)}" stroke="${r.color}" stroke-width="1.5" stroke-dasharray="6 4"/><text x="${right ? PLOT.left + plotW - 4 : PLOT.left + 4}" y="${n(y - 4)}" text-anchor="${right ? 'end' : 'start'}" font-size="11" fill="#4a4f55">${escapeHtml(r.label)}</text></g>`,
      );
    });
  // Published points first, so measured marks sit on top.
  const ordered = [...spec.series.filter((s) => s.kind === 'published'), ...spec.series.filter((s) => s.kind === 'measured')];
  for (const s of ordered) {
    const hollow = s.kind === 'published';
    for (const p of s.points) {
      if ((spec.logX && !(p.x > 0)) || (spec.logY && !(p.y > 0))) continue;
      const x = fx(p.x);
      const y = fy(p.y);
      const whiskers: string[] = [];
      if (p.xLo !== undefined && p.xHi !== undefined && p.xLo > 0)
        whiskers.push(`<line x1="${n(fx(p.xLo))}" x2="${n(fx(p.xHi))}" y1="${n(y)}" y2="${n(y)}" stroke="${s.color}" stroke-width="1.5"/>`);
      if (p.yLo !== undefined && p.yHi !== undefined)
        whiskers.push(`<line x1="${n(x)}" x2="${n(x)}" y1="${n(fy(p.yLo))}" y2="${n(fy(p.yHi))}" stroke="${s.color}" stroke-width="1.5"/>`);
      parts.push(`<g><title>${escapeHtml(p.label)}</title>${whiskers.join('')}${mark(s.shape, x, y, s.color, hollow)}</g>`);
    }
  }
  // Legend, one entry a line; published entries say so.
  let ly = PLOT.top + H_PLOT + PLOT.bottom + 4;
  spec.series.forEach((s, i) => {
    if (i > 0) ly += 20;
    parts.push(
      mark(s.shape, PLOT.left + 6, ly, s.color, s.kind === 'published'),
      `<text x="${PLOT.left + 18}" y="${n(ly + 4)}" fill="#1d1d1f">${escapeHtml(s.kind === 'published' ? `published: ${s.label}` : s.label)}</text>`,
    );
  });
  if (spec.refLines?.length) {
    ly += 20;
    parts.push(
      `<line x1="${PLOT.left}" x2="${PLOT.left + 14}" y1="${ly}" y2="${ly}" stroke="#6b6b6b" stroke-width="1.5" stroke-dasharray="6 4"/><text x="${PLOT.left + 18}" y="${ly + 4}" fill="#1d1d1f">published top-1 without a latency (dashed)</text>`,
    );
  }
  sourceLines.forEach((line, i) => parts.push(`<text x="${PLOT.left}" y="${ly + 24 + i * 15}" font-size="11" fill="#4a4f55">${escapeHtml(line)}</text>`));
  parts.push('</svg>');
  return parts.join('');
}
