/**
 * A child process for the parallel-resume test: runs (or resumes, with `--resume`) a run of two
 * local targets allowed to share the host, with fake runners whose jobs take `JOB_MS`, printing
 * `start <job>` / `end <job>` lines so the parent knows what is in flight when it kills us.
 */
import { resolveConfig } from '../../../harness/config/schema.ts';
import { baseResult } from '../../../harness/probe/probe.ts';
import { runBenchmark } from '../../../harness/run.ts';

const [dir, mode] = process.argv.slice(2);
const jobMs = Number(process.env.JOB_MS ?? 300);
const config = resolveConfig({
  targets: [{ type: 'node' }, { type: 'chromium', implementations: ['reference'] }],
  variants: { alpha: [0.25, 0.5], resolution: [128, 160] },
  implementations: ['reference'],
  shareHost: true,
});
await runBenchmark({
  config,
  ...(mode === '--resume' ? { resumeDir: dir } : { outDir: dir }),
  runnerFor: () => ({
    async runJob(job) {
      process.stdout.write(`start ${job.id}\n`);
      const startedAt = new Date().toISOString();
      await new Promise((r) => setTimeout(r, jobMs));
      process.stdout.write(`end ${job.id}\n`);
      return { ...baseResult(job, 'ok'), startedAt, durationMs: jobMs };
    },
    async close() {},
  }),
});
