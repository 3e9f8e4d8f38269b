/**
 * A large history: `--runs` (default 5000) runs × `--jobs` (default 128) jobs, generated into a
 * temporary folder (never the repository), then `history list`, `compare --history` and `trend`
 * (default window, and `--all` unless `--skip-all`) each run once as a CLI process under
 * /usr/bin/time -v: wall time, peak RSS, and the size of the trend page. The load average is
 * printed before and after: on a shared machine the times move with it.
 *
 *   node --import tsx test/bench/history-size.ts [--runs N] [--jobs N] [--skip-all] [--keep DIR]
 *
 * `--keep DIR` generates into DIR (which must not exist) and leaves it there, to profile against.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { entryOfRunFolder } from '../../analysis/history/record.ts';
import type { HistoryEntry } from '../../analysis/history/schema.ts';
import { CLI } from '../helpers/cli.ts';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { gaussian } from '../history/fixture.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5000' },
    jobs: { type: 'string', default: '128' },
    'skip-all': { type: 'boolean', default: false },
    keep: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const JOBS = Number(values.jobs);
const say = (s: string) => process.stdout.write(`${s}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** 128 job ids the way a real matrix names them: targets × runtimes × α × resolution. */
function jobIds(n: number): string[] {
  const ids: string[] = [];
  for (const target of ['node', 'chromium', 'firefox', 'pi'])
    for (const impl of ['reference', 'tfjs-wasm', 'ort-web-wasm', 'ort-node-cpu', 'litert', 'tfjs-cpu'])
      for (const a of [1, 0.75, 0.5, 0.25]) for (const r of [224, 192, 160, 128]) ids.push(`${target}/${impl}/${a}_${r}`);
  return ids.slice(0, n);
}

const root = values.keep ?? tempDir('mnb-bench-history-size-');
if (values.keep) mkdirSync(values.keep);
const ids = jobIds(JOBS);
const base = (i: number) => 2 + (i % 37);
const current = writeRunFolder(
  join(root, 'current'),
  ids.map((id, i) => jobLine(id, [base(i) * 0.99, base(i), base(i) * 1.01])),
  'current',
);
const template: HistoryEntry = entryOfRunFolder(current, { env: { MOBILENET_BENCH_BRANCH: 'main' } });
const dir = join(root, 'history');
mkdirSync(dir);
const z = gaussian(7);
const t0 = Date.UTC(2026, 0, 1);
let bytes = 0;
const genStart = performance.now();
for (let r = 0; r < RUNS; r++) {
  const id = `bench-${String(r).padStart(5, '0')}-0123456789`;
  const entry: HistoryEntry = {
    ...template,
    id,
    runId: `bench-${r}`,
    startedAt: new Date(t0 + r * 600_000).toISOString(),
    source: { ...template.source, commit: r.toString(16).padStart(40, '0'), time: new Date(t0 + r * 600_000).toISOString() },
    jobs: template.jobs.map((j, i) => {
      const m = base(i) * Math.exp(0.02 * z()) * (r >= RUNS - 100 && i === 0 ? 1.1 : 1);
      return { ...j, medianMs: m, ci95Ms: [m * 0.98, m * 1.02], samples: 30, relativeHalfWidth: 0.02 };
    }),
  };
  const text = `${JSON.stringify(entry)}\n`;
  bytes += text.length;
  writeFileSync(join(dir, `${id}.json`), text);
}
say(`history: ${RUNS} runs × ${JOBS} jobs, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - genStart) / 1000).toFixed(1)} s (${dir})`);
say(`load before: ${load()} (${cpus().length} cores)`);

/** One CLI command under /usr/bin/time -v: wall seconds, peak RSS in MB, exit status. */
function measure(label: string, args: string[]): void {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MOBILENET_BENCH_BRANCH: 'main' },
    maxBuffer: 256 * 2 ** 20,
  });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : Number.NaN;
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) / 1000;
  say(`${label.padEnd(34)} ${seconds.toFixed(1).padStart(6)} s  ${rss.toFixed(0).padStart(5)} MB peak RSS  exit ${r.status}  load ${load()}`);
  if (r.status !== 0 && r.status !== 1) say(r.stderr.split('\n').slice(0, 5).join('\n'));
}

measure('history list', ['history', 'list', '--history', dir]);
measure('compare --history', ['compare', '--history', dir, current]);
const page = join(root, 'trend.html');
measure('trend (default window)', ['trend', dir, '--out', page]);
say(`trend page (default window): ${(statSync(page).size / 2 ** 20).toFixed(1)} MiB`);
if (!values['skip-all']) {
  const all = join(root, 'trend-all.html');
  measure('trend --all', ['trend', dir, '--all', '--out', all]);
  say(`trend page (--all): ${(statSync(all).size / 2 ** 20).toFixed(1)} MiB`);
}
say(`load after: ${load()}`);
