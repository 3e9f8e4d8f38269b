/** Per-layer deltas on hand-made profiles: the located layers follow the direction of the change, and a spread change names none. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { compareProfiles } from '../../analysis/compare/profile-delta.ts';
import type { Profile } from '../../contract/profile-schema.ts';

function profile(ms: Record<string, number>): Profile {
  const layers = Object.entries(ms).map(([name, v]) => ({
    name,
    kind: name === 'other' ? ('other' as const) : ('pointwise' as const),
    ms: v,
    macs: 1e6,
    gmacPerSecond: null,
    ops: [name],
  }));
  return {
    available: true,
    source: 'test',
    inferences: 3,
    wallMs: null,
    layersMs: null,
    otherMs: null,
    unattributedMs: null,
    mappedLayers: layers.length,
    layers,
    trace: null,
  };
}

test('compareProfiles: faster in one layer, slower in another; spread changes locate nothing', () => {
  const faster = compareProfiles(profile({ pw1: 10, pw2: 5, dw3: 1 }), profile({ pw1: 2, pw2: 5.5, dw3: 1 }));
  assert.deepEqual(
    faster.located.map((l) => l.layer),
    ['pw1'],
  );
  assert.match(faster.summary, /^layers -7\.50 ms in all; pw1 -8\.00 ms \(×0\.20, 107 % of the change\)$/);
  const spread = compareProfiles(
    profile(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`pw${i}`, 1]))),
    profile(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`pw${i}`, 1.1]))),
  );
  assert.equal(spread.located.length, 0);
  assert.match(spread.summary, /spread over the network/);
  const partial = compareProfiles(profile({ pw1: 1 }), { ...profile({ pw1: 1 }), layers: [{ ...profile({ pw1: 1 }).layers[0], ms: null }] });
  assert.deepEqual(partial.layers, []);
});
