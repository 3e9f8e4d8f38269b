/** `mobilenet-bench models fetch`: download (or copy from a mirror) the official weights into the cache. */
import { parseArgs } from 'node:util';
import { fetchOfficialWeights } from '../models/weights/fetch.ts';
import { allVariants } from '../models/spec.ts';
import type { Precision } from '../models/weights/canonical.ts';
import { ConfigError } from '../contract/config-error.ts';

export const FETCH_USAGE = `mobilenet-bench models fetch [--alpha LIST] [--resolution LIST] [--precision float32,uint8]
                             [--mirror DIR] [--cache DIR] [--base-url URL]
    official float (TensorFlow.js Layers) and uint8 (TF-slim TFLite) weights into the cache
    (default node_modules/.cache/mobilenet-bench/weights; env MOBILENET_BENCH_WEIGHTS_CACHE);
    --mirror copies from a folder laid out like shared/data/weights instead of downloading
    (env MOBILENET_BENCH_MIRROR); known files are checked against pinned SHA-256s.
`;

/** Run `models fetch`; exit code 1 when any file could not be fetched. */
export async function modelsFetchCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        alpha: { type: 'string' },
        resolution: { type: 'string' },
        precision: { type: 'string' },
        mirror: { type: 'string' },
        cache: { type: 'string' },
        'base-url': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n${FETCH_USAGE}`);
  }
  const nums = (s?: string) => s?.split(',').map(Number);
  const alphas = nums(values.alpha);
  const resolutions = nums(values.resolution);
  const variants = allVariants().filter((v) => (!alphas || alphas.includes(v.alpha)) && (!resolutions || resolutions.includes(v.resolution)));
  if (variants.length === 0) throw new ConfigError('--alpha/--resolution match no official variant (α 1, 0.75, 0.5, 0.25; resolution 224, 192, 160, 128)');
  const precisions = values.precision?.split(',').map((p): Precision => {
    if (p === 'float32') return 'float32';
    if (p === 'uint8') return 'uint8-dequantized';
    throw new ConfigError(`--precision: '${p}' is not one of float32, uint8`);
  });
  const mirror = values.mirror ?? process.env.MOBILENET_BENCH_MIRROR;
  const { cacheDir, files, failures } = await fetchOfficialWeights({
    variants,
    ...(precisions ? { precisions } : {}),
    ...(values.cache ? { cacheDir: values.cache } : {}),
    ...(mirror ? { mirror } : {}),
    ...(values['base-url'] ? { baseUrls: { tfjs: values['base-url'], tflite: values['base-url'] } } : {}),
    onFile: (f) => {
      if (f.relative.endsWith('.json') || f.relative.endsWith('.tflite'))
        process.stderr.write(`  ${f.check.padEnd(10)} ${f.relative}  ${f.sha256.slice(0, 16)}…\n`);
    },
  });
  const models = files.filter((f) => f.relative.endsWith('.json') || f.relative.endsWith('.tflite'));
  process.stdout.write(`${models.length} models in ${cacheDir} (${models.filter((f) => f.check !== 'not pinned').length} checked against pinned SHA-256s)\n`);
  for (const f of failures) process.stdout.write(`  not fetched: ${f.what}: ${f.error}\n`);
  return failures.length ? 1 : 0;
}
