/**
 * Preloaded into a job process (SLOW_LAYER_EXEC_ARGV): slows the layer SLOW_LAYER_ENV names, if any,
 * in the ReferenceNetwork the job runs: the built one (dist/) when the job process is built JavaScript, else the source.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SLOW_LAYER_ENV, slowLayer } from './slow-layer.ts';

const spec = process.env[SLOW_LAYER_ENV];
if (spec) {
  const built = process.argv[1]?.endsWith('.js');
  const network = built
    ? (
        (await import(pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'models', 'reference', 'index.js')).href)) as {
          ReferenceNetwork: { prototype: object };
        }
      ).ReferenceNetwork
    : undefined;
  slowLayer(spec, network);
}
