/** Preloaded into a job process (SLOW_LAYER_EXEC_ARGV): slows the layer SLOW_LAYER_ENV names, if any. */
import { SLOW_LAYER_ENV, slowLayer } from './slow-layer.ts';

const spec = process.env[SLOW_LAYER_ENV];
if (spec) slowLayer(spec);
