import test from 'node:test';
import assert from 'node:assert/strict';
import { mobilenetV1 } from '../../models/spec.ts';
import { arithmeticIntensity, layerBytes, networkBytes } from '../../models/traffic.ts';

const net = mobilenetV1(1, 224);
const layer = (name: string) => net.layers.find((l) => l.name === name)!;

test('conv0 at 1.0-224: bytes and intensity by hand', () => {
  // in 224·224·3 = 150 528, out 112·112·32 = 401 408, weights 3·3·3·32 = 864 + 32 biases: 552 832 elements.
  const conv0 = layer('conv0');
  assert.equal(conv0.macs, 27 * 32 * 112 * 112); // 10 838 016
  assert.equal(layerBytes(conv0, 'float32'), 552_832 * 4);
  assert.equal(layerBytes(conv0, 'uint8'), 552_832);
  assert.ok(Math.abs(arithmeticIntensity(conv0.macs, layerBytes(conv0, 'float32')) - 10_838_016 / 2_211_328) < 1e-12);
  assert.equal(arithmeticIntensity(conv0.macs, layerBytes(conv0, 'float32')).toFixed(4), '4.9011');
  assert.equal(arithmeticIntensity(conv0.macs, layerBytes(conv0, 'uint8')).toFixed(4), '19.6045');
});

test('dw1 at 1.0-224: a depthwise layer moves about a byte per multiply-add', () => {
  // in and out 112·112·32 = 401 408 each, weights 3·3·32 = 288 + 32 biases: 803 136 elements; 9·32·112·112 = 3 612 672 MACs.
  const dw1 = layer('dw1');
  assert.equal(dw1.macs, 3_612_672);
  assert.equal(layerBytes(dw1, 'float32'), 3_212_544);
  assert.equal(arithmeticIntensity(dw1.macs, layerBytes(dw1, 'float32')).toFixed(4), '1.1246');
  assert.equal(arithmeticIntensity(dw1.macs, layerBytes(dw1, 'uint8-dequantized')).toFixed(4), '1.1246');
});

test('pw1 at 1.0-224: a pointwise layer is ten times as intense as its depthwise neighbour', () => {
  // in 112·112·32 = 401 408, out 112·112·64 = 802 816, weights 32·64 = 2048 + 64: 1 206 336 elements; 32·64·12 544 MACs.
  const pw1 = layer('pw1');
  assert.equal(layerBytes(pw1, 'float32'), 1_206_336 * 4);
  assert.equal(arithmeticIntensity(pw1.macs, layerBytes(pw1, 'float32')).toFixed(4), (25_690_112 / 4_825_344).toFixed(4));
});

test('the network total is the sum of its layers', () => {
  const total = net.layers.reduce((s, l) => s + layerBytes(l, 'float32'), 0);
  assert.equal(networkBytes(net, 'float32'), total);
  assert.equal(networkBytes(net, 'uint8') * 4, total);
});
