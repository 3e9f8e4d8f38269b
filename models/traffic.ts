/**
 * The bytes each layer must move at least once, for the roofline's arithmetic intensity:
 * its input activations, its output activations, and its weights with one bias per output
 * channel, each element at the job's precision (float32 and uint8 dequantized to float: 4
 * bytes; uint8 on integer kernels: 1 byte). A lower bound: it ignores re-reads a kernel may
 * need (im2col, tiles that miss the cache) and padding. Pure functions over models/spec.ts.
 */
import type { Precision } from './weights/canonical.ts';
import type { LayerSpec, NetworkSpec } from './spec.ts';

/** Bytes of one element as the kernels run it. */
export function elementBytes(precision: Precision): number {
  return precision === 'uint8' ? 1 : 4;
}

/** Elements a layer reads and writes: input map, output map, weights and biases. */
export function layerElements(l: LayerSpec): number {
  return l.inSize * l.inSize * l.inChannels + l.outSize * l.outSize * l.outChannels + l.inferenceParams;
}

/** Bytes a layer must move at this precision. */
export function layerBytes(l: LayerSpec, precision: Precision): number {
  return layerElements(l) * elementBytes(precision);
}

/** Bytes the whole network moves, layer by layer (each layer's output is the next one's input, counted in both). */
export function networkBytes(net: NetworkSpec, precision: Precision): number {
  return net.layers.reduce((s, l) => s + layerBytes(l, precision), 0);
}

/** Arithmetic intensity: multiply-adds per byte moved. */
export function arithmeticIntensity(macs: number, bytes: number): number {
  return bytes > 0 ? macs / bytes : Number.NaN;
}
