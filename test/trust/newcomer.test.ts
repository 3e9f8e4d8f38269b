/**
 * Newcomer setup: a plain `npm ci` needs no environment variable (the project .npmrc tells
 * onnxruntime-node's install script to skip its CUDA download), and the eval-set crop is an
 * option (0.875 as TF-slim by default, 1.0 for pre-cropped sets) recorded in results and the report.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEvalSet } from '../../harness/eval-set.ts';
import { readResults } from '../../contract/store.ts';
import { cropResizeNormalize, decodeImage } from '../../models/preprocess.ts';
import { runCli } from '../helpers/cli.ts';
import { IMAGES_DIR, SHARED_DATA, skipWithoutSharedData } from '../helpers/data.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

test("npm passes .npmrc's onnxruntime-node-install=skip to the install script, which then skips its download", () => {
  const { ONNXRUNTIME_NODE_INSTALL: _set, npm_config_onnxruntime_node_install: _cfg, ...env } = process.env;
  const npm = (cmd: string) => spawnSync('npm', ['exec', '--offline', '-c', cmd], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(npm('echo "flag=$npm_config_onnxruntime_node_install"').stdout.trim(), 'flag=skip');
  // The package's own install script, as `npm ci` runs it: exits at once (no network here to fall back on).
  const install = npm('node node_modules/onnxruntime-node/script/install.js && echo exited-early');
  assert.equal(install.status, 0, install.stderr);
  assert.match(install.stdout, /exited-early/);
  assert.doesNotMatch(install.stdout + install.stderr, /Downloading|download/i);
});

/** A two-photo eval set with its synsets file. */
function twoPhotoSet(): string {
  const dir = tempDir('mnb-crop-');
  const set = join(dir, 'set');
  mkdirSync(set);
  copyFileSync(join(SHARED_DATA, 'labels', 'synsets_1000.txt'), join(dir, 'synsets_1000.txt'));
  for (const f of ['n01440764_tench.JPEG', 'n01443537_goldfish.JPEG']) copyFileSync(join(IMAGES_DIR, f), join(set, f));
  return set;
}

test('accuracy.crop: 1.0 keeps the whole image, 0.875 is the default; the cache keeps them apart', { skip: skipWithoutSharedData() }, async () => {
  const set = twoPhotoSet();
  const cache = tempDir('mnb-crop-cache-');
  const img = decodeImage(readFileSync(join(set, 'n01440764_tench.JPEG')));
  const whole = await loadEvalSet(set, { resolution: 128, classes: 1001, samples: Infinity, seed: 0, cacheDir: cache, crop: 1 });
  const standard = await loadEvalSet(set, { resolution: 128, classes: 1001, samples: Infinity, seed: 0, cacheDir: cache });
  assert.deepEqual(whole.tensors[0], cropResizeNormalize(img, 128, 1));
  assert.deepEqual(standard.tensors[0], cropResizeNormalize(img, 128, 0.875));
  assert.notDeepEqual(whole.tensors[0], standard.tensors[0]);
  assert.notEqual(whole.key, standard.key);
});

test('run --crop 1: every job records accuracy.crop = 1 and the report says the whole image was used; a crop of 0 is refused', {
  skip: skipWithoutSharedData(),
  timeout: 120_000,
}, () => {
  const set = twoPhotoSet();
  const work = join(set, '..');
  writeFileSync(
    join(work, 'bench.config.json'),
    JSON.stringify({
      variants: { alpha: [0.25], resolution: [128] },
      implementations: ['reference'],
      sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 10, maxTimeMs: 500 },
    }),
  );
  const dir = join(work, 'run');
  const r = runCli(['run', '--eval-set', set, '--crop', '1', '--out', dir], { cwd: work, env: { MOBILENET_BENCH_MIRROR: '' } });
  assert.equal(r.status, 0, r.stderr);
  const [job] = readResults(dir);
  assert.equal(job.accuracy!.n, 2);
  assert.equal(job.accuracy!.crop, 1);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /centrally cropped to 100 % \(the whole image: no crop\)/);
  const bad = runCli(['list', '--crop', '0'], { cwd: work });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /accuracy\.crop: must be above 0 \(got 0\)/);
});
