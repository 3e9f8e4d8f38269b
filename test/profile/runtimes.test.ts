/**
 * Each runtime's profiler, on the smallest variant (α 0.25 × 128): the reference's layer times
 * against its own whole-inference time, ORT's node names against the ONNX graph we export,
 * tfjs's kernels against the spec, and the trace events as Chrome trace-event JSON.
 */
import '../runtimes/fixtures.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { specOf } from '../../models/weights/canonical.ts';
import { ReferenceNetwork, createReferenceModel } from '../../models/reference/index.ts';
import { slowLayer } from '../helpers/slow-layer.ts';
import { profileReference } from '../../models/reference/profile.ts';
import { exportOnnx } from '../../models/onnx/export.ts';
import { layerOfOrtNode } from '../../models/onnx/profile-ort.ts';
import { createOrtNodeModel } from '../../models/onnx/ort-node.ts';
import { createOrtWebModel } from '../../models/onnx/ort-web.ts';
import { createTfjsModel } from '../../models/tfjs.ts';
import type { LoadedModel } from '../../models/runtime.ts';
import { profileModel, summarizeProfile } from '../../harness/probe/profile.ts';
import { median } from '../../contract/stats/describe.ts';
import { compareProfiles } from '../../analysis/compare/profile-delta.ts';
import { decodeMessage, bytesOf, stringOf, seededInput } from '../runtimes/fixtures.ts';

const weights = syntheticWeights(0.25, 128, { seed: 0 });
const spec = specOf(weights);
const input = seededInput(128);
const now = () => performance.now();
const LAYERS = spec.layers.map((l) => l.name);

/** Node names and op types of the ONNX graph we export (ModelProto.graph = 7, GraphProto.node = 1, NodeProto.name = 3, op_type = 4). */
function exportedNodes(): Array<{ name: string; op: string }> {
  const graph = decodeMessage(bytesOf(decodeMessage(exportOnnx(weights)), 7)[0]);
  return bytesOf(graph, 1).map((n) => {
    const f = decodeMessage(n);
    return { name: stringOf(f, 3)!, op: stringOf(f, 4)! };
  });
}

test('reference: its layer times add up to its own whole-inference time, and match an unprofiled inference', () => {
  const net = new ReferenceNetwork(weights);
  const raw = profileReference(net, input, { inferences: 5, now });
  assert.ok(raw.available);
  for (const inf of raw.inferences) {
    assert.deepEqual(
      inf.ops.map((o) => o.layer),
      LAYERS,
    );
    // The clock is read between layers, inside the timed call: the layers never exceed it.
    assert.ok(inf.ops.reduce((s, o) => s + o.durMs, 0) <= inf.wallMs + 1e-6);
  }
  // ... and cover it but for the call itself (medians: a preemption outside the layers hits one inference, not most).
  const covered = median(raw.inferences.map((inf) => inf.ops.reduce((s, o) => s + o.durMs, 0) / inf.wallMs));
  assert.ok(covered >= 0.8, `layers cover ${covered} of the whole inference`);
  assert.equal(summarizeProfile(raw, spec, 'test/reference').mappedLayers, 29);
  // Summed layer times against plain inferences, interleaved so that the machine's load hits both alike.
  const plain: number[] = [];
  const layered: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = now();
    net.infer(input);
    plain.push(now() - t0);
    layered.push(net.inferTimed(input, now).layers.reduce((s, l) => s + l.durMs, 0));
  }
  const ratio = median(layered) / median(plain);
  assert.ok(ratio > 0.5 && ratio < 2, `summed layers ${median(layered)} ms vs a plain inference ${median(plain)} ms`);
});

test('reference: the test-only slow-layer hook shows up in that layer alone', () => {
  const fast = summarizeProfile(profileReference(new ReferenceNetwork(weights), input, { inferences: 5, now }), spec, 'fast');
  const restore = slowLayer('pw5:30');
  let slowed: typeof fast;
  try {
    slowed = summarizeProfile(profileReference(new ReferenceNetwork(weights), input, { inferences: 5, now }), spec, 'slow');
  } finally {
    restore();
  }
  const ms = (p: typeof fast, name: string) => p.layers.find((l) => l.name === name)!.ms!;
  assert.ok(ms(slowed, 'pw5') >= 30, `pw5 took ${ms(slowed, 'pw5')} ms`);
  // Half the injected time is a margin for load on a shared machine; the layer is what matters.
  assert.ok(ms(slowed, 'pw5') - ms(fast, 'pw5') > 15, `pw5 ${ms(fast, 'pw5')} → ${ms(slowed, 'pw5')} ms`);
  assert.equal(compareProfiles(fast, slowed).located[0]?.layer, 'pw5');
  assert.throws(() => slowLayer('pw5'), /expected <layer>:<ms>/);
  // Restored: a network is fast again.
  const again = summarizeProfile(profileReference(new ReferenceNetwork(weights), input, { inferences: 5, now }), spec, 'again');
  assert.ok(ms(again, 'pw5') < 30, `pw5 took ${ms(again, 'pw5')} ms after the hook was removed`);
});

test('ORT mapping: every exported node maps to the layer it computes; glue nodes map to none', () => {
  const nodes = exportedNodes();
  const mapped = new Set<string>();
  for (const n of nodes) {
    const layer = layerOfOrtNode(n.name);
    if (n.op === 'Conv' || n.op === 'Gemm' || n.op === 'GlobalAveragePool') {
      assert.equal(layer, n.name, `${n.op} node ${n.name}`);
      mapped.add(layer!);
    } else if (n.op === 'Clip') assert.equal(`${layer}.relu6`, n.name);
    else assert.equal(layer, undefined, `${n.op} node ${n.name} is glue, not a layer`);
  }
  assert.deepEqual([...mapped], LAYERS);
  // Names ORT gives fused nodes keep the layer's prefix; others do not belong to a layer.
  assert.equal(layerOfOrtNode('pw13.out_nchwc'), 'pw13');
  assert.equal(layerOfOrtNode('dw1'), 'dw1');
  assert.equal(layerOfOrtNode('ReorderOutput'), undefined);
  assert.equal(layerOfOrtNode('pw1x'), undefined);
});

/** Profile a model and check that every spec layer got exactly one op per inference, each a node of the exported graph. */
async function checkOrtProfile(model: LoadedModel) {
  const graphLayers = new Set(
    exportedNodes()
      .map((n) => layerOfOrtNode(n.name))
      .filter(Boolean),
  );
  const raw = await model.profile!(input, { inferences: 3, now });
  assert.ok(raw.available, raw.available ? '' : raw.unavailable);
  assert.equal(raw.inferences.length, 3);
  for (const inf of raw.inferences) {
    for (const op of inf.ops) if (op.layer) assert.ok(graphLayers.has(op.layer), `${op.name} → ${op.layer}`);
    assert.deepEqual(
      inf.ops.filter((o) => o.layer).map((o) => o.layer),
      LAYERS,
      'one node per layer, in network order',
    );
    assert.ok(
      inf.ops.some((o) => !o.layer && o.name === 'to_nchw'),
      'the input transpose is kept as other',
    );
  }
  const profile = summarizeProfile(raw, spec, 'test/ort');
  assert.equal(profile.mappedLayers, 29);
  assert.ok(profile.otherMs! > 0);
  return profile;
}

test("onnxruntime-node: session profiling maps onto all 29 layers, from the graph's node names", async () => {
  const model = await createOrtNodeModel(weights, { backend: 'cpu', threads: 1 });
  try {
    const profile = await checkOrtProfile(model);
    assert.match(profile.layers[1].mapping ?? '', /fused/);
  } finally {
    await model.dispose();
  }
});

test('onnxruntime-web (wasm, in Node): the printed profile is captured and maps onto all 29 layers', async () => {
  const model = await createOrtWebModel(weights, { backend: 'wasm', threads: 1 });
  try {
    await checkOrtProfile(model);
  } finally {
    await model.dispose();
  }
});

test('tfjs (wasm): tf.profile kernels map onto all 29 layers; the trace is Chrome trace-event JSON', async () => {
  const model = await createTfjsModel(weights, { backend: 'wasm' });
  try {
    const profile = await profileModel(model, input, spec, 'node/tfjs-wasm/0.25_128', 3, now);
    assert.ok(profile.available, profile.unavailable);
    assert.equal(profile.mappedLayers, 29);
    assert.deepEqual(
      profile.layers.map((l) => l.name),
      [...LAYERS, 'other'],
    );
    assert.equal(profile.startTimes, 'sequential');
    for (const l of profile.layers.slice(0, -1)) assert.ok(l.ms! > 0 && l.gmacPerSecond! > 0, l.name);
    const trace = JSON.parse(JSON.stringify({ traceEvents: profile.traceEvents })) as {
      traceEvents: Array<{ ph: string; ts?: number; dur?: number; name: string }>;
    };
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    assert.equal(complete.filter((e) => e.name.startsWith('inference ')).length, 3);
    for (const e of complete) assert.ok(Number.isFinite(e.ts) && Number.isFinite(e.dur) && e.dur! >= 0, e.name);
  } finally {
    await model.dispose();
  }
});

test('a model without a profiler, or whose profiler fails, gives an unavailable profile with the reason', async () => {
  const model = await createReferenceModel(weights, { backend: 'js' });
  const bare: LoadedModel = { run: model.run, effective: model.effective, dispose: model.dispose };
  const none = await profileModel(bare, input, spec, 'x', 2, now);
  assert.equal(none.available, false);
  assert.match(none.unavailable!, /no profiler/);
  const failing: LoadedModel = {
    ...bare,
    profile: async () => {
      throw new Error('boom');
    },
  };
  const failed = await profileModel(failing, input, spec, 'x', 2, now);
  assert.match(failed.unavailable!, /profiling pass failed: boom/);
  assert.deepEqual(failed.layers, []);
});

test('tfjs GPU backends without timers are refused with the reason, never timed by readbacks or zeros', async () => {
  const { gpuTimerMissing } = await import('../../models/tfjs-profile.ts');
  assert.match(gpuTimerMissing('webgl', { timerAvailable: () => false })!, /no reliable GPU timer queries.*readbacks/);
  assert.match(gpuTimerMissing('webgpu', { supportTimestampQuery: false })!, /timestamp-query.*0 ms/);
  assert.equal(gpuTimerMissing('webgl', { timerAvailable: () => true }), null);
  assert.equal(gpuTimerMissing('webgpu', { supportTimestampQuery: true }), null);
  assert.equal(gpuTimerMissing('wasm', {}), null);
});
