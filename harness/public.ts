/**
 * The package's public entry (`import { defineConfig } from 'mobilenet-bench'`): what a user's
 * bench.config.ts and scripts that read results need, and nothing of the internals.
 */
export { defineConfig } from './config/define.ts';
export type { Config, Target, Sampling, UserConfig } from './config/schema.ts';
export type { JobResult, RunInfo } from '../contract/results.ts';
