/** Colours of the report: Okabe–Ito (distinguishable with the common colour-vision deficiencies) and viridis for heatmaps. */
import type { JobResult } from '../contract/results.ts';

/** Okabe–Ito, ordered so the first few are the most distinct on white (yellow last: weak contrast). */
export const GROUP_COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;

/** Cold-start phases: load, init, first inference, steady state. */
export const PHASE_COLORS: [string, string, string, string] = ['#56B4E9', '#0072B2', '#E69F00', '#009E73'];

/** Viridis, reversed: light yellow for fast, dark violet for slow. */
export const VIRIDIS_LOW_TO_HIGH = ['#fde725', '#b5de2b', '#6ece58', '#35b779', '#1f9e89', '#26828e', '#31688e', '#3e4989', '#482878', '#440154'];

/** Point shape per precision, so float32 and uint8 stay apart without colour. */
export function pointStyleOf(p: JobResult['precision']): 'circle' | 'triangle' | 'rect' {
  return p === 'float32' ? 'circle' : p === 'uint8' ? 'triangle' : 'rect';
}
