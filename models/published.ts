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

/**
 * Where a published figure comes from: the page, when it says it was published, and what it
 * measured under. Every figure below names one of these; the published site prints them beside
 * the figure and draws the figures apart from our measurements.
 */
export interface PublishedSource {
  /** Stable key (anchors, legends). */
  id: string;
  title: string;
  url: string;
  /** As the source states it, or where that is missing, the version it was read from. */
  date: string;
  /** Hardware, software and measurement rule of the figures, in the source's words where possible. */
  conditions: string;
}

/** The TF-slim table above. */
export const TF_SLIM_SOURCE: PublishedSource = {
  id: 'tf-slim',
  title: 'TF-slim MobileNet V1 pre-trained models (top-1 / top-5)',
  url: 'https://github.com/tensorflow/models/blob/master/research/slim/nets/mobilenet_v1.md',
  date: 'table of the 2018-08-02 checkpoints (mobilenet_v1_2018_08_02)',
  conditions: 'full ILSVRC-2012 validation set (50 000 images), single central crop; float and uint8 (quantization-aware trained) checkpoints',
};

/** The TFLite performance page (later the LiteRT "performance benchmarks" page). */
export const TFLITE_BENCHMARKS_SOURCE: PublishedSource = {
  id: 'tflite-benchmarks',
  title: 'TensorFlow Lite performance benchmarks',
  url: 'https://www.tensorflow.org/lite/performance/benchmarks',
  date: 'undated page; read from tensorflow/tensorflow tensorflow/lite/g3doc/performance/benchmarks.md at commit 00f0938ae85c7dd68b44b4d80a873f42b1dca16a',
  conditions:
    'benchmark_model (Android 10: 4 CPU threads, --warmup_runs=1 --num_runs=50; GPU and NNAPI delegates) and the iOS benchmark app (2 CPU threads; GPU delegate with gpu_wait_type aggressive); mean inference time',
};

/**
 * MLPerf Inference v5.0, Open division, GATEOverflow's TFLite CPU measurements of every
 * MobileNet V1 float variant (single-stream). Read from a copy of the submission repository;
 * the official results repository could not be reached to cross-check it.
 */
export const MLPERF_V5_SOURCE: PublishedSource = {
  id: 'mlperf-v5.0-open-gateoverflow',
  title: 'MLPerf Inference v5.0 Open: GATEOverflow, ctuning cpp TFLite, CPU',
  url: 'https://github.com/mlcommons/inference_results_v5.0/tree/main/open/GATEOverflow/measurements/GCP_-ctuning_cpp_tflite-cpu-tflite_vmaster-default_config',
  date: 'MLPerf Inference v5.0 round (2025); read from seemamp002/mlperf_inference_submissions_v5.0 at commit 8a51bb3f9847cb2d0ec9a8b7e49c45947a255122, not cross-checked against mlcommons/inference_results_v5.0',
  conditions:
    'a Google Cloud VM (the measurement README names no CPU model), TFLite C++ harness on CPU, single-stream scenario; accuracy is top-1 in percent as the submission reports it; the uint8 variants have no figures in that table',
};

/** One published latency of MobileNet V1 1.0-224 on a phone. */
export interface PublishedLatency {
  source: string;
  device: string;
  variant: string;
  precision: 'float32' | 'uint8';
  /** CPU with N threads, GPU delegate, NNAPI delegate. */
  backend: string;
  latencyMs: number;
}

/** The TFLite performance page's MobileNet V1 1.0-224 rows (float and quant) on Pixel 3, Pixel 4 and iPhone XS. */
export const TFLITE_PHONE_LATENCIES: readonly PublishedLatency[] = (
  [
    ['Pixel 3', 'float32', 'CPU, 4 threads', 23.9],
    ['Pixel 3', 'float32', 'GPU', 6.45],
    ['Pixel 3', 'float32', 'NNAPI', 13.8],
    ['Pixel 4', 'float32', 'CPU, 4 threads', 14.0],
    ['Pixel 4', 'float32', 'GPU', 9.0],
    ['Pixel 4', 'float32', 'NNAPI', 14.8],
    ['Pixel 3', 'uint8', 'CPU, 4 threads', 13.4],
    ['Pixel 3', 'uint8', 'NNAPI', 6.0],
    ['Pixel 4', 'uint8', 'CPU, 4 threads', 5.0],
    ['Pixel 4', 'uint8', 'NNAPI', 3.2],
    ['iPhone XS', 'float32', 'CPU, 2 threads', 14.8],
    ['iPhone XS', 'float32', 'GPU', 3.4],
    ['iPhone XS', 'uint8', 'CPU, 2 threads', 11],
  ] as const
).map(([device, precision, backend, latencyMs]) => ({ source: TFLITE_BENCHMARKS_SOURCE.id, device, variant: '1.0_224', precision, backend, latencyMs }));

/** One published accuracy-and-latency point (both figures from the same measurement). */
export interface PublishedPoint {
  source: string;
  variant: string;
  precision: 'float32' | 'uint8';
  /** Top-1 as a fraction. */
  top1: number;
  latencyMs: number;
}

/** MLPerf v5.0 Open, GATEOverflow TFLite CPU: [variant, top-1 %, latency ms] for the 16 float variants. */
export const MLPERF_V5_POINTS: readonly PublishedPoint[] = (
  [
    ['1.0_224', 71.678, 30.617],
    ['1.0_192', 70.626, 22.173],
    ['1.0_160', 69.106, 16.016],
    ['1.0_128', 66.604, 10.409],
    ['0.75_224', 69.262, 17.453],
    ['0.75_192', 68.242, 12.706],
    ['0.75_160', 66.384, 9.137],
    ['0.75_128', 63.716, 5.872],
    ['0.5_224', 64.346, 8.473],
    ['0.5_192', 63.244, 6.173],
    ['0.5_160', 60.842, 4.428],
    ['0.5_128', 57.918, 2.867],
    ['0.25_224', 51.848, 2.676],
    ['0.25_192', 49.478, 1.948],
    ['0.25_160', 47.81, 1.408],
    ['0.25_128', 44.116, 0.913],
  ] as const
).map(([variant, top1, latencyMs]) => ({ source: MLPERF_V5_SOURCE.id, variant, precision: 'float32', top1: top1 / 100, latencyMs }));

/** Every source, in the order the published site lists them. */
export const PUBLISHED_SOURCES: readonly PublishedSource[] = [TF_SLIM_SOURCE, TFLITE_BENCHMARKS_SOURCE, MLPERF_V5_SOURCE];
