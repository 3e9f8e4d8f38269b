/**
 * The runtime registry is the one table: each platform's loaders list exactly what it says runs
 * there, the spec parser and the plan's impossible pairs read it, and a platform asked for a
 * runtime it cannot load fails with the table's reason.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { IMPL_NAMES, PLATFORMS, RUNTIMES, runtimePackages, unsupportedOn, type Platform } from '../../models/registry.ts';
import { NODE_LOADERS } from '../../models/loaders/node.ts';
import { PAGE_LOADERS } from '../../models/loaders/page.ts';
import { BOARD_LOADERS } from '../../models/loaders/board.ts';
import { loadFactory } from '../../models/loaders/pick.ts';
import { IMPLEMENTATION_IDS, parseImplementation } from '../../harness/config/implementations.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';

const LOADERS: Record<Platform, object> = { node: NODE_LOADERS, page: PAGE_LOADERS, board: BOARD_LOADERS };

test('each platform loads exactly the runtimes the registry says run there', () => {
  for (const p of PLATFORMS) {
    const expected = IMPL_NAMES.filter((i) => unsupportedOn(p, i) === null).sort();
    assert.deepEqual(Object.keys(LOADERS[p]).sort(), expected, p);
  }
  // What the table says today, so a change to it is a visible one.
  assert.match(unsupportedOn('page', 'ort-node')!, /native Node\.js addon/);
  assert.match(unsupportedOn('board', 'litert')!, /not shipped to a board's Node/);
});

test('a platform asked for a runtime it cannot load fails with the registry reason, before importing anything', async () => {
  await assert.rejects(loadFactory('page', PAGE_LOADERS, 'ort-node'), { message: unsupportedOn('page', 'ort-node')! });
  await assert.rejects(loadFactory('board', BOARD_LOADERS, 'litert'), { message: unsupportedOn('board', 'litert')! });
  assert.equal(typeof (await loadFactory('node', NODE_LOADERS, 'reference')), 'function');
});

test('the spec parser takes its implementations and backends from the registry', () => {
  for (const impl of IMPL_NAMES) {
    const parsed = parseImplementation(impl);
    assert.deepEqual(parsed, { impl, backend: RUNTIMES[impl].backends[0], threads: null });
    for (const b of RUNTIMES[impl].backends) assert.ok(IMPLEMENTATION_IDS.includes(impl === 'reference' ? impl : `${impl}:${b}`), `${impl}:${b}`);
  }
  assert.match(parseImplementation('ort-node:wasm') as string, /ort-node has no backend 'wasm' \(it has cpu\)/);
  assert.ok(runtimePackages().includes('onnxruntime-node') && runtimePackages().includes('@litertjs/core'));
});

test("the plan skips a pair the registry rules out, with the registry's reason", () => {
  const config = resolveConfig({
    targets: [
      { type: 'chromium', name: 'c' },
      { type: 'ssh', name: 'pi', host: 'pi.lan', hostKeySha256: `SHA256:${'A'.repeat(43)}` },
    ],
    implementations: ['ort-node', 'litert', 'tfjs:wasm'],
    variants: { alpha: [0.25], resolution: [128] },
    precision: ['uint8'],
  });
  const skipped = new Map(planJobs(config).skipped.map((s) => [s.id, s.reason]));
  assert.equal(skipped.get('c/ort-node-cpu/0.25_128-uint8'), unsupportedOn('page', 'ort-node'));
  assert.equal(skipped.get('pi/litert-wasm/0.25_128-uint8'), unsupportedOn('board', 'litert'));
  // tfjs has no integer kernels (registry): its uint8 job runs the dequantized weights.
  const tfjs = [...planJobs(config).jobs, ...planJobs(config).skipped].find((j) => j.id === 'pi/tfjs-wasm/0.25_128-uint8');
  assert.equal(tfjs?.precision, 'uint8-dequantized');
});
