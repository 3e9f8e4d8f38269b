/**
 * The roofline part of the report, per target: the ceilings measured in the target (with their
 * intervals and methods, each checked against the CPU's nominal peak), a log-log chart of
 * achieved GMAC/s against arithmetic intensity with the roofs as lines, one point per job and
 * one per profiled layer, and each runtime's fraction of its roof per variant; plus the Markdown
 * summary's one line per target (registered in reports/registry.ts). Reads run.json's `ceilings` and the
 * results' analytic bytes and profiles only.
 */
import type { Ceiling, TargetCeilings } from '../../contract/ceilings.ts';
import type { JobResult } from '../../contract/results.ts';
import type { RunData } from '../../contract/run-data.ts';
import {
  checkAgainstNominal,
  checkedCeilings,
  measuredClockOf,
  memoryRoof,
  placeOnRoofline,
  threadsOfJob,
  type ComputeCeilingKey,
  type RooflinePoint,
} from '../../contract/roofline.ts';
import { fmtNum, fmtPct } from '../../contract/format.ts';
import type { ChartSink } from '../chart-sink.ts';
import type { RooflineSpec } from '../client/chart-specs.ts';
import { escapeMarkdownCell as md, html, type SafeHtml } from '../escape.ts';
import { RUN_SEPARATOR } from '../merge.ts';
import { GROUP_COLORS } from '../palette.ts';
import { sortableTable, type Column } from '../table.ts';
import type { TargetSection } from '../section.ts';

/** A target's ceilings in a run (or merged runs: `target @ run id`), and why there are none. */
export function ceilingsOfTarget(data: Pick<RunData, 'run' | 'runs'>, target: string): { ceilings?: TargetCeilings; skipped?: string } {
  for (const run of data.runs ?? [data.run]) {
    const found = run.ceilings?.find((c) => c.target === target || target === `${c.target}${RUN_SEPARATOR}${run.runId}`);
    if (found) return { ceilings: found };
  }
  const skipped = (data.runs ?? [data.run]).map((r) => r.ceilingsSkipped).find(Boolean);
  return { skipped: skipped ?? 'this run did not record ceilings (a run from before they were measured)' };
}

const TITLES: Record<ComputeCeilingKey | 'wasmRelaxedSimd', string> = {
  jsScalar: 'JavaScript scalar multiply-add',
  wasmSimd: 'WebAssembly SIMD f32x4 multiply-add (1 thread)',
  wasmRelaxedSimd: 'WebAssembly relaxed-SIMD FMA (1 thread)',
  wasmSimdThreaded: 'WebAssembly SIMD, threaded',
  native: 'native: ORT-node MatMul (empirical, not the hardware peak)',
};
const ROOF_COLORS: Record<ComputeCeilingKey | 'wasmRelaxedSimd', string> = {
  jsScalar: '#555555',
  wasmSimd: '#0072B2',
  wasmRelaxedSimd: '#56B4E9',
  wasmSimdThreaded: '#009E73',
  native: '#D55E00',
};
const BANDWIDTH_OF: Record<ComputeCeilingKey | 'wasmRelaxedSimd', 'js' | 'wasm'> = {
  jsScalar: 'js',
  wasmSimd: 'wasm',
  wasmRelaxedSimd: 'wasm',
  wasmSimdThreaded: 'wasm',
  native: 'wasm',
};

/** A compute ceiling's title, with its threads where it ran on several. */
function titleOf(key: ComputeCeilingKey | 'wasmRelaxedSimd', c: Ceiling | undefined): string {
  return key === 'wasmSimdThreaded' && c?.available && c.threads ? `${TITLES[key]} (${c.threads} threads)` : TITLES[key];
}

/** "19.5 GMAC/s [19.3–19.6]" or "unavailable: …". */
function ceilingText(c: Ceiling): string {
  if (!c.available) return `unavailable: ${c.reason}`;
  return `${fmtNum(c.value, 2)} ${c.unit} [${fmtNum(c.ci95[0], 2)}–${fmtNum(c.ci95[1], 2)}]`;
}

/** A job or layer placed on its roof. */
interface Placed {
  job: JobResult;
  /** Layer name, or null for the whole job. */
  layer: string | null;
  kind: string | null;
  point: RooflinePoint;
}

/** Every ok job with analytic bytes, placed; jobs that cannot be placed with why. */
export function placeJobs(jobs: readonly JobResult[], ceilings: TargetCeilings): { placed: Placed[]; unplaced: { job: JobResult; reason: string }[] } {
  const placed: Placed[] = [];
  const unplaced: { job: JobResult; reason: string }[] = [];
  for (const r of jobs.filter((j) => j.status === 'ok')) {
    const at = placeOnRoofline(ceilings, r, r.analytic.gmacPerSecond, r.analytic.macs, r.analytic.bytes);
    if (!at.ok) {
      unplaced.push({ job: r, reason: at.reason });
      continue;
    }
    placed.push({ job: r, layer: null, kind: null, point: at.point });
    for (const l of r.profile?.available ? r.profile.layers : []) {
      const p = placeOnRoofline(ceilings, r, l.gmacPerSecond, l.macs, l.bytes);
      if (p.ok && (l.kind === 'depthwise' || l.kind === 'pointwise' || l.kind === 'conv')) placed.push({ job: r, layer: l.name, kind: l.kind, point: p.point });
    }
  }
  return { placed, unplaced };
}

/** Where the profiled layers of each job fall: how many depthwise layers are memory-bound and how many pointwise ones compute-bound. */
export function layerSides(
  placed: readonly Placed[],
): { job: string; depthwiseMemory: number; depthwise: number; pointwiseCompute: number; pointwise: number }[] {
  const byJob = new Map<string, Placed[]>();
  for (const p of placed) if (p.layer) byJob.set(p.job.id, [...(byJob.get(p.job.id) ?? []), p]);
  return [...byJob].map(([job, ps]) => {
    const dw = ps.filter((p) => p.kind === 'depthwise');
    const pw = ps.filter((p) => p.kind === 'pointwise');
    return {
      job,
      depthwiseMemory: dw.filter((p) => p.point.bound === 'memory').length,
      depthwise: dw.length,
      pointwiseCompute: pw.filter((p) => p.point.bound === 'compute').length,
      pointwise: pw.length,
    };
  });
}

/** The chart spec: roofs as polylines over the intensity range, jobs and layers as points. */
function rooflineSpec(ceilings: TargetCeilings, placed: readonly Placed[]): Omit<RooflineSpec, 'canvas'> {
  const xs = placed.map((p) => p.point.intensity);
  const xMin = 10 ** Math.floor(Math.log10(Math.min(0.1, ...xs)));
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(100, ...xs)));
  const roofs: RooflineSpec['roofs'] = [];
  for (const key of ['jsScalar', 'wasmSimd', 'wasmRelaxedSimd', 'wasmSimdThreaded', 'native'] as const) {
    const c = ceilings.compute[key];
    const bw = memoryRoof(ceilings, BANDWIDTH_OF[key], key === 'wasmSimdThreaded');
    if (!c?.available || !bw) continue;
    const ridge = c.value / bw.gbPerSecond;
    const points = [{ x: xMin, y: Math.min(c.value, bw.gbPerSecond * xMin) }];
    if (ridge > xMin && ridge < xMax) points.push({ x: ridge, y: c.value });
    points.push({ x: xMax, y: c.value });
    roofs.push({
      label: `${titleOf(key, c)}: ${fmtNum(c.value, 1)} GMAC/s; ${BANDWIDTH_OF[key] === 'js' ? 'JS' : 'WASM'} stream${bw.threads > 1 ? ` (${bw.threads} threads)` : ''} ${fmtNum(bw.gbPerSecond, 1)} GB/s`,
      color: ROOF_COLORS[key],
      dashed: key === 'wasmRelaxedSimd',
      points,
    });
  }
  const impls = [...new Set(placed.map((p) => `${p.job.impl}:${p.job.backend}`))];
  const colorOf = (p: Placed) => GROUP_COLORS[impls.indexOf(`${p.job.impl}:${p.job.backend}`) % GROUP_COLORS.length];
  const series: RooflineSpec['series'] = [];
  const add = (label: string, ps: Placed[], pointStyle: RooflineSpec['series'][number]['pointStyle'], radius: number) => {
    if (ps.length)
      series.push({
        label,
        color: colorOf(ps[0]),
        pointStyle,
        radius,
        points: ps.map((p) => ({ x: p.point.intensity, y: p.point.gmacPerSecond, job: p.layer ? `${p.job.id} ${p.layer}` : p.job.id })),
      });
  };
  for (const impl of impls) {
    const mine = placed.filter((p) => `${p.job.impl}:${p.job.backend}` === impl);
    add(
      `${impl} jobs`,
      mine.filter((p) => !p.layer),
      'circle',
      6,
    );
    add(
      `${impl} depthwise layers`,
      mine.filter((p) => p.kind === 'depthwise'),
      'triangle',
      4,
    );
    add(
      `${impl} pointwise layers`,
      mine.filter((p) => p.kind === 'pointwise'),
      'rect',
      4,
    );
    add(
      `${impl} first conv`,
      mine.filter((p) => p.kind === 'conv'),
      'rectRot',
      4,
    );
  }
  const ys = [...placed.map((p) => p.point.gmacPerSecond), ...roofs.flatMap((r) => r.points.map((p) => p.y))].filter((y) => y > 0);
  return {
    kind: 'roofline',
    roofs,
    series,
    xMin,
    xMax,
    yMin: 10 ** Math.floor(Math.log10(Math.min(...ys))),
    yMax: 10 ** Math.ceil(Math.log10(Math.max(...ys) * 1.5)),
  };
}

/** The measured clock against the clock read: the boost the nominal check uses, or why it does not. */
function clockCheck(c: TargetCeilings): string {
  const measured = measuredClockOf(c);
  const read = c.nominalPeak?.ghz ?? null;
  if (measured === null || read === null || c.emulated) return '';
  return measured > read
    ? `×${fmtNum(measured / read, 2)} the ${fmtNum(read, 2)} GHz read: the nominal peak is taken at the measured clock`
    : `at most the ${fmtNum(read, 2)} GHz read: the nominal peak is taken at the clock read`;
}

/** The ceilings table: every ceiling with its interval, samples and method, and the nominal-peak check. */
function ceilingsTable(c: TargetCeilings): SafeHtml {
  type Row = { name: string; ceiling: Ceiling; check: string };
  const check = (key: ComputeCeilingKey, v: Ceiling) => {
    if (!v.available) return '';
    if (c.emulated) return 'emulated: no nominal peak applies';
    return checkAgainstNominal(key, v.value, c.nominalPeak, v.threads, measuredClockOf(c)).why;
  };
  const threaded = c.compute.wasmSimdThreaded;
  const rows: Row[] = [
    { name: TITLES.jsScalar, ceiling: c.compute.jsScalar, check: check('jsScalar', c.compute.jsScalar) },
    { name: TITLES.wasmSimd, ceiling: c.compute.wasmSimd, check: check('wasmSimd', c.compute.wasmSimd) },
    { name: TITLES.wasmRelaxedSimd, ceiling: c.compute.wasmRelaxedSimd, check: '' },
    ...(threaded ? [{ name: titleOf('wasmSimdThreaded', threaded), ceiling: threaded, check: check('wasmSimdThreaded', threaded) }] : []),
    { name: TITLES.native, ceiling: c.compute.native, check: check('native', c.compute.native) },
    ...(c.clock ? [{ name: 'Clock of one core (dependent adds)', ceiling: c.clock, check: clockCheck(c) }] : []),
    ...(c.threadedStream
      ? [
          {
            name: `WebAssembly read-write on ${c.threadedStream.ceiling.available ? (c.threadedStream.ceiling.threads ?? 1) : 'all'} threads, ${c.threadedStream.workingSetBytes / 2 ** 20} MiB`,
            ceiling: c.threadedStream.ceiling,
            check: '',
          },
        ]
      : []),
    ...c.bandwidth.map((b) => ({
      name: `${b.language === 'js' ? 'JavaScript' : 'WebAssembly'} ${b.access}, ${b.workingSetBytes >= 2 ** 20 ? `${b.workingSetBytes / 2 ** 20} MiB` : `${b.workingSetBytes / 1024} KiB`}`,
      ceiling: b.ceiling,
      check: '',
    })),
  ];
  const cols: Column<Row>[] = [
    { key: 'ceiling', title: 'Ceiling', cell: (r) => r.name },
    {
      key: 'median',
      title: 'Median',
      unit: 'GMAC/s · GHz · GB/s',
      value: (r) => (r.ceiling.available ? r.ceiling.value : null),
      cell: (r) => ceilingText(r.ceiling),
    },
    {
      key: 'samples',
      title: 'Samples',
      value: (r) => (r.ceiling.available ? r.ceiling.samples : null),
      cell: (r) => (r.ceiling.available ? `${r.ceiling.samples} (${r.ceiling.stopReason})` : '–'),
    },
    { key: 'check', title: 'Against the nominal peak', cell: (r) => r.check || '–' },
    { key: 'method', title: 'Method', cell: (r) => html`<span class="muted small">${r.ceiling.method ?? ''}</span>` },
  ];
  return sortableTable(cols, rows, { className: 'ceilings' });
}

/** Fraction of the roof per runtime (rows) and variant (columns). */
function fractionTable(placed: readonly Placed[]): SafeHtml {
  const jobs = placed.filter((p) => !p.layer);
  const cols: Column<Placed>[] = [
    { key: 'job', title: 'Job', cell: (p) => html`<code class="job">${p.job.id}</code>` },
    {
      key: 'ceiling',
      title: 'Ceiling',
      cell: (p) => (p.point.ceilingThreads && p.point.ceilingThreads > 1 ? `${p.point.ceiling} (${p.point.ceilingThreads} threads)` : p.point.ceiling),
    },
    { key: 'threads', title: 'Job threads', value: (p) => threadsOfJob(p.job), cell: (p) => String(threadsOfJob(p.job) ?? 'default') },
    { key: 'gmacs', title: 'Achieved', unit: 'GMAC/s', value: (p) => p.point.gmacPerSecond, cell: (p) => fmtNum(p.point.gmacPerSecond, 2) },
    { key: 'intensity', title: 'Intensity', unit: 'MAC/B', value: (p) => p.point.intensity, cell: (p) => fmtNum(p.point.intensity, 2) },
    { key: 'roof', title: 'Roof here', unit: 'GMAC/s', value: (p) => p.point.roof, cell: (p) => `${fmtNum(p.point.roof, 1)} (${p.point.bound})` },
    { key: 'fraction', title: 'Of the roof', value: (p) => p.point.fraction, cell: (p) => fmtPct(p.point.fraction) },
    { key: 'fraction-compute', title: 'Of the compute ceiling', value: (p) => p.point.fractionOfCompute, cell: (p) => fmtPct(p.point.fractionOfCompute) },
  ];
  return sortableTable(cols, jobs, { jobOf: (p) => p.job.id, className: 'roofline-fractions' });
}

/** The whole section for one target, or null when it has nothing to show and nothing to explain. */
export function rooflineHtml(jobs: readonly JobResult[], found: { ceilings?: TargetCeilings; skipped?: string }, sink: ChartSink): SafeHtml {
  if (!found.ceilings) return html`<p class="notice">No ceilings for this target: ${found.skipped ?? 'not measured'}.</p>`;
  const { ceilings, refused } = checkedCeilings(found.ceilings);
  const { placed, unplaced } = placeJobs(jobs, ceilings);
  const sides = layerSides(placed);
  const chart = placed.length
    ? sink.add(
        rooflineSpec(ceilings, placed),
        `Roofline of ${ceilings.target}: achieved GMAC/s against multiply-adds per byte, with the measured ceilings`,
        'chart tall',
      )
    : html`<p class="notice">No job could be placed on the roofline.</p>`;
  return html`<p>Ceilings measured in the target (${ceilings.environment}${ceilings.emulated ? html`, <strong>emulated</strong>: not the device` : ''}) in ${fmtNum(ceilings.durationMs / 1000, 1)} s at ${ceilings.measuredAt}; each the median of timed samples with its bootstrap 95 % interval. Intensity is analytic: the layers' multiply-adds over the bytes they must move at least once (weights and activations in and out at the job's precision). A point's roof is the lower of its compute ceiling and the memory roof (the read-write stream over the largest working set) times its intensity.</p>
    ${refused.length ? html`<p class="notice"><strong>Not drawn:</strong> ${refused.join('; ')}.</p>` : ''}
    ${chart}
    ${placed.length ? fractionTable(placed) : ''}
    ${sides.length ? html`<ul class="small">${sides.map((s) => html`<li><code class="job">${s.job}</code>: ${s.depthwiseMemory} of ${s.depthwise} depthwise layers on the memory side of their roof, ${s.pointwiseCompute} of ${s.pointwise} pointwise layers on the compute side</li>`)}</ul>` : ''}
    ${unplaced.length ? html`<p class="muted small">Not placed: ${unplaced.map((u) => `${u.job.id} (${u.reason})`).join('; ')}.</p>` : ''}
    <details><summary>Every ceiling, its interval and method</summary>${ceilingsTable(found.ceilings)}<p class="muted small">${ceilings.notes.join('. ')}.</p></details>`;
}

/** The Markdown summary's line for a target: its ceilings and each runtime's median fraction of its roof. */
export function rooflineMarkdownLine(target: string, jobs: readonly JobResult[], found: { ceilings?: TargetCeilings; skipped?: string }): string {
  if (!found.ceilings) return `- **${md(target)}**: no ceilings (${md(found.skipped ?? 'not measured')})`;
  const { ceilings, refused } = checkedCeilings(found.ceilings);
  const c = ceilings.compute;
  const v = (x: Ceiling) => (x.available ? fmtNum(x.value, 1) : '–');
  const wasm = memoryRoof(ceilings, 'wasm');
  const { placed } = placeJobs(jobs, ceilings);
  const byImpl = new Map<string, number[]>();
  for (const p of placed.filter((q) => !q.layer))
    byImpl.set(`${p.job.impl}:${p.job.backend}`, [...(byImpl.get(`${p.job.impl}:${p.job.backend}`) ?? []), p.point.fraction]);
  const fractions = [...byImpl].map(([impl, fs]) => `${impl} ${fmtPct([...fs].sort((a, b) => a - b)[Math.floor(fs.length / 2)])}`).join(', ');
  const threaded = c.wasmSimdThreaded?.available ? `, WASM SIMD ×${c.wasmSimdThreaded.threads ?? '?'} threads ${v(c.wasmSimdThreaded)}` : '';
  return `- **${md(target)}**${ceilings.emulated ? ' (emulated)' : ''}: ceilings JS ${v(c.jsScalar)}, WASM SIMD ${v(c.wasmSimd)}, relaxed ${v(c.wasmRelaxedSimd)}${threaded}, native ${v(c.native)} GMAC/s; WASM stream ${wasm ? `${fmtNum(wasm.gbPerSecond, 1)} GB/s` : '–'}${fractions ? `; of the roof: ${md(fractions)}` : ''}${refused.length ? ` (not drawn: ${md(refused.join('; '))})` : ''}`;
}

/** Per target: the ceilings measured in it and every job (and profiled layer) against them. */
export const rooflineSection: TargetSection = {
  id: 'roofline',
  title: 'Roofline: how close to the ceilings',
  navTitle: 'Roofline',
  scope: 'target',
  html: ({ model, view, sink }) => rooflineHtml(view.jobs, ceilingsOfTarget(model, view.name), sink),
  markdown: ({ model, view }) => ['', rooflineMarkdownLine(view.name, view.jobs, ceilingsOfTarget(model, view.name))],
};
