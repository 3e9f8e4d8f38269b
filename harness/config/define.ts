/** Typed identity for `bench.config.ts`: the one stable module a config file imports it from. */
import type { UserConfig } from './schema.ts';

/** Typed identity for `bench.config.ts`: `export default defineConfig({ ... })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
