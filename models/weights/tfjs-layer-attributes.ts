/**
 * A TF.js Layers topology declares what each layer computes (filters, kernel size, strides, padding,
 * dilation, depth multiplier, bias, activation); the weights manifest holds what it was trained with. TF.js itself
 * refuses a file where the two disagree, and our canonical network is built from the weights alone,
 * so a topology that says `conv_pw_3` has 48 filters while its kernel holds 32 would otherwise run
 * as if it were valid. Every backbone layer and the head are checked here, in network order, against
 * the weights and against the spec, and the first layer that differs is named. Attributes a layer
 * does not declare are not checked (Keras writes them all; the loader's defaults apply).
 */
import type { LayerSpec } from '../spec.ts';
import { WeightsError, specOf } from './canonical.ts';

/** A topology layer as the readers see it. */
export interface TopologyLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
}

const same = (a: unknown, b: readonly unknown[]) => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
/** Keras writes a kernel size or stride as [k, k]; a bare number means the same. */
const pair = (v: unknown) => (typeof v === 'number' ? [v, v] : v);
const show = (v: unknown) => JSON.stringify(v);

/**
 * Checks each layer's declared attributes against its weights (`shapeOf`: a manifest entry's shape,
 * undefined when absent) and against MobileNet V1 α × resolution with `classes` outputs. Throws a
 * WeightsError naming the first layer that differs; kernel shapes against the spec are checked here
 * too, in the same order, so the layer named is the first one whatever the kind of difference.
 */
export function checkDeclaredLayers(
  layers: readonly TopologyLayer[],
  shapeOf: (tensor: string) => number[] | undefined,
  variant: { alpha: number; resolution: number; classes: number },
  head: TopologyLayer,
  file: string,
): void {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const notV1 = `not MobileNet V1 α ${variant.alpha} × ${variant.resolution}`;
  const refuse = (layer: string, tensor: string, problem: string): never => {
    throw new WeightsError(file, tensor, `${problem}: the first layer that differs from the spec is ${layer}`);
  };
  const disagree = (layer: string, problem: string): never => {
    throw new WeightsError(
      file,
      layer,
      `${problem}: the topology and the weights disagree (TF.js refuses to load such a file), the first layer that differs is ${layer}`,
    );
  };

  /** The shared checks of a weighted layer: its kernel vs the spec, then each declared attribute. */
  const check = (name: string, l: LayerSpec | undefined, className: string, kernelName: string, expected: number[], spec: Attributes) => {
    const layer = byName.get(name);
    if (!layer) throw new WeightsError(file, name, `layer missing from modelTopology, expected a ${className}`);
    if (layer.class_name !== className) refuse(name, name, `layer is a ${layer.class_name}, expected a ${className}`);
    const c = layer.config;
    const kernel = shapeOf(`${name}/${kernelName}`);
    if (!kernel) throw new WeightsError(file, `${name}/${kernelName}`, 'missing from the weights manifest');
    // The declared output count against the weights first: that is the file contradicting itself.
    const outAxis = kernel[kernel.length - 1];
    if (c.filters !== undefined && c.filters !== outAxis)
      disagree(name, `${name} declares ${show(c.filters)} filters, its weights ${name}/${kernelName} hold ${outAxis} (shape [${kernel}])`);
    if (c.units !== undefined && c.units !== outAxis)
      disagree(name, `${name} declares ${show(c.units)} units, its weights ${name}/${kernelName} hold ${outAxis} (shape [${kernel}])`);
    if (c.depth_multiplier !== undefined && c.depth_multiplier !== outAxis)
      disagree(name, `${name} declares depth_multiplier ${show(c.depth_multiplier)}, its weights ${name}/${kernelName} hold ${outAxis} (shape [${kernel}])`);
    const hasBias = shapeOf(`${name}/bias`) !== undefined;
    if (c.use_bias === true && !hasBias) disagree(name, `${name} declares use_bias true, the weights manifest has no ${name}/bias`);
    if (c.use_bias === false && hasBias) disagree(name, `${name} declares use_bias false, the weights manifest has ${name}/bias`);
    // Then the spec.
    if (!same(kernel, expected)) refuse(name, `${name}/${kernelName}`, `shape is [${kernel}], expected [${expected}]: ${notV1}`);
    if (c.kernel_size !== undefined && kernel.length === 4 && !same(pair(c.kernel_size), kernel.slice(0, 2)))
      disagree(name, `${name} declares kernel_size ${show(c.kernel_size)}, its weights ${name}/${kernelName} are [${kernel}]`);
    if (l && c.strides !== undefined && !same(pair(c.strides), [l.stride, l.stride]))
      refuse(name, name, `${name} declares strides ${show(c.strides)}, MobileNet V1 has [${l.stride}, ${l.stride}] there: ${notV1}`);
    if (c.kernel_size !== undefined && !same(pair(c.kernel_size), spec.kernelSize))
      refuse(name, name, `${name} declares kernel_size ${show(c.kernel_size)}, MobileNet V1 has [${spec.kernelSize}] there: ${notV1}`);
    if (spec.samePadding && c.padding !== undefined && c.padding !== 'same')
      refuse(name, name, `${name} declares padding ${show(c.padding)}, MobileNet V1 uses "same" (TF padding): ${notV1}`);
    if (c.dilation_rate !== undefined && !same(pair(c.dilation_rate), [1, 1]))
      refuse(name, name, `${name} declares dilation_rate ${show(c.dilation_rate)}, MobileNet V1 has [1, 1]: ${notV1}`);
    if (c.activation !== undefined && !spec.activations.includes(c.activation as string))
      refuse(name, name, `${name} declares activation ${show(c.activation)}, expected ${spec.activations.map(show).join(' or ')}: ${notV1}`);
  };
  /** The ReLU6 after each backbone batch norm: the canonical network applies it, so the topology must too. */
  const checkRelu = (name: string) => {
    const r = byName.get(`${name}_relu`);
    if (!r) refuse(name, `${name}_relu`, `${name}_relu is missing: MobileNet V1 applies ReLU6 after ${name}'s batch norm`);
    const c = r!.config;
    const relu6 =
      (r!.class_name === 'Activation' && c.activation === 'relu6') ||
      (r!.class_name === 'ReLU' && c.max_value === 6 && (c.negative_slope ?? 0) === 0 && (c.threshold ?? 0) === 0);
    if (!relu6)
      refuse(
        `${name}_relu`,
        `${name}_relu`,
        `${name}_relu is a ${r!.class_name} ${show(c.activation ?? c)}, expected ReLU6 (Activation 'relu6' or ReLU max_value 6): ${notV1}`,
      );
  };

  const conv: Attributes = { kernelSize: [3, 3], activations: ['linear'], samePadding: true };
  const pointwise: Attributes = { kernelSize: [1, 1], activations: ['linear'], samePadding: true };
  for (const l of specOf(variant).layers) {
    if (l.kind === 'conv') {
      check('conv1', l, 'Conv2D', 'kernel', [3, 3, l.inChannels, l.outChannels], conv);
      checkRelu('conv1');
    } else if (l.kind === 'depthwise') {
      const n = `conv_dw_${l.name.slice(2)}`;
      check(n, l, 'DepthwiseConv2D', 'depthwise_kernel', [3, 3, l.inChannels, 1], conv);
      checkRelu(n);
    } else if (l.kind === 'pointwise') {
      const n = `conv_pw_${l.name.slice(2)}`;
      check(n, l, 'Conv2D', 'kernel', [1, 1, l.inChannels, l.outChannels], pointwise);
      checkRelu(n);
    } else if (l.kind === 'fc') {
      // Activations after the classifier are ignored at inference (logits are compared).
      const logits: Attributes = { kernelSize: [1, 1], activations: ['linear', 'softmax'], samePadding: false };
      const shape = head.class_name === 'Dense' ? [l.inChannels, l.outChannels] : [1, 1, l.inChannels, l.outChannels];
      check(head.name, head.class_name === 'Conv2D' ? l : undefined, head.class_name, 'kernel', shape, logits);
    }
  }
}

/** What the spec asks of a layer's declared attributes. */
interface Attributes {
  kernelSize: number[];
  activations: string[];
  /** TF 'same' padding, as every backbone layer of the spec (a 1×1 head on a 1×1 map pads nothing either way). */
  samePadding: boolean;
}
