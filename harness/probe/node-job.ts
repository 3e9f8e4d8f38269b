/**
 * Entry point of a job's child process: receives one Job over IPC, runs the probe,
 * sends the JobResult back and exits. One process per job, so peak RSS is the job's own.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { installWasmMemoryTracker } from './wasm-memory.ts';

// A job process must not outlive the harness (Ctrl-C, a signal to the CLI alone, a crash). When the
// IPC channel closes it exits; but a busy probe may not reach its event loop for many seconds, so a
// watcher beside it (a shell loop of builtins: no thread in this process, whose peak RSS is the job's)
// kills it by PID once its parent changes, and ends by itself when the job process is gone.
process.on('disconnect', () => process.exit(1));
const WATCH = `child=$1; parent=$2
stat() { line=; read -r line < /proc/$child/stat 2>/dev/null; set -- \${line##*) }; ppid=$2; start=\${20}; }
stat; first=$start
while [ -n "$first" ]; do
  stat
  [ "$start" = "$first" ] || exit 0
  [ "$ppid" = "$parent" ] || { kill -9 $child; exit 0; }
  sleep 1
done`;
if (existsSync(`/proc/${process.pid}/stat`)) {
  spawn('/bin/sh', ['-c', WATCH, 'mobilenet-bench-watch', String(process.pid), String(process.ppid)], { stdio: 'ignore' }).unref();
}

installWasmMemoryTracker();
process.env.ORT_DISABLE_TELEMETRY = '1';

const { runProbe } = await import('./probe.ts');
const { nodeProbeEnvironment } = await import('./node-env.ts');
type Job = import('../plan.ts').Job;

process.once('message', async (job: Job) => {
  const result = await runProbe(job, nodeProbeEnvironment());
  process.send!({ type: 'result', result }, () => process.exit(0));
});
process.send!({ type: 'ready' });
