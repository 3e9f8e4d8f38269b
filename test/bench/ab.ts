/**
 * `npm run bench:ab`: how often `ab` gets it right on this machine, and how long it takes. Runs
 * INVOCATIONS (default 2) `ab` invocations of each kind on a Node matrix (reference and
 * ort-node:cpu@1 × 0.25_128 and 0.5_160: 4 job-comparisons each): A/A, and B slowed ×1.10 and ×1.05
 * by memory-bound work after each ORT inference (test/helpers/ab-slowdown.ts through a config:
 * overlay; the reference jobs of the same invocation are not slowed). Prints per kind the share of
 * job-comparisons that said slower / faster / no change / inconclusive, the median seconds per job,
 * and the load average. The decision is whatever `ab` uses now (analysis/ab's). Set MAX_SECONDS (default 60) for the cap per job.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../../contract/stats/describe.ts';

const INVOCATIONS = Number(process.env.INVOCATIONS ?? 2);
const MAX_SECONDS = process.env.MAX_SECONDS ?? '60';
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'mobilenet-bench.js');
const SLOWDOWN = join(import.meta.dirname, '..', 'helpers', 'ab-slowdown.ts');
const MATRIX = [
  '--target',
  'node',
  '--impl',
  'reference,ort-node:cpu@1',
  '--alpha',
  '0.25,0.5',
  '--resolution',
  '128,160',
  '--precision',
  'float32',
  '--quick',
];
const root = mkdtempSync(join(tmpdir(), 'mnb-bench-ab-'));
const overlay = join(root, 'slow.json');
writeFileSync(overlay, JSON.stringify({ targets: [{ type: 'node', execArgv: ['--import', SLOWDOWN] }] }));
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

interface JobVerdict {
  id: string;
  verdict: string;
  ratio: number | null;
  seconds: number;
}

const kinds = [
  { name: 'A/A', args: ['--aa'], factor: null },
  { name: 'x1.10 (ORT jobs)', args: ['--b', `config:${overlay}`], factor: '0.10' },
  { name: 'x1.05 (ORT jobs)', args: ['--b', `config:${overlay}`], factor: '0.05' },
];

process.stdout.write(`bench:ab: ${INVOCATIONS} invocation(s) per kind, cap ${MAX_SECONDS} s per job; ${uptime()}\n`);
const rows: string[] = [];
for (const kind of kinds) {
  const seen: Array<JobVerdict & { slowed: boolean }> = [];
  for (let i = 0; i < INVOCATIONS; i++) {
    const out = join(root, `${kind.name.replace(/\W+/g, '-')}-${i}`);
    const r = spawnSync(process.execPath, [CLI, 'ab', ...kind.args, ...MATRIX, '--max-seconds', MAX_SECONDS, '--seed', String(1000 + i), '-o', out], {
      env: { ...process.env, ...(kind.factor ? { AB_SLOWDOWN_FACTOR: kind.factor } : {}) },
      encoding: 'utf8',
    });
    if (r.status === 2) throw new Error(`ab refused: ${r.stderr}`);
    const verdicts = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8')) as { jobs: JobVerdict[] };
    for (const j of verdicts.jobs) seen.push({ ...j, slowed: kind.factor !== null && j.id.includes('/ort-node-') });
    process.stdout.write(
      `  ${kind.name} #${i + 1}: ${verdicts.jobs.map((j) => `${j.id} ${j.verdict} x${j.ratio?.toFixed(3) ?? '-'} ${j.seconds.toFixed(0)} s`).join('; ')}\n`,
    );
  }
  for (const group of [true, false]) {
    const js = seen.filter((j) => j.slowed === group);
    if (!js.length) continue;
    const share = (v: string) => `${js.filter((j) => j.verdict === v).length}/${js.length}`;
    rows.push(
      `| ${kind.name} | ${group ? 'slowed' : 'not slowed'} | ${js.length} | ${share('slower')} | ${share('faster')} | ${share('no change')} | ${share('inconclusive')} | ${median(js.map((j) => j.seconds)).toFixed(1)} |`,
    );
  }
}
process.stdout.write(
  `\n| kind | jobs | job-comparisons | slower | faster | no change | inconclusive | median s per job |\n|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n\n${uptime()}\n`,
);
