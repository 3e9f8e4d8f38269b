/**
 * Kept for config files written as `import { defineConfig } from 'mobilenet-bench/harness/config.ts'`:
 * the configuration now lives by concern in harness/config/ (define.ts is the stable home of
 * defineConfig). Nothing in the project imports this file.
 */
export { defineConfig } from './config/define.ts';
export type { UserConfig } from './config/schema.ts';
