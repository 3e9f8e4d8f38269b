/** Assert that a config is refused with a ConfigError whose message matches every pattern. */
import assert from 'node:assert/strict';
import { resolveConfig } from '../../harness/config/schema.ts';
import { ConfigError } from '../../contract/config-error.ts';

export const rejects = (input: unknown, ...patterns: RegExp[]) =>
  assert.throws(
    () => resolveConfig(input, 'test'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      for (const p of patterns) assert.match(e.message, p);
      return true;
    },
  );
