/** Progress of a run: a live block of busy workers on a terminal, plain lines otherwise (CI logs). */
import { fmtMs } from '../contract/format.ts';
import type { RunEvent } from '../harness/run.ts';
import type { JobResult } from '../contract/results.ts';
import { redactText } from '../contract/secrets.ts';

/** `m:ss` for an ETA. */
function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One short line about a finished job. */
function describeResult(r: JobResult): string {
  if (r.status === 'ok' || r.status === 'invalid') {
    const l = r.latency!;
    const base = `${r.status === 'ok' ? 'ok' : 'INVALID'}  median ${fmtMs(l.medianMs)} ms [${fmtMs(l.ci95Ms[0])}–${fmtMs(l.ci95Ms[1])}] n=${l.samplesMs.length}`;
    return r.status === 'invalid' ? `${base} (${r.error})` : base;
  }
  return `${r.status.toUpperCase()}  ${r.error?.split('\n')[0] ?? ''}`;
}

/** " on grid-desktop#1" for a pooled target's instance (the job id already names the target). */
const onWorker = (worker: string) => (worker.includes('#') ? ` on ${worker}` : '');

/**
 * A listener for runBenchmark's events writing to `stream`. On a terminal: finished jobs
 * scroll above a live block with each busy worker's current job and the overall count;
 * otherwise (CI logs) one plain line per finished job.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, now = () => Date.now()): (e: RunEvent) => void {
  const tty = Boolean(stream.isTTY);
  const started = now();
  let finishedHere = 0;
  let finished = 0;
  let total = 0;
  const active = new Map<string, { job: string; since: number }>();
  let drawn = 0;
  const eta = () => (finishedHere ? ` ETA ${formatDuration(((now() - started) / finishedHere) * (total - finished))}` : '');
  // Replace the live block (its lines are the last `drawn` lines on screen) with `lines` plus a fresh block.
  const redraw = (shown: string[]) => {
    // The run redacts known secrets from its events; a URL's credentials or a `key=value` pair never show either.
    const lines = shown.map((l) => redactText(l));
    if (!tty) {
      for (const l of lines) stream.write(`${l}\n`);
      return;
    }
    let out = drawn ? `\x1b[${drawn}F\x1b[J` : '';
    for (const l of lines) out += `${l}\n`;
    const block = [...active].map(([worker, a]) => `  ${worker}: ${a.job} … ${formatDuration(now() - a.since)}`);
    if (block.length) block.push(`[${finished}/${total}] ${active.size} running${eta()}`);
    for (const l of block) out += `${l}\n`;
    drawn = block.length;
    stream.write(out);
  };
  return (e) => {
    switch (e.type) {
      case 'start':
        total = e.total;
        finished = e.done;
        redraw([`${e.resumed ? 'Resuming' : 'Running'} ${e.total} jobs into ${e.dir}${e.done ? ` (${e.done} already done)` : ''}`]);
        break;
      case 'preparing':
        redraw([`Preparing ${e.what} …`]);
        break;
      case 'notice':
        stream.write(`${tty ? '\r\x1b[K' : ''}${redactText(e.message)}\n`);
        break;
      case 'job-start':
        active.set(e.worker, { job: e.job.id, since: now() });
        if (tty) redraw([]);
        break;
      case 'job-end':
        active.delete(e.worker);
        finishedHere++;
        finished = e.index;
        redraw([`[${e.index}/${e.total}] ${e.result.id}${onWorker(e.worker)}  ${describeResult(e.result)}`]);
        break;
      case 'worker-lost':
        active.delete(e.worker);
        redraw([`${e.worker} could not start (${e.reason.split('\n')[0]}); its jobs go to the target's other instances`]);
        break;
      case 'end':
        active.clear();
        redraw([`Done in ${formatDuration(now() - started)}: ${e.dir}`]);
        break;
    }
  };
}
