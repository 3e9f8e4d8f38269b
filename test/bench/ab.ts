/**
 * `npm run bench:ab`: how often `ab` gets it right on this machine, what it costs, and what the
 * older methods see on the same jobs with the same injections.
 *
 * Jobs: reference and one ORT implementation × 0.25_128 and 0.5_160, `--quick` (4 job-comparisons
 * an invocation, one `ab` call per variant): on Node ort-node:cpu@1, on Chromium ort-web:wasm. Kinds (`KINDS`, comma-separated):
 * - `aa-node`, `aa-chromium`: `ab --aa`;
 * - `x1.10`, `x1.05`: `ab` on Node with side B slowed by memory-bound work after each ORT inference
 *   (test/helpers/ab-slowdown.ts through a `config:` overlay, AB_SLOWDOWN_FACTOR 0.10 or 0.05); the
 *   reference jobs of the same comparison are not slowed (the controls);
 * - `ci-history`: a history of HISTORY_RUNS (default 5) runs recorded with `ci --history --record`,
 *   then one `ci --history` run per injection (none, 0.10, 0.05) judged against it;
 * - `run-compare`: per injection, `run --repeats 3` of A and of B (B injected), then `compare A B`.
 * `run` and `ci` run the four crossed variants in one run; their seconds per job are the wall time
 * over all its jobs, their verdicts those of 0.25_128 and 0.5_160.
 * Each invocation appends a line to `<BENCH_AB_DIR>/bench-ab.jsonl` (default a fresh temporary
 * folder) with its verdicts, seconds and the load average, so that several bench processes can
 * share one folder; `npm run bench:ab -- --table DIR` prints the table over everything in DIR.
 *
 *   KINDS=aa-node,x1.10 INVOCATIONS=3 BENCH_AB_DIR=.bench-logs/ab npm run bench:ab
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from '../../contract/stats/describe.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'mobilenet-bench.js');
const SLOWDOWN = join(import.meta.dirname, '..', 'helpers', 'ab-slowdown.ts');
/** The two variants, one `ab` call each (the CLI crosses --alpha and --resolution lists). */
const VARIANTS = [
  ['--alpha', '0.25', '--resolution', '128'],
  ['--alpha', '0.5', '--resolution', '160'],
];
const COMMON = ['--precision', 'float32', '--quick'];
const NODE = ['--target', 'node', '--impl', 'reference,ort-node:cpu@1', ...COMMON];
const CHROMIUM = ['--target', 'chromium', '--impl', 'reference,ort-web:wasm', ...COMMON];
/** `run` and `ci` take both variants in one run, crossed (0.25_160 and 0.5_128 too: they count in the seconds per job, not in the verdicts). */
const CROSSED = ['--alpha', '0.25,0.5', '--resolution', '128,160'];
const WANTED = /\/(0\.25_128|0\.5_160)$/;

/** One job's verdict, whatever the method. */
interface Seen {
  id: string;
  verdict: string;
  ratio: number | null;
  slowed: boolean;
}

/** One line of bench-ab.jsonl. */
interface Line {
  method: 'ab' | 'ci --history' | 'run --repeats 3 + compare';
  kind: string;
  target: string;
  seed: number;
  at: string;
  load: string;
  /** Seconds per job (ab: each job's own; the others: the wall time over the jobs). */
  jobs: Array<Seen & { seconds: number }>;
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const loadOf = (u: string) => u.replace(/.*load average: /, '');
const env = (factor: string | null) => ({ ...process.env, ORT_DISABLE_TELEMETRY: '1', ...(factor ? { AB_SLOWDOWN_FACTOR: factor } : {}) });
const isSlowed = (id: string, factor: string | null) => factor !== null && /\/ort-(node|web)-/.test(id);

function cli(args: string[], factor: string | null, log: string): { status: number | null; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { env: env(factor), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  appendFileSync(log, `$ mobilenet-bench ${args.join(' ')}\n${r.stdout}${r.stderr}\n`);
  if (r.status === 2 || r.status === null) throw new Error(`mobilenet-bench ${args[0]} refused or died (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return { status: r.status, seconds: (performance.now() - t0) / 1000 };
}

function record(dir: string, line: Line) {
  appendFileSync(join(dir, 'bench-ab.jsonl'), `${JSON.stringify(line)}\n`);
  process.stdout.write(
    `  ${line.method} ${line.kind} ${line.target} seed ${line.seed}: ${line.jobs.map((j) => `${j.id} ${j.verdict} x${j.ratio?.toFixed(3) ?? '-'} ${j.seconds.toFixed(0)} s`).join('; ')} (load ${line.load})\n`,
  );
}

const overlay = (dir: string) => {
  const file = join(dir, 'slow.json');
  writeFileSync(file, JSON.stringify({ targets: [{ name: 'node', type: 'node', execArgv: ['--import', SLOWDOWN] }] }));
  return file;
};

/** One `ab` invocation. */
function abInvocation(dir: string, kind: string, seed: number) {
  const factor = kind === 'x1.10' ? '0.10' : kind === 'x1.05' ? '0.05' : null;
  const chromium = kind === 'aa-chromium';
  const sideArgs = factor ? ['--b', `config:${overlay(dir)}`] : ['--aa'];
  const maxSeconds = process.env.MAX_SECONDS ?? '60';
  for (const [k, variant] of VARIANTS.entries()) {
    const out = join(dir, `${kind}-${seed}-${k}`);
    const args = ['ab', ...sideArgs, ...(chromium ? CHROMIUM : NODE), ...variant, '--max-seconds', maxSeconds, '--seed', String(seed * 10 + k), '-o', out];
    cli(args, factor, join(dir, `${kind}-${seed}.log`));
    const v = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8')) as {
      jobs: Array<{ id: string; verdict: string; ratio: number | null; seconds: number }>;
    };
    const jobs = v.jobs.map((j) => ({ id: j.id, verdict: j.verdict, ratio: j.ratio, seconds: j.seconds, slowed: isSlowed(j.id, factor) }));
    record(dir, {
      method: 'ab',
      kind: kind.startsWith('aa') ? 'A/A' : kind,
      target: chromium ? 'chromium' : 'node',
      seed,
      at: new Date().toISOString(),
      load: loadOf(uptime()),
      jobs,
    });
  }
}

const INJECTIONS = [
  ['A/A', null],
  ['x1.10', '0.10'],
  ['x1.05', '0.05'],
] as const;

/** A run's matrix, with the slowdown preloaded on side B (a config file naming the node target). */
const runArgs = (dir: string, factor: string | null) => [...NODE, ...CROSSED, ...(factor ? ['-c', overlay(dir)] : [])];

/** A line for a method that runs every job in one run: seconds per job are its wall time over all its jobs. */
function recordRun(dir: string, method: Line['method'], kind: string, factor: string | null, seed: number, all: Array<Omit<Seen, 'slowed'>>, seconds: number) {
  const jobs = all.filter((j) => WANTED.test(j.id)).map((j) => ({ ...j, seconds: seconds / all.length, slowed: isSlowed(j.id, factor) }));
  record(dir, { method, kind, target: 'node', seed, at: new Date().toISOString(), load: loadOf(uptime()), jobs });
}

/** `ci --history`: a history of A runs, then one run per injection judged against it. */
function ciHistory(dir: string, seed: number) {
  const history = join(dir, `history-${seed}`);
  const log = join(dir, `ci-history-${seed}.log`);
  const runs = Number(process.env.HISTORY_RUNS ?? 5);
  const built = performance.now();
  for (let i = 0; i < runs; i++) cli(['ci', '--history', history, '--record', ...runArgs(dir, null), '-o', join(dir, `history-${seed}-run${i}`)], null, log);
  process.stdout.write(`  history of ${runs} runs in ${((performance.now() - built) / 1000).toFixed(0)} s\n`);
  for (const [kind, factor] of INJECTIONS) {
    const ciOut = join(dir, `ci-${seed}-${kind.replace(/\W+/g, '')}`);
    const t = cli(['ci', '--history', history, '--branch', '*', ...runArgs(dir, factor), '-o', join(ciOut, 'run'), '--ci-out', ciOut], factor, log);
    const v = JSON.parse(readFileSync(join(ciOut, 'verdicts.json'), 'utf8')) as { jobs: Array<{ id: string; verdict: string; ratio: number | null }> };
    recordRun(dir, 'ci --history', kind, factor, seed, v.jobs, t.seconds);
  }
}

/** `run --repeats 3` of A and of B, then `compare A B`. */
function runCompare(dir: string, seed: number) {
  const log = join(dir, `run-compare-${seed}.log`);
  for (const [kind, factor] of INJECTIONS) {
    const base = join(dir, `rc-${seed}-${kind.replace(/\W+/g, '')}`);
    const a = cli(['run', '--repeats', '3', ...runArgs(dir, null), '-o', join(base, 'A')], null, log);
    const b = cli(['run', '--repeats', '3', ...runArgs(dir, factor), '-o', join(base, 'B')], factor, log);
    const c = spawnSync(process.execPath, [CLI, 'compare', join(base, 'A'), join(base, 'B'), '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    appendFileSync(log, `$ compare ${base}/A ${base}/B\n${c.stdout}${c.stderr}\n`);
    recordRun(dir, 'run --repeats 3 + compare', kind, factor, seed, compareLatency(c.stdout), a.seconds + b.seconds);
  }
}

/**
 * compare's latency verdict per job (what `ab` judges). Its job verdict would say `heavier` for every
 * job of side B: the slowdown's 64 MiB buffer is in each of B's processes.
 */
function compareLatency(json: string): Array<Omit<Seen, 'slowed'>> {
  const report = JSON.parse(json) as { jobs: Array<{ id: string; latency: { verdict: string; ratio: number } | null }> };
  return report.jobs.map((j) => ({
    id: j.id,
    verdict: !j.latency ? 'inconclusive' : j.latency.verdict === 'unchanged' ? 'no change' : j.latency.verdict,
    ratio: j.latency?.ratio ?? null,
  }));
}

/** The table over every line in `dir`: per method, kind, target and group, the outcomes' shares and the median seconds per job. */
export function table(dir: string): string {
  const lines = readFileSync(join(dir, 'bench-ab.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
  const groups = new Map<string, { lines: Line[]; jobs: Line['jobs'] }>();
  for (const l of lines)
    for (const j of l.jobs) {
      const key = [l.method, l.kind, l.target, l.kind === 'A/A' ? 'all' : j.slowed ? 'ORT (slowed)' : 'reference (not slowed)'].join('\t');
      const g = groups.get(key) ?? { lines: [], jobs: [] };
      if (!g.lines.includes(l)) g.lines.push(l);
      g.jobs.push(j);
      groups.set(key, g);
    }
  // Method, then target, then kind (A/A, x1.10, x1.05), then controls before slowed jobs.
  const rank = (key: string) => {
    const [method, kind, target, group] = key.split('\t');
    return [
      ['ab', 'ci --history', 'run --repeats 3 + compare'].indexOf(method),
      target === 'node' ? 0 : 1,
      ['A/A', 'x1.10', 'x1.05'].indexOf(kind),
      group.startsWith('ORT') ? 1 : 0,
    ];
  };
  const order = (a: string, b: string) => {
    const [x, y] = [rank(a), rank(b)];
    return x.map((v, i) => v - y[i]).find((d) => d !== 0) ?? 0;
  };
  const rows = [...groups.entries()]
    .sort(([a], [b]) => order(a, b))
    .map(([key, g]) => {
      const n = g.jobs.length;
      const count = (v: string) => g.jobs.filter((j) => j.verdict === v).length;
      const ratios = g.jobs.map((j) => j.ratio).filter((r): r is number => r !== null);
      const loads = g.lines.map((l) => Number(l.load.split(',')[0]));
      return `| ${key.split('\t').join(' | ')} | ${g.lines.length} | ${n} | ${count('slower')} | ${count('faster')} | ${count('no change')} | ${count('inconclusive') + g.jobs.filter((j) => !['slower', 'faster', 'no change', 'inconclusive'].includes(j.verdict)).length} | ${median(g.jobs.map((j) => j.seconds)).toFixed(1)} | ${ratios.length ? `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}` : '-'} | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`;
    });
  return `| method | kind | target | jobs | invocations | job-comparisons | slower | faster | no change | inconclusive | median s per job | ratios | load (1 min) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
}

const tableAt = process.argv.indexOf('--table');
if (tableAt >= 0) {
  process.stdout.write(table(resolve(process.argv[tableAt + 1] ?? '.')));
} else {
  const dir = resolve(process.env.BENCH_AB_DIR ?? mkdtempSync(join(tmpdir(), 'mnb-bench-ab-')));
  mkdirSync(dir, { recursive: true });
  const kinds = (process.env.KINDS ?? 'aa-node,aa-chromium,x1.10,x1.05,ci-history,run-compare').split(',');
  const invocations = Number(process.env.INVOCATIONS ?? 1);
  const seedBase = Number(process.env.SEED ?? 1000);
  process.stdout.write(`bench:ab: ${kinds.join(', ')} × ${invocations} into ${dir}; ${uptime()}\n`);
  for (let i = 0; i < invocations; i++)
    for (const kind of kinds) {
      const seed = seedBase + i;
      if (kind === 'ci-history') ciHistory(dir, seed);
      else if (kind === 'run-compare') runCompare(dir, seed);
      else if (['aa-node', 'aa-chromium', 'x1.10', 'x1.05'].includes(kind)) abInvocation(dir, kind, seed);
      else throw new Error(`KINDS: unknown kind '${kind}' (aa-node, aa-chromium, x1.10, x1.05, ci-history, run-compare)`);
    }
  if (existsSync(join(dir, 'bench-ab.jsonl'))) process.stdout.write(`\n${table(dir)}\n${uptime()}\n`);
}
