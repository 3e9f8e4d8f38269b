/**
 * What the published site shows, from run folders alone: every run read through the one loader
 * (contract/run-data.ts), checked for the problems a publication must refuse (another schema
 * version, the same run twice, an empty run: each named by its folder), sorted by run id so the
 * order of the arguments does not matter, merged, and cut into devices with stable slugs.
 */
import { runIdSlugs } from '../../contract/run-id.ts';
import type { JobResult } from '../../contract/results.ts';
import { loadRunFolder, type RunData } from '../../contract/run-data.ts';
import { ResultsError } from '../../contract/store.ts';
import { buildReportModel, variantOf, weightsFormat, type ReportModel, type TargetView } from '../data.ts';
import { mergeRuns, runIndexOf } from '../merge.ts';

/** One input run: its folder as given, what was read, and its folder name under data/. */
export interface SiteRun {
  dir: string;
  data: RunData;
  /** Folder under data/ (the run id, made safe for a path). */
  slug: string;
}

/** One device (a target of a run) with its page. */
export interface SiteDevice {
  view: TargetView;
  /** File-name and anchor slug: stable for the same target name. */
  slug: string;
  /** True when any job of it ran on a stand-in (results' device.emulated). */
  emulated: boolean;
  /** How it was emulated, in the results' own words (device.details.emulation, or the device model). */
  emulation: string | null;
  /** The run its jobs came from. */
  run: SiteRun;
}

export interface SiteModel {
  runs: SiteRun[];
  report: ReportModel;
  devices: SiteDevice[];
}

/** Lower-case letters, digits, '.', '_' and '-' only: safe for a file name and a fragment. */
function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x'
  );
}

/** Slugs for names, unique: a collision gets -2, -3 in the (sorted) order of the names. */
function uniqueSlugs(names: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const name of [...names].sort()) {
    const base = slugify(name);
    let s = base;
    for (let i = 2; used.has(s); i++) s = `${base}-${i}`;
    used.add(s);
    out.set(name, s);
  }
  return out;
}

/** The anchor of a job on its device page: runtime, variant, precision and weights format (stable across runs). */
export function jobAnchor(r: JobResult): string {
  return slugify(`${r.impl}-${r.backend}${r.threads === null ? '' : `-t${r.threads}`}-${variantOf(r)}-${r.precision}-${weightsFormat(r)}`);
}

/** The anchor of a runtime (implementation · backend · threads) on the index. */
export function runtimeAnchor(r: Pick<JobResult, 'impl' | 'backend' | 'threads'>): string {
  return `rt-${slugify(`${r.impl}-${r.backend}${r.threads === null ? '' : `-t${r.threads}`}`)}`;
}

/** Read, check and merge the run folders; throws ResultsError naming the folder at fault. */
export function loadSiteModel(dirs: readonly string[]): SiteModel {
  if (dirs.length === 0) throw new ResultsError('publish needs at least one run folder');
  const read = dirs.map((dir): SiteRun => {
    let data: RunData;
    try {
      data = loadRunFolder(dir);
    } catch (e) {
      const msg = (e as Error).message;
      const hint = /schemaVersion/.test(msg)
        ? ' (a run of another results schema cannot be published with these: publish it with the harness version that wrote it)'
        : '';
      throw new ResultsError(`run folder ${dir}: ${msg}${hint}`);
    }
    if (data.results.length === 0)
      throw new ResultsError(
        `run folder ${dir}: run ${data.run.runId} has no job results (results.jsonl is empty): finish it with \`mobilenet-bench run --resume ${dir}\`, or leave it out`,
      );
    return { dir, data, slug: '' };
  });
  const byId = new Map<string, string>();
  for (const r of read) {
    const other = byId.get(r.data.run.runId);
    if (other !== undefined)
      throw new ResultsError(
        `run folder ${r.dir}: run ${r.data.run.runId} is also given as ${other} (the same run twice, or a copy of it): pass each run once`,
      );
    byId.set(r.data.run.runId, r.dir);
  }
  // One sanitizer for every writer: `..` stays inside data/, and two ids written under one name are refused.
  const runSlugs = runIdSlugs(
    read.map((r) => r.data.run.runId),
    'data/<slug>/',
  );
  for (const r of read) r.slug = runSlugs.get(r.data.run.runId)!;
  // The same runs in any order give the same site.
  const runs = [...read].sort((a, b) => (a.data.run.runId < b.data.run.runId ? -1 : a.data.run.runId > b.data.run.runId ? 1 : 0));
  const merged = runs.length === 1 ? runs[0].data : mergeRuns(runs.map((r) => r.data));
  const report = buildReportModel(merged);
  const slugs = uniqueSlugs(report.targets.map((t) => t.name));
  const devices = report.targets
    .map((view): SiteDevice => {
      const emulatedJobs = view.jobs.filter((r) => r.device?.emulated);
      const how = emulatedJobs.map((r) => r.device?.details?.emulation).find((v): v is string => typeof v === 'string');
      const model = emulatedJobs.map((r) => r.device?.model).find((v): v is string => typeof v === 'string');
      // The phone stand-in names the device it emulates and the CPU throttling it applies.
      const phone = emulatedJobs.map((r) => r.device).find((dev) => typeof dev?.details?.emulatedDevice === 'string');
      const phoneHow = phone
        ? `Chromium's device emulation of a ${String(phone.details!.emulatedDevice)}${phone.cpuThrottlingRate && phone.cpuThrottlingRate > 1 ? ` with the CPU throttled ×${phone.cpuThrottlingRate}` : ''}, on the benchmarking machine`
        : undefined;
      return {
        view,
        slug: slugs.get(view.name)!,
        emulated: emulatedJobs.length > 0,
        emulation: emulatedJobs.length ? (how ?? phoneHow ?? (model ? `stand-in for a ${model}` : 'stand-in device')) : null,
        run: runs[view.jobs.length ? runIndexOf(merged, view.jobs[0].id) : 0],
      };
    })
    .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return { runs, report, devices };
}
