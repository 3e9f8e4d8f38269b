/**
 * Canonical weights → a TensorFlow.js Layers model (model.json + one shard) in the Keras
 * transfer-learning shape: the MobileNet V1 backbone (batch norm written as identity: γ 1,
 * β = the folded bias, mean 0, variance 1, ε 0), GlobalAveragePooling2D, Dropout, Dense.
 * What the loader (tfjs-layers.ts) reads back; used to write a fine-tuned model.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specOf, validateWeights, type CanonicalWeights } from './canonical.ts';

/** Writes `dir/model.json` and `dir/weights.bin`; returns the model.json path. */
export function writeTfjsLayers(weights: CanonicalWeights, dir: string, name = 'mobilenet_v1_finetuned'): string {
  validateWeights(weights);
  const spec = specOf(weights);
  const byName = new Map(weights.layers.map((l) => [l.name, l]));
  const layers: unknown[] = [
    {
      class_name: 'InputLayer',
      name: 'input_1',
      config: { name: 'input_1', batch_input_shape: [null, weights.resolution, weights.resolution, 3], dtype: 'float32' },
      inbound_nodes: [],
    },
  ];
  const manifest: Array<{ name: string; shape: number[]; dtype: 'float32' }> = [];
  const data: Float32Array[] = [];
  let previous = 'input_1';
  const add = (class_name: string, layerName: string, config: Record<string, unknown>) => {
    layers.push({ class_name, name: layerName, config: { name: layerName, ...config }, inbound_nodes: [[[previous, 0, 0, {}]]] });
    previous = layerName;
  };
  const tensor = (n: string, shape: number[], values: Float32Array) => {
    manifest.push({ name: n, shape, dtype: 'float32' });
    data.push(values);
  };
  const bn = (n: string, bias: Float32Array) => {
    add('BatchNormalization', n, { epsilon: 0, center: true, scale: true });
    const c = bias.length;
    tensor(`${n}/gamma`, [c], new Float32Array(c).fill(1));
    tensor(`${n}/beta`, [c], bias);
    tensor(`${n}/moving_mean`, [c], new Float32Array(c));
    tensor(`${n}/moving_variance`, [c], new Float32Array(c).fill(1));
  };
  for (const l of spec.layers) {
    const w = byName.get(l.name);
    if (l.kind === 'conv' && w) {
      add('Conv2D', 'conv1', { filters: l.outChannels, kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false });
      tensor('conv1/kernel', [3, 3, 3, l.outChannels], w.kernel);
      bn('conv1_bn', w.bias);
      add('Activation', 'conv1_relu', { activation: 'relu6' });
    } else if (l.kind === 'depthwise' && w) {
      const n = `conv_dw_${l.name.slice(2)}`;
      add('DepthwiseConv2D', n, { kernel_size: [3, 3], strides: [l.stride, l.stride], padding: 'same', depth_multiplier: 1, use_bias: false });
      tensor(`${n}/depthwise_kernel`, [3, 3, l.inChannels, 1], w.kernel);
      bn(`${n}_bn`, w.bias);
      add('Activation', `${n}_relu`, { activation: 'relu6' });
    } else if (l.kind === 'pointwise' && w) {
      const n = `conv_pw_${l.name.slice(2)}`;
      add('Conv2D', n, { filters: l.outChannels, kernel_size: [1, 1], strides: [1, 1], padding: 'same', use_bias: false });
      tensor(`${n}/kernel`, [1, 1, l.inChannels, l.outChannels], w.kernel);
      bn(`${n}_bn`, w.bias);
      add('Activation', `${n}_relu`, { activation: 'relu6' });
    } else if (l.kind === 'avgpool') {
      add('GlobalAveragePooling2D', 'global_average_pooling2d', {});
      add('Dropout', 'dropout', { rate: 0.2 });
    } else if (l.kind === 'fc' && w) {
      add('Dense', 'predictions', { units: l.outChannels, activation: 'linear', use_bias: true });
      tensor('predictions/kernel', [l.inChannels, l.outChannels], w.kernel);
      tensor('predictions/bias', [l.outChannels], w.bias);
    }
  }
  const total = data.reduce((a, d) => a + d.length, 0);
  const joined = new Float32Array(total);
  let at = 0;
  for (const d of data) {
    joined.set(d, at);
    at += d.length;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(joined.buffer));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'mobilenet-bench',
    modelTopology: { class_name: 'Model', config: { name, layers, input_layers: [['input_1', 0, 0]], output_layers: [[previous, 0, 0]] } },
    weightsManifest: [{ paths: ['weights.bin'], weights: manifest }],
  };
  const file = join(dir, 'model.json');
  writeFileSync(file, JSON.stringify(modelJson));
  return file;
}
