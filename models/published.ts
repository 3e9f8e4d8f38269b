/**
 * The published ImageNet accuracy of MobileNet V1, float and quantized (uint8), from TF-slim's
 * table (tensorflow/models research/slim/nets/mobilenet_v1.md, "Pre-trained Models"; full
 * ILSVRC-2012 validation set, single central crop). Reports put measured figures beside these;
 * a one-photo-per-class sample is easier than the full set, so only the differences compare.
 */

/** Top-1 / top-5 in percent for one variant. */
export interface PublishedAccuracy {
  top1: number;
  top5: number;
}

/** Variant name (`0.25_224`) → float and uint8 accuracy. */
export const PUBLISHED_ACCURACY: Record<string, { float: PublishedAccuracy; uint8: PublishedAccuracy }> = {
  '1.0_224': { float: { top1: 70.9, top5: 89.9 }, uint8: { top1: 69.7, top5: 89.5 } },
  '1.0_192': { float: { top1: 70.0, top5: 89.2 }, uint8: { top1: 69.0, top5: 88.9 } },
  '1.0_160': { float: { top1: 68.0, top5: 87.7 }, uint8: { top1: 67.3, top5: 87.7 } },
  '1.0_128': { float: { top1: 65.2, top5: 85.8 }, uint8: { top1: 64.0, top5: 85.5 } },
  '0.75_224': { float: { top1: 68.4, top5: 88.2 }, uint8: { top1: 67.9, top5: 88.1 } },
  '0.75_192': { float: { top1: 67.2, top5: 87.3 }, uint8: { top1: 66.2, top5: 87.1 } },
  '0.75_160': { float: { top1: 65.3, top5: 86.0 }, uint8: { top1: 63.9, top5: 85.5 } },
  '0.75_128': { float: { top1: 62.1, top5: 83.9 }, uint8: { top1: 59.8, top5: 82.8 } },
  '0.5_224': { float: { top1: 63.3, top5: 84.9 }, uint8: { top1: 62.2, top5: 84.5 } },
  '0.5_192': { float: { top1: 61.7, top5: 83.6 }, uint8: { top1: 60.4, top5: 83.2 } },
  '0.5_160': { float: { top1: 59.1, top5: 81.9 }, uint8: { top1: 57.7, top5: 81.3 } },
  '0.5_128': { float: { top1: 56.3, top5: 79.4 }, uint8: { top1: 54.9, top5: 78.9 } },
  '0.25_224': { float: { top1: 49.8, top5: 74.2 }, uint8: { top1: 48.2, top5: 73.8 } },
  '0.25_192': { float: { top1: 47.7, top5: 72.3 }, uint8: { top1: 45.8, top5: 71.9 } },
  '0.25_160': { float: { top1: 45.5, top5: 70.3 }, uint8: { top1: 43.5, top5: 69.1 } },
  '0.25_128': { float: { top1: 41.5, top5: 66.3 }, uint8: { top1: 39.9, top5: 65.8 } },
};
