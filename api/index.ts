/**
 * mobilenet-bench's programmatic API, the package's entry (`import { run } from 'mobilenet-bench'`).
 * The CLI is one client of it. docs/api.md describes each export.
 */
export { defineConfig } from '../harness/config/define.ts';
export { run, type RunOptions, type RunOutcome, type RunEvent } from './run.ts';
export { compare, judgeFromHistory, readRun } from './analysis.ts';
export { ab, type AbOptions, type AbOutcome } from './ab.ts';
export { ConfigError } from '../contract/config-error.ts';
export type { Config, Target, Sampling, UserConfig } from '../harness/config/schema.ts';
export type { ConfigOverrides } from '../harness/config/overrides.ts';
export type { JobResult, RunInfo } from '../contract/results.ts';
export type { RunData } from '../contract/run-data.ts';
export type { CompareOptions, ComparisonReport } from '../analysis/compare/compare.ts';
export type { HistoryVerdictOptions, HistoryVerdictReport } from '../analysis/history/verdict.ts';
export type { AbVerdicts } from '../contract/ab-verdicts.ts';
