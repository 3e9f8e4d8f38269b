import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { centralCropBox, cropResizeNormalize, decodeImage, ImageDecodeError, preprocessImage } from '../models/preprocess.ts';
import { IMAGES_DIR, skipWithoutSharedData } from './helpers/data.ts';

/** A PNG whose pixel (x, y) is (x, y, 7) so every output value can be predicted. */
function coordinatePng(width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data[i] = x;
      png.data[i + 1] = y;
      png.data[i + 2] = 7;
      png.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

const toUnit = (v: number) => (v / 255 - 0.5) * 2;

test('central crop follows TF1 central_crop (integer offsets of size/16)', () => {
  assert.deepEqual(centralCropBox(16, 16), { top: 1, left: 1, height: 14, width: 14 });
  assert.deepEqual(centralCropBox(500, 375), { top: 23, left: 31, height: 329, width: 438 });
  assert.deepEqual(centralCropBox(15, 15), { top: 0, left: 0, height: 15, width: 15 });
});

test('PNG decode keeps exact pixel values and drops alpha', () => {
  const img = decodeImage(coordinatePng(20, 10));
  assert.equal(img.width, 20);
  assert.equal(img.height, 10);
  assert.deepEqual([...img.data.slice((3 * 20 + 5) * 3, (3 * 20 + 5) * 3 + 3)], [5, 3, 7]);
});

test('resize by an integer factor samples the crop grid exactly, scaled to [-1, 1]', () => {
  // 16×16 → crop 14×14 from (1, 1) → 7×7: output (oy, ox) = pixel (1 + 2·ox, 1 + 2·oy).
  const out = preprocessImage(coordinatePng(16, 16), 7);
  for (const [oy, ox] of [
    [0, 0],
    [3, 5],
    [6, 6],
  ]) {
    const i = (oy * 7 + ox) * 3;
    assert.ok(Math.abs(out[i] - toUnit(1 + 2 * ox)) < 1e-6);
    assert.ok(Math.abs(out[i + 1] - toUnit(1 + 2 * oy)) < 1e-6);
    assert.ok(Math.abs(out[i + 2] - toUnit(7)) < 1e-6);
  }
});

test('bilinear weights match TF1 resize_bilinear (align_corners = false)', () => {
  // crop 14 → 4: scale 3.5, so output x = 1 reads source 3.5 → halfway between crop columns 3 and 4 (image 4 and 5);
  // the last output (x = 3) reads 10.5 → between crop 10 and 11.
  const out = cropResizeNormalize(decodeImage(coordinatePng(16, 16)), 4);
  assert.ok(Math.abs(out[(0 * 4 + 1) * 3] - toUnit(4.5)) < 1e-6);
  assert.ok(Math.abs(out[(0 * 4 + 3) * 3] - toUnit(11.5)) < 1e-6);
  assert.ok(Math.abs(out[(2 * 4 + 0) * 3 + 1] - toUnit(8)) < 1e-6);
});

test('garbage and truncated files are rejected with the file name', () => {
  assert.throws(
    () => decodeImage(new Uint8Array([1, 2, 3, 4]), 'notes.txt'),
    (e: unknown) => e instanceof ImageDecodeError && /notes\.txt.*not a JPEG or PNG/.test(e.message),
  );
  const png = coordinatePng(16, 16);
  assert.throws(
    () => decodeImage(png.slice(0, 40), 'cut.png'),
    (e: unknown) => e instanceof ImageDecodeError && /cut\.png/.test(e.message),
  );
});

test('real photos: greyscale JPEGs come out as equal R, G, B; colour ones do not', { skip: skipWithoutSharedData() }, () => {
  const files = readdirSync(IMAGES_DIR);
  const grey = decodeImage(readFileSync(join(IMAGES_DIR, files.find((f) => f.startsWith('n02096051'))!)));
  for (let i = 0; i < grey.data.length; i += 3 * 997) {
    assert.equal(grey.data[i], grey.data[i + 1]);
    assert.equal(grey.data[i], grey.data[i + 2]);
  }
  const colour = preprocessImage(readFileSync(join(IMAGES_DIR, files[0])), 224);
  assert.equal(colour.length, 224 * 224 * 3);
  const min = colour.reduce((a, b) => Math.min(a, b));
  const max = colour.reduce((a, b) => Math.max(a, b));
  assert.ok(min >= -1 && max <= 1 && max - min > 1, `range ${min}..${max}`);
});
