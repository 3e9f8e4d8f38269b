/**
 * A job process must not outlive the harness (Ctrl-C, a signal to the CLI alone, a crash). When the
 * IPC channel closes it exits; but a busy probe may not reach its event loop for many seconds, so a
 * watcher beside it (a shell loop of builtins: no thread in this process, whose peak RSS is the job's)
 * kills it by PID once its parent changes, and ends by itself when the job process is gone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const WATCH = `child=$1; parent=$2
stat() { line=; read -r line < /proc/$child/stat 2>/dev/null; set -- \${line##*) }; ppid=$2; start=\${20}; }
stat; first=$start
while [ -n "$first" ]; do
  stat
  [ "$start" = "$first" ] || exit 0
  [ "$ppid" = "$parent" ] || { kill -9 $child; exit 0; }
  sleep 1
done`;

/** Exit when the parent's IPC channel closes, and start the watcher that kills this process once its parent is gone. */
export function exitWithParent(): void {
  process.on('disconnect', () => process.exit(1));
  if (existsSync(`/proc/${process.pid}/stat`)) {
    spawn('/bin/sh', ['-c', WATCH, 'mobilenet-bench-watch', String(process.pid), String(process.ppid)], { stdio: 'ignore' }).unref();
  }
}
