/**
 * Runtime factories for the local Node job (harness/probe/node-job.ts): every implementation the
 * registry marks `node: true`, imported on demand (onnxruntime-node must not load unless asked).
 */
import type { Loaders } from '../runtime.ts';
import type { RunsOn } from '../registry.ts';

export const NODE_LOADERS: Loaders<RunsOn<'node'>> = {
  reference: async () => (await import('../reference/index.ts')).createReferenceModel,
  tfjs: async () => (await import('../tfjs.ts')).createTfjsModel,
  'ort-web': async () => (await import('../onnx/ort-web.ts')).createOrtWebModel,
  'ort-node': async () => (await import('../onnx/ort-node.ts')).createOrtNodeModel,
  litert: async () => (await import('../litert.ts')).createLiteRtModel,
};
