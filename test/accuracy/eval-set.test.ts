import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeImage, preprocessImage } from '../../models/preprocess.ts';
import { EvalSetError, listEvalItems, loadEvalSet, seededSubset, warmEvalSetCache } from '../../harness/eval-set.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/** 1000 fake wnids in sorted order (real ones are n + 8 digits). */
const SYNSETS = Array.from({ length: 1000 }, (_, i) => `n${String(10000000 + i * 7).padStart(8, '0')}`);

function png(value: number): Uint8Array {
  const p = new PNG({ width: 20, height: 16 });
  p.data.fill(value);
  for (let i = 3; i < p.data.length; i += 4) p.data[i] = 255;
  p.data[0] = value ^ 1; // one pixel apart: a uniform image is blank and never counts
  return new Uint8Array(PNG.sync.write(p));
}

function tempSet(): string {
  const dir = tempDir('mnb-evalset-');
  writeFileSync(join(dir, 'synsets.txt'), SYNSETS.join('\n') + '\n');
  return dir;
}

test('flat <wnid>_*.png files: labels from the synsets order, odd names work, broken files are named and skipped', async () => {
  const dir = tempSet();
  const images = join(dir, 'images');
  mkdirSync(images);
  writeFileSync(join(images, `${SYNSETS[3]}_it's a "fish" (1).png`), png(10));
  writeFileSync(join(images, `${SYNSETS[999]}_last one.png`), png(200));
  writeFileSync(join(images, `${SYNSETS[5]}_broken.JPEG`), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  writeFileSync(join(images, 'README.txt'), 'not an image');
  const items = listEvalItems(images);
  assert.deepEqual(
    items.map((i) => i.label1000),
    [3, 5, 999],
  );

  const set = await loadEvalSet(images, { resolution: 8, classes: 1001, samples: Infinity, seed: 0 });
  assert.equal(set.tensors.length, 2);
  assert.deepEqual(set.labels, [4, 1000], '1001-class models shift labels by one (background first)');
  assert.equal(set.skipped.length, 1);
  assert.match(set.skipped[0].file, /_broken\.JPEG$/);
  assert.match(set.note!, /1 unreadable image\(s\) skipped: .*_broken\.JPEG/);
  const k1000 = await loadEvalSet(images, { resolution: 8, classes: 1000, samples: Infinity, seed: 0 });
  assert.deepEqual(k1000.labels, [3, 999]);
});

test('ImageFolder layout (one folder per wnid)', () => {
  const dir = tempSet();
  const root = join(dir, 'train');
  for (const [w, n] of [
    [SYNSETS[1], 2],
    [SYNSETS[7], 1],
  ] as const) {
    mkdirSync(join(root, w), { recursive: true });
    for (let i = 0; i < n; i++) writeFileSync(join(root, w, `img ${i}.png`), png(50));
  }
  assert.deepEqual(
    listEvalItems(root).map((i) => i.label1000),
    [1, 1, 7],
  );
});

test('ILSVRC2012 validation layout with a val.txt ground truth', () => {
  const dir = tempDir('mnb-val-');
  writeFileSync(join(dir, 'ILSVRC2012_val_00000001.JPEG'), png(1));
  writeFileSync(join(dir, 'ILSVRC2012_val_00000002.JPEG'), png(2));
  assert.throws(() => listEvalItems(dir), /need a ground-truth file/);
  writeFileSync(join(dir, 'val.txt'), 'ILSVRC2012_val_00000001.JPEG 65\nILSVRC2012_val_00000002.JPEG 970\n');
  assert.deepEqual(
    listEvalItems(dir).map((i) => i.label1000),
    [65, 970],
  );
});

test('a subset of classes without a synsets file is refused with the fix', () => {
  const dir = tempDir('mnb-nosyn-');
  writeFileSync(join(dir, 'n01440764_tench.png'), png(3));
  assert.throws(
    () => listEvalItems(dir),
    (e: unknown) => e instanceof EvalSetError && /cover 1 classes.*put synsets\.txt/.test(e.message),
  );
  assert.throws(() => listEvalItems(join(dir, 'missing')), /not a folder/);
});

test('seeded subsets are stable and keep file order', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  assert.deepEqual(seededSubset(items, 10, 1), seededSubset(items, 10, 1));
  assert.notDeepEqual(seededSubset(items, 10, 1), seededSubset(items, 10, 2));
  const s = seededSubset(items, 10, 1);
  assert.deepEqual(
    s,
    [...s].sort((a, b) => a - b),
  );
  assert.equal(seededSubset(items, 100, 1), items);
});

test('the warmed cache holds exactly what direct preprocessing gives', async () => {
  const dir = tempSet();
  const images = join(dir, 'images');
  mkdirSync(images);
  for (let i = 0; i < 3; i++) writeFileSync(join(images, `${SYNSETS[i]}_x.png`), png(40 * i + 5));
  const cache = tempDir('mnb-cache-');
  warmEvalSetCache(images, { resolutions: [8, 12], samples: Infinity, seed: 0, cacheDir: cache });
  for (const r of [8, 12]) {
    const set = await loadEvalSet(images, { resolution: r, classes: 1000, samples: Infinity, seed: 0, cacheDir: cache });
    set.tensors.forEach((t, i) => assert.deepEqual(t, preprocessImage(readFileSync(set.files[i]), r)));
  }
});

test('CMYK JPEGs decode to the right RGB (Adobe inverted CMYK)', () => {
  const img = decodeImage(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'cmyk.jpg')), 'cmyk.jpg');
  const px = (x: number, y: number) => [...img.data.slice((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
  for (const [got, want] of [
    [px(2, 8), [220, 30, 30]],
    [px(13, 8), [30, 60, 200]],
  ]) {
    got.forEach((v, c) => assert.ok(Math.abs(v - want[c]) <= 4, `${got} vs ${want}`));
  }
});
