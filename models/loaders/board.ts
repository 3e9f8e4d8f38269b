/**
 * Runtime factories for the job bundle an SSH board runs (harness/probe/board-job.ts): only the
 * implementations the registry marks `board: true`, so the bundle carries no other runtime.
 */
import type { Loaders } from '../runtime.ts';
import type { RunsOn } from '../registry.ts';

export const BOARD_LOADERS: Loaders<RunsOn<'board'>> = {
  reference: async () => (await import('../reference/index.ts')).createReferenceModel,
  tfjs: async () => (await import('../tfjs.ts')).createTfjsModel,
  'ort-web': async () => (await import('../onnx/ort-web.ts')).createOrtWebModel,
  'ort-node': async () => (await import('../onnx/ort-node.ts')).createOrtNodeModel,
};
