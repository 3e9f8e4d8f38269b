/**
 * Inputs cannot exhaust the machine: images declaring more pixels than the stated limit are
 * refused from their header before any pixel memory is allocated (JPEG and PNG), named and
 * skipped; a blank image (one colour) never counts in accuracy.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { loadEvalSet } from '../../harness/eval-set.ts';
import { decodeImage, MAX_IMAGE_PIXELS } from '../../models/preprocess.ts';
import { IMAGES_DIR, SHARED_DATA, skipWithoutSharedData } from '../helpers/data.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/** A PNG header declaring width × height (IHDR; no pixel data follows): what a decompression bomb starts with. */
function pngBomb(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(33 + 12);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 2, 0, 0, 0], 24); // 8-bit RGB
  return b;
}

/** A JPEG header declaring width × height in its SOF0 frame (after an APP0 segment). */
function jpegBomb(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

function uniformPng(value: number): Uint8Array {
  const p = new PNG({ width: 32, height: 24 });
  p.data.fill(value);
  return new Uint8Array(PNG.sync.write(p));
}

test('declared sizes beyond the limit are refused from the header, JPEG and PNG, before allocating', () => {
  const rss = process.memoryUsage().rss;
  assert.throws(
    () => decodeImage(pngBomb(65535, 65535), 'bomb.png'),
    /bomb\.png: cannot decode image \(PNG declares 65535 × 65535 pixels \(4295 megapixels\), beyond the limit of 40 megapixels; refused before decoding\)/,
  );
  assert.throws(
    () => decodeImage(jpegBomb(65500, 65500), 'bomb.jpg'),
    /bomb\.jpg: cannot decode image \(JPEG declares 65500 × 65500 pixels \(4290 megapixels\), beyond the limit of 40 megapixels/,
  );
  assert.throws(() => decodeImage(pngBomb(0, 10), 'empty.png'), /PNG declares 0 × 10 pixels: an empty image/);
  assert.ok(process.memoryUsage().rss - rss < 100e6, 'nothing the size of the declared image was allocated');
  assert.equal(MAX_IMAGE_PIXELS, 40e6);
});

test('a blank (one-colour) image is refused: it carries nothing to classify', () => {
  assert.throws(
    () => decodeImage(uniformPng(128), 'grey.png'),
    /grey\.png: cannot decode image \(blank image: all 32 × 24 pixels are rgb\(128, 128, 128\); not counted\)/,
  );
});

test('in an eval set, bombs and blank images are named and skipped; the real photos alone count', { skip: skipWithoutSharedData() }, async () => {
  const dir = tempDir('mnb-bomb-');
  const set = join(dir, 'set');
  mkdirSync(set);
  copyFileSync(join(SHARED_DATA, 'labels', 'synsets_1000.txt'), join(dir, 'synsets_1000.txt'));
  copyFileSync(join(IMAGES_DIR, 'n01440764_tench.JPEG'), join(set, 'n01440764_tench.JPEG'));
  copyFileSync(join(IMAGES_DIR, 'n01443537_goldfish.JPEG'), join(set, 'n01443537_goldfish.JPEG'));
  writeFileSync(join(set, 'n01484850_bomb.png'), pngBomb(100_000, 100_000));
  writeFileSync(join(set, 'n01491361_bomb.JPEG'), jpegBomb(60_000, 60_000));
  writeFileSync(join(set, 'n01494475_blank.png'), uniformPng(0));
  const loaded = await loadEvalSet(set, { resolution: 128, classes: 1001, samples: Infinity, seed: 0 });
  assert.deepEqual(
    loaded.files.map((f) => f.split('/').pop()),
    ['n01440764_tench.JPEG', 'n01443537_goldfish.JPEG'],
  );
  assert.equal(loaded.tensors.length, 2, 'only the photos count');
  assert.deepEqual(
    loaded.skipped.map((s) => s.file.split('/').pop()),
    ['n01484850_bomb.png', 'n01491361_bomb.JPEG', 'n01494475_blank.png'],
  );
  assert.match(loaded.skipped[0].reason, /beyond the limit of 40 megapixels/);
  assert.match(loaded.skipped[2].reason, /blank image/);
  assert.match(loaded.note!, /3 unreadable image\(s\) skipped: n01484850_bomb\.png, n01491361_bomb\.JPEG, n01494475_blank\.png/);
});
