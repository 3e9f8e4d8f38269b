/**
 * Read the two sides of a comparison (a run folder or a saved baseline file) and save
 * baselines. Every problem becomes a CompareError that names the file and what is wrong.
 */
import { runIdSlug } from '../../contract/run-id.ts';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { JobResultSchema, RunInfoSchema } from '../../contract/results.ts';
import { refuseOutputsOverInputs } from '../../contract/output-guard.ts';
import { loadRunFolder, schemaVersionProblem, type RunData } from '../../contract/run-data.ts';
import { ResultsError, resultsPath, runInfoPath } from '../../contract/store.ts';
import { readRegularText, UnsafeFileError } from '../../contract/safe-read.ts';
import { CompareError, samplingModeOf } from './compare.ts';

/** Where `baseline save` writes by default (relative to the working directory). */
export const DEFAULT_BASELINE_DIR = join('results', 'baselines');
/** Marker and version of baseline files. */
const BASELINE_FORMAT = 'mobilenet-bench-baseline';
const BASELINE_FORMAT_VERSION = 1;

/** A saved baseline: a run's run.json and results in one file, so it can be committed or cached. */
export const BaselineFileSchema = z.object({
  format: z.literal(BASELINE_FORMAT),
  formatVersion: z.literal(BASELINE_FORMAT_VERSION),
  name: z.string(),
  savedAt: z.string(),
  /** The run folders it was saved from. */
  savedFrom: z.array(z.string()).min(1),
  /** One or more runs of the same config; several runs let compare measure the between-run noise. */
  runs: z.array(z.object({ run: RunInfoSchema, results: z.array(JobResultSchema) })).min(1),
});
export type BaselineFile = z.infer<typeof BaselineFileSchema>;

/** Names a baseline may have (it becomes a file name). */
const NAME = /^[A-Za-z0-9._-]+$/;

function parseJson(file: string): unknown {
  let text: string;
  try {
    // A baseline is a file someone handed us: a FIFO or a symlink to /dev/zero is refused, never read.
    text = readRegularText(file);
  } catch (e) {
    if (e instanceof UnsafeFileError) throw new CompareError(e.message);
    throw new CompareError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CompareError(`${file}: not valid JSON`);
  }
}

/** Read a run folder through the one run loader; a missing file or an unreadable line becomes a CompareError naming it. */
export function loadRunDir(dir: string): RunData {
  if (!existsSync(runInfoPath(dir))) throw new CompareError(`${dir}: no run.json (not a run folder or a baseline file)`);
  if (!existsSync(resultsPath(dir))) throw new CompareError(`${dir}: no results.jsonl`);
  try {
    return loadRunFolder(dir);
  } catch (e) {
    if (e instanceof ResultsError) throw new CompareError(e.message);
    throw e;
  }
}

/** Read a baseline file written by `baseline save`. */
function loadBaselineFile(file: string): RunData {
  const raw = parseJson(file);
  if ((raw as { format?: unknown } | null)?.format !== BASELINE_FORMAT) {
    throw new CompareError(`${file}: not a run folder, run.json, results.jsonl or ${BASELINE_FORMAT} file`);
  }
  const r = raw as { formatVersion?: unknown; runs?: { run?: unknown; results?: unknown[] }[] };
  if (r.formatVersion !== BASELINE_FORMAT_VERSION) {
    throw new CompareError(
      `incompatible baseline format: ${file} has formatVersion ${JSON.stringify(r.formatVersion ?? null)}, this harness reads ${BASELINE_FORMAT_VERSION}`,
    );
  }
  for (const [i, run] of (Array.isArray(r.runs) ? r.runs : []).entries()) {
    const infoProblem = schemaVersionProblem(run?.run, `${file} (runs[${i}].run)`);
    if (infoProblem) throw new CompareError(infoProblem);
    const bad = (run?.results ?? []).findIndex((x) => schemaVersionProblem(x, '') !== null);
    if (bad >= 0) throw new CompareError(schemaVersionProblem(run.results![bad], `${file} (runs[${i}].results[${bad}])`)!);
  }
  const parsed = BaselineFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CompareError(`${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  const [first, ...rest] = parsed.data.runs;
  return { source: file, label: parsed.data.name, run: first.run, results: first.results, repeats: rest.map((x) => ({ run: x.run, results: x.results })) };
}

/**
 * Read one side of a comparison from a path: a run folder, its run.json or results.jsonl,
 * a baseline file, or the bare name of a baseline in `baselineDir` (`main` → results/baselines/main.json).
 */
export function loadComparable(path: string, baselineDir = DEFAULT_BASELINE_DIR): RunData {
  if (!existsSync(path)) {
    const named = join(baselineDir, `${path}.json`);
    if (NAME.test(path) && existsSync(named)) return loadBaselineFile(named);
    throw new CompareError(`${path}: not found (expected a run folder, a baseline file, or the name of a baseline in ${baselineDir})`);
  }
  if (statSync(path).isDirectory()) return loadRunDir(path);
  const name = basename(path);
  if (name === 'run.json' || name === 'results.jsonl') return loadRunDir(dirname(path));
  return loadBaselineFile(path);
}

/**
 * Write `<dir>/<name>.json` from one or more finished run folders of the same config (the
 * first run's id names it by default); returns the file. Refuses to overwrite unless `force`.
 */
export function saveBaseline(
  runDirs: string | string[],
  { name, dir = DEFAULT_BASELINE_DIR, force = false }: { name?: string; dir?: string; force?: boolean } = {},
): { file: string; data: BaselineFile } {
  const dirs = Array.isArray(runDirs) ? runDirs : [runDirs];
  if (dirs.length === 0) throw new CompareError('baseline save needs at least one run folder');
  const runs = dirs.map(loadRunDir);
  for (const [i, run] of runs.entries()) {
    if (!run.run.endedAt) throw new CompareError(`${dirs[i]}: the run has not finished (run.json has no endedAt); finish it with --resume ${dirs[i]} first`);
    if (run.results.length === 0) throw new CompareError(`${dirs[i]}: no job results`);
  }
  const ids = (d: RunData) => [...d.results.map((r) => r.id)].sort().join('\n');
  for (const [i, run] of runs.entries()) {
    if (i > 0 && ids(run) !== ids(runs[0]))
      throw new CompareError(`different variants: ${dirs[i]} ran other jobs than ${dirs[0]}; a baseline's runs must share one config`);
  }
  // Pooled runs must be one configuration: a sustained job's samples and an ordinary one's are not runs of the same thing.
  const modes = (d: RunData) => new Set(d.results.filter((r) => r.status === 'ok').map(samplingModeOf));
  for (const [i, run] of runs.entries()) {
    const mine = [...modes(run)].join(' and ');
    const first = [...modes(runs[0])].join(' and ');
    if (i > 0 && mine !== first)
      throw new CompareError(
        `different sampling: ${dirs[i]} sampled ${mine || 'nothing'}, ${dirs[0]} ${first || 'nothing'}; a baseline's runs must share one sampling mode (save sustained runs and ordinary ones as separate baselines)`,
      );
  }
  // The default name is the run id through the one sanitizer every writer uses.
  const finalName = name ?? runIdSlug(runs[0].run.runId);
  if (!NAME.test(finalName)) throw new CompareError(`--name '${finalName}': use letters, digits, . _ - only (it becomes a file name)`);
  const file = join(dir, `${finalName}.json`);
  // Before the exists check: --force must never let a baseline replace a run folder's own files.
  refuseOutputsOverInputs(
    [
      { path: file, option: 'baseline file' },
      { path: `${file}.tmp`, option: 'baseline temp file' },
    ],
    dirs.map((d) => ({ runFolder: d })),
  );
  if (existsSync(file) && !force) throw new CompareError(`${file} already exists; pass --force to replace it`);
  const data: BaselineFile = {
    format: BASELINE_FORMAT,
    formatVersion: BASELINE_FORMAT_VERSION,
    name: finalName,
    savedAt: new Date().toISOString(),
    savedFrom: dirs.map((d) => resolve(d)),
    runs: runs.map((r) => ({ run: r.run, results: r.results })),
  };
  BaselineFileSchema.parse(data);
  mkdirSync(dir, { recursive: true });
  // One job per line keeps diffs of a committed baseline readable.
  const { runs: parts, ...head } = data;
  const body = parts.map((p) => `{"run":${JSON.stringify(p.run)},"results":[\n${p.results.map((r) => JSON.stringify(r)).join(',\n')}\n]}`).join(',\n');
  const text = `${JSON.stringify(head).slice(0, -1)},"runs":[\n${body}\n]}\n`;
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return { file, data };
}

/** Saved baselines in `dir`: name, file, run id, when saved, job count. */
export function listBaselines(
  dir = DEFAULT_BASELINE_DIR,
  /** Filled with each file left out and why (a FIFO, a symlink to a device, a broken baseline): named, never read or counted silently. */
  skipped: { file: string; reason: string }[] = [],
): { name: string; file: string; runId: string; savedAt: string; jobs: number; runs: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      try {
        const d = loadBaselineFile(join(dir, f));
        const raw = parseJson(join(dir, f)) as { savedAt: string };
        return [{ name: d.label, file: join(dir, f), runId: d.run.runId, savedAt: raw.savedAt, jobs: d.results.length, runs: 1 + (d.repeats?.length ?? 0) }];
      } catch (e) {
        skipped.push({ file: join(dir, f), reason: (e as Error).message });
        return [];
      }
    });
}
