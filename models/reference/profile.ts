/**
 * The reference implementation's own profiler: the clock read between layers of its layer
 * loop (ReferenceNetwork.inferTimed). Every layer is one op, named as in models/spec.ts, so
 * the mapping is the identity and nothing is left as `other`.
 */
import type { ProfileOptions, RuntimeProfile } from '../profile.ts';
import type { NetworkSpec } from '../spec.ts';

/** Profile `options.inferences` inferences (after one unrecorded warm-up). */
/** What profiling needs of the reference network (ReferenceNetwork in index.ts has it). */
export interface TimedNetwork {
  spec: NetworkSpec;
  inferTimed(input: Float32Array, now: () => number): { layers: { name: string; startMs: number; durMs: number }[] };
}

export function profileReference(net: TimedNetwork, input: Float32Array, options: ProfileOptions): RuntimeProfile {
  net.inferTimed(input, options.now);
  const inferences = [];
  for (let i = 0; i < options.inferences; i++) {
    const t0 = options.now();
    const { layers } = net.inferTimed(input, options.now);
    const wallMs = options.now() - t0;
    inferences.push({
      wallMs,
      ops: layers.map((l) => ({
        name: l.name,
        op: net.spec.layers.find((s) => s.name === l.name)?.kind ?? 'layer',
        startMs: l.startMs,
        durMs: l.durMs,
        layer: l.name,
      })),
    });
  }
  return {
    available: true,
    source: "reference: the clock (performance.now) read between layers in the reference's own layer loop",
    startTimes: 'measured',
    inferences,
  };
}
