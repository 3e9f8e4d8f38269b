/**
 * How every view prints a number: the HTML and Markdown reports, compare's table, Markdown,
 * JUnit and reasons, and the CLI's summary and progress lines. One rule per quantity, so the
 * same value reads the same everywhere (a median is never "0.66" in one place and "0.661" in
 * another). Missing or non-finite values print as "–".
 */

/** True for a real, finite number. */
export const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Milliseconds, about 3 significant digits: 347, 24.9, 3.82, 0.661. */
export function fmtMs(v: number | null | undefined): string {
  if (!isNum(v)) return '–';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

/** A fraction (top-1, top-5, agreement, a share) as a percentage with one decimal: 0.7012 → "70.1 %". */
export function fmtPct(v: number | null | undefined): string {
  return isNum(v) ? `${(v * 100).toFixed(1)} %` : '–';
}

/** A relative change (ratio − 1, growth) with its sign: 0.3 → "+30.0 %", −0.05 → "-5.0 %". */
export function fmtChange(v: number | null | undefined): string {
  return isNum(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %` : '–';
}

/** Bytes as MiB (the unit is the caller's): no decimals from 100 MiB, one below. */
export function fmtMiB(bytes: number | null | undefined): string {
  if (!isNum(bytes)) return '–';
  const m = bytes / 2 ** 20;
  return Math.abs(m) >= 100 ? m.toFixed(0) : m.toFixed(1);
}

/** A plain number with `digits` decimals (GMAC/s, speed-ups, drift ratios: 2). */
export function fmtNum(v: number | null | undefined, digits = 2): string {
  return isNum(v) ? v.toFixed(digits) : '–';
}

/** A multiplicative ratio: 1.3 → "×1.30". */
export function fmtRatio(v: number | null | undefined): string {
  return isNum(v) ? `×${v.toFixed(2)}` : '–';
}

/** Small deltas (max |Δlogit|): 0, 3.1e-6, 0.012. */
export function fmtDelta(v: number | null | undefined): string {
  if (!isNum(v)) return '–';
  if (v === 0) return '0';
  return Math.abs(v) < 0.01 ? v.toExponential(1) : v.toPrecision(2);
}

/** A p-value: 0.042, 3.1e-5. */
export function fmtP(p: number | null | undefined): string {
  if (!isNum(p)) return '–';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** A significance level or threshold: two significant digits (0.05, 0.017 for 0.05 ÷ 3, 0.0010), never 0.016666666666666666. */
export function fmtLevel(a: number | null | undefined): string {
  if (!isNum(a)) return '–';
  return String(Number(a.toPrecision(2)));
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
