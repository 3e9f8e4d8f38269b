/**
 * The ceilings' platform binding in Node (a job process here, or a board's Node): the native
 * MatMul through onnxruntime-node, and the last-level cache from /sys.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { NominalPeak } from '../../../contract/ceilings.ts';
import type { CeilingsPlatform } from './measure-ceilings.ts';
import { nominalPeakFromCpuinfo } from './nominal-peak.ts';
import { FMA_THREAD_BODY, type FmaThreadHost, type FmaThreadMessage } from './threaded-fma.ts';

const CACHE_DIR = '/sys/devices/system/cpu/cpu0/cache';

/** `48K`, `2048K`, `32M` → bytes. */
export function parseCacheSize(text: string): number | null {
  const m = /^(\d+)\s*([KMG]?)/i.exec(text.trim());
  if (!m) return null;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

/** The highest-level data or unified cache of cpu0, from sysfs; null where there is none to read. */
export function lastLevelCacheFromSys(dir = CACHE_DIR): { bytes: number; source: string } | null {
  try {
    let best: { level: number; bytes: number; index: string } | null = null;
    for (const index of readdirSync(dir).filter((d) => /^index\d+$/.test(d))) {
      const read = (f: string) => readFileSync(join(dir, index, f), 'utf8').trim();
      if (read('type') === 'Instruction') continue;
      const level = Number(read('level'));
      const bytes = parseCacheSize(read('size'));
      if (bytes !== null && (!best || level > best.level)) best = { level, bytes, index };
    }
    return best ? { bytes: best.bytes, source: `${dir}/${best.index} (L${best.level}, as the kernel reports it)` } : null;
  } catch {
    return null;
  }
}

/** Node's platform: native MatMul through onnxruntime-node (loaded with telemetry off). */
export function nodeCeilingsPlatform(environment: 'node' | 'board'): CeilingsPlatform {
  return {
    environment,
    now: () => performance.now(),
    native: async (policy) => {
      const { loadOrtNode } = await import('../../../models/onnx/ort-node.ts');
      const { nativeMatMulCeiling } = await import('./native-matmul.ts');
      return nativeMatMulCeiling(await loadOrtNode(), policy);
    },
    lastLevelCache: () => lastLevelCacheFromSys(),
    nominalPeak: () => nominalPeakHere(),
    threads: nodeFmaThreads,
  };
}

/** Node's threads for the threaded WebAssembly ceiling: worker_threads, as many as os.availableParallelism() says. */
export function nodeFmaThreads(): FmaThreadHost {
  return {
    count: availableParallelism(),
    countSource: 'os.availableParallelism()',
    start(init, onMessage, onError) {
      const source = `${FMA_THREAD_BODY}\nconst { parentPort, workerData } = require('node:worker_threads');\nstart(workerData, (m) => parentPort.postMessage(m));`;
      const worker = new Worker(source, { eval: true, workerData: init });
      worker.on('message', (m: FmaThreadMessage) => onMessage(m));
      worker.on('error', (e) => onError(e.message));
      return { terminate: () => worker.terminate() };
    },
  };
}

/** This machine's nominal FMA peak (/proc/cpuinfo, and cpufreq's maximum where there is one); null off Linux. */
export function nominalPeakHere(): NominalPeak | null {
  let text: string;
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
  let maxKHz: number | null = null;
  try {
    maxKHz = Number(readFileSync('/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq', 'utf8').trim()) || null;
  } catch {
    /* no cpufreq (a VM) */
  }
  return nominalPeakFromCpuinfo(text, maxKHz);
}
