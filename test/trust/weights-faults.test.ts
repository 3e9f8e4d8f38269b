/**
 * Weights that are not what they claim: an α 0.5 file under an α 0.25 name fails its job naming
 * the file, tensor, expected and found shapes (it used to run "ok" and be recorded as 0.25); an
 * unreadable file fails its job, not the run; a tfjs manifest may not name shards outside its folder.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWeightsFile } from '../../models/weights/load.ts';
import { readResults, readRunInfo } from '../../contract/store.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { skipWithoutSharedData, WEIGHTS_DIR } from '../helpers/data.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const skip = skipWithoutSharedData();

test('a mislabelled weights file fails its job with file, tensor and shapes; an unreadable one fails only its job', { skip, timeout: 180_000 }, () => {
  const work = tempDir('mnb-wfault-');
  const mirror = join(work, 'mirror');
  mkdirSync(join(mirror, 'tflite'), { recursive: true });
  // α 0.5 weights under the α 0.25 name; a folder where the 0.25_160 file should be (read fails: EISDIR); the real 0.25_192.
  copyFileSync(join(WEIGHTS_DIR, 'tflite', 'mobilenet_v1_0.5_128_quant.tflite'), join(mirror, 'tflite', 'mobilenet_v1_0.25_128_quant.tflite'));
  mkdirSync(join(mirror, 'tflite', 'mobilenet_v1_0.25_160_quant.tflite'));
  copyFileSync(join(WEIGHTS_DIR, 'tflite', 'mobilenet_v1_0.25_192_quant.tflite'), join(mirror, 'tflite', 'mobilenet_v1_0.25_192_quant.tflite'));
  writeFileSync(
    join(work, 'bench.config.json'),
    JSON.stringify({
      variants: { alpha: [0.25], resolution: [128, 160, 192] },
      implementations: ['reference'],
      precision: ['uint8'],
      weights: { source: 'official', mirror, fallback: 'skip' },
      sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 10, maxTimeMs: 1000 },
      accuracy: { samples: 1 },
    }),
  );
  const dir = join(work, 'run');
  const r = runCli(['run', '--out', dir], { cwd: work, env: { MOBILENET_BENCH_MIRROR: '' } });
  assert.equal(r.status, 1, `exit 1: a job failed (not 0, not a crash)\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, STACK);
  const byRes = new Map(readResults(dir).map((x) => [x.resolution, x]));
  assert.equal(byRes.size, 3, 'every job has its line: the run went on');
  const wrong = byRes.get(128)!;
  assert.equal(wrong.status, 'failed');
  assert.match(
    wrong.error!,
    /mobilenet_v1_0\.25_128_quant\.tflite \[conv_?0?[^\]]*\]: kernel shape \[[\d,]+\] found, expected \[[\d,]+\] for MobileNet V1 α 0\.25: this file holds α 0\.5 weights/,
  );
  const unreadable = byRes.get(160)!;
  assert.equal(unreadable.status, 'failed');
  assert.match(unreadable.error!, /mobilenet_v1_0\.25_160_quant\.tflite/);
  assert.equal(byRes.get(192)!.status, 'ok');
  const recorded = readRunInfo(dir).weights!.find((w) => w.variant === '0.25_160')!;
  assert.equal(recorded.sha256, null, 'run.json says the file could not be hashed');
});

test('a tfjs manifest whose shard path leaves the model folder is refused before anything is read', { skip }, async () => {
  const work = tempDir('mnb-manifest-');
  const model = join(work, 'models', 'mobilenet_v1_0.25_224');
  mkdirSync(model, { recursive: true });
  const src = join(WEIGHTS_DIR, 'tfjs', 'mobilenet_v1_0.25_224');
  const json = JSON.parse(readFileSync(join(src, 'model.json'), 'utf8'));
  writeFileSync(join(work, 'secret.bin'), 'not a shard');
  for (const [i, g] of (json.weightsManifest as { paths: string[] }[]).entries()) {
    g.paths = g.paths.map((p) => {
      copyFileSync(join(src, p), join(model, p));
      return i === 3 ? '../../secret.bin' : p;
    });
  }
  writeFileSync(join(model, 'model.json'), JSON.stringify(json));
  await assert.rejects(loadWeightsFile(join(model, 'model.json')), /shard path '\.\.\/\.\.\/secret\.bin' of weights group 4 leaves the model's folder/);
  json.weightsManifest[3].paths = ['/etc/hostname'];
  writeFileSync(join(model, 'model.json'), JSON.stringify(json));
  await assert.rejects(loadWeightsFile(join(model, 'model.json')), /shard path '\/etc\/hostname' of weights group 4 leaves the model's folder/);
});
