/**
 * The C micro-kernel of the ceilings' outside check (test/bench/c/ceilings.c), compiled here with gcc
 * -O2 -march=native and run once: FMA throughput and a STREAM-like triad, one thread and all, and the
 * clock a core runs at. Shared
 * by `npm run bench:ceilings` and the roofline test that holds the nominal peak against it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './temp-dirs.ts';

export interface CKernelFigures {
  lanes: number;
  cpus: number;
  fmaGmacPerSecond1: number;
  fmaGmacPerSecondAll: number;
  triadGbPerSecond1: number;
  triadGbPerSecondAll: number;
  triadBytesPerArray: number;
  /** The clock one core ran at, from a dependent add chain (1 cycle an add); null on an ISA without the asm. */
  clockGhz: number | null;
}

/** Why the kernel cannot be compiled here, or null when gcc is there. */
export function cKernelUnavailable(): string | null {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'no gcc on this machine (Debian: apt install gcc libc6-dev; .ci/run does)';
  }
}

/** Compile and run the kernel; `triadElements` floats per triad array (default the kernel's 64 Mi: 256 MiB, beyond the caches). */
export function runCKernel(triadElements?: number): CKernelFigures {
  const exe = join(tempDir('mnb-ceilings-c-'), 'ceilings');
  execFileSync('gcc', ['-O2', '-march=native', '-pthread', '-o', exe, join(import.meta.dirname, '..', 'bench', 'c', 'ceilings.c')]);
  return JSON.parse(execFileSync(exe, triadElements ? [String(triadElements)] : [], { encoding: 'utf8' }));
}
