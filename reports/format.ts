/** Number formatting shared by the HTML and Markdown reports: one rule per unit, so every view agrees. */

/** True for a real, finite number. */
export const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Milliseconds: 3 significant digits-ish (347, 24.9, 3.82, 0.661). */
export function fmtMs(v: number | null | undefined): string {
  if (!isNum(v)) return '–';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

/** A fraction as a percentage with one decimal (0.7012 → "70.1 %"). */
export function fmtPct(v: number | null | undefined, digits = 1): string {
  return isNum(v) ? `${(v * 100).toFixed(digits)} %` : '–';
}

/** Bytes as MiB with no decimals above 100, one below. */
export function fmtMiB(bytes: number | null | undefined): string {
  if (!isNum(bytes)) return '–';
  const m = bytes / 2 ** 20;
  return m >= 100 ? m.toFixed(0) : m.toFixed(1);
}

/** A plain number with `digits` decimals. */
export function fmtNum(v: number | null | undefined, digits = 2): string {
  return isNum(v) ? v.toFixed(digits) : '–';
}

/** Scientific-ish for small deltas (|Δlogit|): 0, 3.1e-6, 0.012. */
export function fmtDelta(v: number | null | undefined): string {
  if (!isNum(v)) return '–';
  if (v === 0) return '0';
  return v < 0.01 ? v.toExponential(1) : v.toPrecision(2);
}

/** Millions with one decimal (568.8 M). */
export function fmtMillions(v: number | null | undefined): string {
  return isNum(v) ? `${(v / 1e6).toFixed(1)}` : '–';
}

/** An ISO timestamp as "2026-11-24 07:20:32 UTC". */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration in ms as "6.7 s" or "2 min 03 s". */
export function fmtDuration(msValue: number | null | undefined): string {
  if (!isNum(msValue)) return '–';
  const s = msValue / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - m * 60)).padStart(2, '0')} s`;
}

/**
 * Wilson 95 % interval of a proportion measured on n items: how far a top-1 measured on a
 * small eval set can be trusted. Derived from the recorded fraction and n only.
 */
export function wilsonInterval(p: number, n: number, z = 1.96): [number, number] {
  if (n <= 0) return [0, 1];
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
