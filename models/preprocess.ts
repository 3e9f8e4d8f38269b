/**
 * The standard MobileNet evaluation preprocessing (TF-slim's inception_preprocessing
 * at eval time): decode → [0, 1] → central crop 87.5 % → bilinear resize → [-1, 1].
 * Runs once per image outside any timed region; every implementation is fed the
 * identical tensor.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Decoded pixels, always 3 channels (greyscale replicated, CMYK converted, alpha dropped). */
export interface RgbImage {
  width: number;
  height: number;
  /** RGB, row-major, 0..255. */
  data: Uint8Array;
}

/** An image could not be decoded: names the file and why. */
export class ImageDecodeError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: cannot decode image (${reason})`);
    this.name = 'ImageDecodeError';
  }
}

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/**
 * The largest image decoded: 40 megapixels (e.g. 8000 × 5000; an ImageNet photo is ~0.2). A file
 * declaring more is refused from its header, before any pixel memory is allocated: a 100 KB
 * "decompression bomb" can declare 65535 × 65535 pixels (12 GB of RGB).
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** Width and height a JPEG declares in its frame header (SOFn), or null when none is found. */
function jpegDeclaredSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    } // no length
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): P, height, width follow the length.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data before any frame header
    at += 2 + length;
  }
  return null;
}

/** Width and height from a PNG's IHDR chunk (always the first), or null when it is not there. */
function pngDeclaredSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function refuseOversized(size: { width: number; height: number } | null, file: string, format: string): void {
  if (!size) throw new ImageDecodeError(file, `${format} without a readable size header`);
  const pixels = size.width * size.height;
  if (size.width === 0 || size.height === 0) throw new ImageDecodeError(file, `${format} declares ${size.width} × ${size.height} pixels: an empty image`);
  if (pixels > MAX_IMAGE_PIXELS) {
    throw new ImageDecodeError(
      file,
      `${format} declares ${size.width} × ${size.height} pixels (${(pixels / 1e6).toFixed(0)} megapixels), beyond the limit of ${MAX_IMAGE_PIXELS / 1e6} megapixels; refused before decoding`,
    );
  }
}

/** A decoded image whose every pixel is the same colour carries nothing to classify (and a truncated file can decode so). */
function refuseBlank(img: RgbImage, file: string): RgbImage {
  const d = img.data;
  for (let i = 3; i < d.length; i++) if (d[i] !== d[i % 3]) return img;
  throw new ImageDecodeError(file, `blank image: all ${img.width} × ${img.height} pixels are rgb(${d[0]}, ${d[1]}, ${d[2]}); not counted`);
}

/** Decode a JPEG (baseline or progressive, greyscale, RGB, Adobe CMYK) or PNG by its magic bytes. */
export function decodeImage(bytes: Uint8Array, file = '<buffer>'): RgbImage {
  return refuseBlank(decodeBySignature(bytes, file), file);
}

function decodeBySignature(bytes: Uint8Array, file: string): RgbImage {
  if (startsWith(bytes, JPEG_MAGIC)) refuseOversized(jpegDeclaredSize(bytes), file, 'JPEG');
  if (startsWith(bytes, PNG_MAGIC)) refuseOversized(pngDeclaredSize(bytes), file, 'PNG');
  try {
    if (startsWith(bytes, JPEG_MAGIC)) {
      // jpeg-js converts 1-, 3- and 4-component (CMYK/YCCK) JPEGs to RGB itself.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    }
    if (startsWith(bytes, PNG_MAGIC)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const rgb = new Uint8Array(png.width * png.height * 3);
      for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
        rgb[j] = png.data[i];
        rgb[j + 1] = png.data[i + 1];
        rgb[j + 2] = png.data[i + 2];
      }
      return { width: png.width, height: png.height, data: rgb };
    }
  } catch (e) {
    throw new ImageDecodeError(file, (e as Error).message);
  }
  throw new ImageDecodeError(file, 'not a JPEG or PNG (unknown magic bytes)');
}

/** TF-slim's evaluation crop: the central 87.5 % of the image before the resize. */
export const DEFAULT_CROP = 0.875;

/** The crop window of TF1's tf.image.central_crop(image, 0.875): integer offsets of size/16. */
export function centralCropBox(width: number, height: number, fraction = DEFAULT_CROP) {
  const offsetDivisor = Math.trunc(1 / ((1 - fraction) / 2));
  const top = Math.trunc(height / offsetDivisor);
  const left = Math.trunc(width / offsetDivisor);
  return { top, left, height: height - 2 * top, width: width - 2 * left };
}

/**
 * Crop then resize to size×size with TF1's resize_bilinear (align_corners = false,
 * half_pixel_centers = false: source = dest · in/out), the resize TF-slim evaluated with.
 * Returns float32 NHWC values in [-1, 1].
 */
export function cropResizeNormalize(img: RgbImage, size: number, cropFraction = DEFAULT_CROP): Float32Array {
  const box = centralCropBox(img.width, img.height, cropFraction);
  const out = new Float32Array(size * size * 3);
  const scaleY = box.height / size;
  const scaleX = box.width / size;
  const at = (y: number, x: number, c: number) => img.data[((box.top + y) * img.width + box.left + x) * 3 + c] / 255;
  for (let oy = 0; oy < size; oy++) {
    const sy = oy * scaleY;
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, box.height - 1);
    const dy = sy - y0;
    for (let ox = 0; ox < size; ox++) {
      const sx = ox * scaleX;
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, box.width - 1);
      const dx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const top = at(y0, x0, c) + (at(y0, x1, c) - at(y0, x0, c)) * dx;
        const bottom = at(y1, x0, c) + (at(y1, x1, c) - at(y1, x0, c)) * dx;
        const v = top + (bottom - top) * dy;
        out[(oy * size + ox) * 3 + c] = (v - 0.5) * 2;
      }
    }
  }
  return out;
}

/** Decode and preprocess one image file's bytes for a given resolution. */
export function preprocessImage(bytes: Uint8Array, size: number, file?: string): Float32Array {
  return cropResizeNormalize(decodeImage(bytes, file), size);
}
