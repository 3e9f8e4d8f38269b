/**
 * Preloaded into an A/B side's worker processes (`--import` in a `config:` overlay's execArgv): after
 * each ONNX Runtime inference, memory-bound extra work (a strided walk over a 64 MiB buffer, one read
 * per cache line, so it waits on memory, not on the ALU) for AB_SLOWDOWN_FACTOR × that inference's
 * time (default 0.10). It slows ort-node and ort-web jobs by about that factor, the way a real
 * memory-bound regression would, for the A/B tests and `bench:ab`.
 */
import { createRequire } from 'node:module';

export const AB_SLOWDOWN_ENV = 'AB_SLOWDOWN_FACTOR';
const factor = Number(process.env[AB_SLOWDOWN_ENV] ?? '0.10');
const buffer = new Float64Array((64 * 2 ** 20) / 8);
for (let i = 0; i < buffer.length; i += 512) buffer[i] = i;
/** Doubles per 64-byte cache line. */
const STRIDE = 8;
let position = 0;
let sink = 0;

/** Walk the buffer for `ms` milliseconds. */
function memoryWork(ms: number): void {
  const end = performance.now() + ms;
  do {
    let s = 0;
    // 128 cache lines (8 KiB, a few µs of misses) between clock reads, so the work ends close to its time.
    for (let n = 0; n < 128; n++) {
      s += buffer[position];
      position += STRIDE;
      if (position >= buffer.length) position = (position % STRIDE) + 1;
    }
    sink += s;
  } while (performance.now() < end);
}

const common = createRequire(import.meta.url)('onnxruntime-common') as { InferenceSession: { prototype: { run: (...a: unknown[]) => Promise<unknown> } } };
const run = common.InferenceSession.prototype.run;
common.InferenceSession.prototype.run = async function (this: unknown, ...args: unknown[]) {
  const t0 = performance.now();
  const out = await run.apply(this, args);
  memoryWork((performance.now() - t0) * factor);
  return out;
};
process.on('exit', () => {
  if (sink === Number.MIN_VALUE) process.stdout.write(''); // keeps the walk from being optimised away
});
