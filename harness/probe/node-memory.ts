/**
 * What a job's Node process reads of its own memory (the local job and the board job alike):
 * peak RSS from /proc, process.memoryUsage(), the WASM memories, and tf.memory() when tfjs ran.
 * Apart from node-env.ts so the board bundle takes it without the local Node's runtime loaders.
 */
import { readFileSync } from 'node:fs';
import type { Effective, Memory } from '../../contract/results.ts';
import { wasmMemoryBytes } from './wasm-memory.ts';

/** Peak RSS of this process (VmHWM), in bytes, or null off Linux. */
export function peakRssBytes(): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Memory of this process after sampling; tf.memory() when tfjs ran. */
export async function readMemoryInNode(effective: Effective): Promise<Memory> {
  const usage = process.memoryUsage();
  let tfjs: Memory['tfjs'] = null;
  if (effective.impl === 'tfjs') {
    const tf = await import('@tensorflow/tfjs-core');
    const m = tf.memory();
    tfjs = { numBytes: m.numBytes, numTensors: m.numTensors, numDataBuffers: m.numDataBuffers };
  }
  const rss = peakRssBytes();
  return {
    peakRssBytes: rss,
    peakRssSource: rss === null ? null : "VmHWM of the job's own child process",
    jsHeapUsedBytes: usage.heapUsed,
    jsHeapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    wasmMemoryBytes: wasmMemoryBytes(),
    tfjs,
  };
}
