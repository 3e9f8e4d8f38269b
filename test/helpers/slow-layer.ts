/**
 * Test-only: make one layer of the reference slow (busy-wait after it), to check that profiles
 * and compare locate a slowdown in the layer where it happened. The oracle ships no test code,
 * so this wraps the reference network from outside: in this process with `slowLayer(spec)`, in
 * a node target's job processes with SLOW_LAYER_EXEC_ARGV (a preload, see slow-layer-preload.ts)
 * and SLOW_LAYER_ENV in the environment they inherit.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ReferenceNetwork } from '../../models/reference/index.ts';

/** `<layer>:<ms>`, e.g. `pw5:20`, read by the preload in each job process. */
export const SLOW_LAYER_ENV = 'MOBILENET_BENCH_TEST_SLOW_LAYER';

/** A node target's `execArgv` that loads the preload (inert unless SLOW_LAYER_ENV is set). */
export const SLOW_LAYER_EXEC_ARGV = ['--import', pathToFileURL(join(import.meta.dirname, 'slow-layer-preload.ts')).href];

/** `pw5:30` → { layer: 'pw5', ms: 30 }; anything else throws, naming the form. */
export function parseSlowLayer(raw: string): { layer: string; ms: number } {
  const m = /^([a-z]+\d*):(\d+(?:\.\d+)?)$/.exec(raw);
  if (!m) throw new Error(`${SLOW_LAYER_ENV}='${raw}': expected <layer>:<ms>, e.g. pw5:20`);
  return { layer: m[1], ms: Number(m[2]) };
}

/** Spin for `ms` milliseconds (a stand-in for a slower kernel). */
function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

type Run = (input: Float32Array, observe?: (name: string, output: Float32Array) => void) => void;

/**
 * Slow `layer` down by `ms` in every ReferenceNetwork until the returned function is called.
 * The wait sits between the layer and whatever observes it (the profiler's clock), exactly where
 * a slower kernel's time would be.
 */
export function slowLayer(spec: string, network: { prototype: object } = ReferenceNetwork): () => void {
  const { layer, ms } = parseSlowLayer(spec);
  const proto = network.prototype as unknown as { run: Run };
  const original = proto.run;
  proto.run = function (this: unknown, input, observe) {
    return original.call(this, input, (name, output) => {
      if (name === layer) busyWait(ms);
      observe?.(name, output);
    });
  };
  return () => {
    proto.run = original;
  };
}
