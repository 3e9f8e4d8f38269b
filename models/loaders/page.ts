/**
 * Runtime factories for the probe page: only the implementations the registry marks `page: true`.
 * esbuild splits each literal import into its own chunk, so a page loads only its job's runtime;
 * a runtime a page cannot load (ort-node, a native addon) is not named here, so it never reaches
 * the bundle.
 */
import type { Loaders } from '../runtime.ts';
import type { RunsOn } from '../registry.ts';

export const PAGE_LOADERS: Loaders<RunsOn<'page'>> = {
  reference: async () => (await import('../reference/index.ts')).createReferenceModel,
  tfjs: async () => (await import('../tfjs.ts')).createTfjsModel,
  'ort-web': async () => (await import('../onnx/ort-web.ts')).createOrtWebModel,
  litert: async () => (await import('../litert.ts')).createLiteRtModel,
};
