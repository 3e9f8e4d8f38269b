/** Progress of a run: one rewritten status line on a terminal, plain lines otherwise (CI logs). */
import type { RunEvent } from '../run.ts';
import type { JobResult } from '../results.ts';

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** `m:ss` for an ETA. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One short line about a finished job. */
export function describeResult(r: JobResult): string {
  if (r.status === 'ok' || r.status === 'invalid') {
    const l = r.latency!;
    const base = `${r.status === 'ok' ? 'ok' : 'INVALID'}  median ${fmtMs(l.medianMs)} ms [${fmtMs(l.ci95Ms[0])}–${fmtMs(l.ci95Ms[1])}] n=${l.samplesMs.length}`;
    return r.status === 'invalid' ? `${base} (${r.error})` : base;
  }
  return `${r.status.toUpperCase()}  ${r.error?.split('\n')[0] ?? ''}`;
}

/** A listener for runBenchmark's events writing to `stream`. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (e: RunEvent) => void {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let finishedHere = 0;
  let spentMs = 0;
  const eta = (index: number, total: number) => (finishedHere ? ` ETA ${formatDuration((spentMs / finishedHere) * (total - index + 1))}` : '');
  return (e) => {
    switch (e.type) {
      case 'start':
        stream.write(`${e.resumed ? 'Resuming' : 'Running'} ${e.total} jobs into ${e.dir}${e.done ? ` (${e.done} already done)` : ''}\n`);
        break;
      case 'preparing':
        stream.write(`Preparing ${e.what} …\n`);
        break;
      case 'job-start':
        if (tty) stream.write(`\r\x1b[K[${e.index}/${e.total}] ${e.job.id} …${eta(e.index, e.total)}`);
        break;
      case 'job-end':
        finishedHere++;
        spentMs = Date.now() - started;
        stream.write(`${tty ? '\r\x1b[K' : ''}[${e.index}/${e.total}] ${e.result.id}  ${describeResult(e.result)}\n`);
        break;
      case 'end':
        stream.write(`Done in ${formatDuration(Date.now() - started)}: ${e.dir}\n`);
        break;
    }
  };
}
