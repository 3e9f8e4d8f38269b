/**
 * The command that reproduces a job of a published run: the run's own resolved configuration
 * (copied into data/<run>/bench.config.json) narrowed to the job's target, implementation,
 * variant and precision with `run`'s options. Shell-quoted where a value needs it.
 */
import type { JobResult } from '../../contract/results.ts';
import { RUN_SEPARATOR } from '../merge.ts';
import type { SiteRun } from './model.ts';

/** Name of the configuration file written beside each run's copy under data/. */
export const CONFIG_FILE = 'bench.config.json';

const quote = (v: string) => (/^[A-Za-z0-9._:@/,=-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** The implementation spec `run --impl` takes: reference, tfjs:wasm, ort-web:wasm@2. */
function implSpec(r: Pick<JobResult, 'impl' | 'backend' | 'threads'>): string {
  if (r.impl === 'reference') return 'reference';
  return `${r.impl}:${r.backend}${r.threads === null ? '' : `@${r.threads}`}`;
}

/** The whole run again. */
export function runCommand(run: SiteRun): string {
  return `mobilenet-bench run -c data/${run.slug}/${CONFIG_FILE}`;
}

/** One job again (the target's name as its run had it, before a merge kept clashing names apart). */
export function jobCommand(run: SiteRun, r: JobResult): string {
  const suffix = `${RUN_SEPARATOR}${run.data.run.runId}`;
  const target = r.target.endsWith(suffix) ? r.target.slice(0, -suffix.length) : r.target;
  const precision = r.precision === 'float32' ? 'float32' : 'uint8';
  return `${runCommand(run)} --target ${quote(target)} --impl ${quote(implSpec(r))} --alpha ${r.alpha} --resolution ${r.resolution} --precision ${precision}`;
}
