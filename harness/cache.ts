/** Where derived data (preprocessed eval tensors, reference logits) is cached between jobs and runs. */
import { join } from 'node:path';
import { projectRoot } from '../models/platform/package-json.ts';

/** MOBILENET_BENCH_CACHE, or node_modules/.cache/mobilenet-bench in the project. */
export function cacheDir(): string {
  return process.env.MOBILENET_BENCH_CACHE ?? join(projectRoot(), 'node_modules', '.cache', 'mobilenet-bench');
}
