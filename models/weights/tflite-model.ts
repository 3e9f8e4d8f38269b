/** The parts of a .tflite flatbuffer that the loaders read, as plain data (tflite.ts parses them). */
import type { Table } from './flatbuffer.ts';

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: number;
  buffer: number;
  /** Per-tensor or per-axis quantization; absent when the tensor has no scales. */
  quantization?: { scale: number[]; zeroPoint: number[]; quantizedDimension: number };
}

export interface TfliteOperator {
  index: number;
  /** Resolved builtin code: max(deprecated_builtin_code, builtin_code), as TFLite itself does. */
  builtin: number;
  inputs: number[];
  outputs: number[];
  optionsType: number;
  options?: Table;
}

/** The parts of a .tflite file this loader reads (first subgraph only). */
export interface TfliteModel {
  version: number;
  description?: string;
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
  /** Buffer contents, by buffer index (empty for activations). */
  buffers: Uint8Array[];
}
