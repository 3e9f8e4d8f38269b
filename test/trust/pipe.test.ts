/** A reader that stops early (`mobilenet-bench list | head -1`) ends the CLI quietly, with no stack. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI, STACK } from '../helpers/cli.ts';

test('`list | head -1`: the closed pipe ends the CLI with exit 0 and no EPIPE stack', { timeout: 60_000 }, () => {
  // The shell's pipeline: head exits after one line, so the CLI's later writes hit a closed pipe.
  const r = spawnSync(
    'bash',
    [
      '-c',
      `err=$(mktemp); "${process.execPath}" "${CLI}" list --quick --target node 2>"$err" | head -1; echo "cli=\${PIPESTATUS[0]}"; cat "$err"; rm -f "$err"`,
    ],
    { encoding: 'utf8', timeout: 50_000 },
  );
  assert.match(r.stdout, /^\d+ jobs .*\ncli=0\n/);
  assert.doesNotMatch(r.stdout, STACK);
  assert.doesNotMatch(r.stdout, /EPIPE/);
});
