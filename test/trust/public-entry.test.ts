/**
 * The package's public entry: a user's own project installs mobilenet-bench (a `file:`
 * dependency, as from a checkout) and its bench.config.ts says
 * `import { defineConfig } from 'mobilenet-bench'`; `npx mobilenet-bench list -c` then plans it.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

test("a user's project imports defineConfig from 'mobilenet-bench' and `npx mobilenet-bench list -c` plans its config", { timeout: 120_000 }, (t) => {
  const project = tempDir('mnb-user-project-');
  t.after(() => rmSync(project, { recursive: true, force: true }));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'my-bench', private: true, type: 'module', dependencies: { 'mobilenet-bench': `file:${ROOT}` } }),
  );
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: project,
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.equal(install.status, 0, `npm install of the package failed:\n${install.stderr}`);

  writeFileSync(
    join(project, 'bench.config.ts'),
    [
      "import { defineConfig, type UserConfig } from 'mobilenet-bench';",
      "const variants: UserConfig['variants'] = { alpha: [0.25, 0.5], resolution: [128] };",
      "export default defineConfig({ targets: [{ type: 'node' }], variants, implementations: ['reference', 'ort-node:cpu'] });",
    ].join('\n'),
  );
  const list = spawnSync('npx', ['--no-install', 'mobilenet-bench', 'list', '-c', 'bench.config.ts'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  assert.equal(list.status, 0, list.stderr);
  const jobs = list.stdout
    .split('\n')
    .filter((l) => /^\s+node\//.test(l))
    .map((l) => l.trim());
  assert.deepEqual(jobs.sort(), ['node/ort-node-cpu/0.25_128', 'node/ort-node-cpu/0.5_128', 'node/reference/0.25_128', 'node/reference/0.5_128']);

  // The same entry validates: a wrong key is named, with no stack.
  writeFileSync(
    join(project, 'bad.config.ts'),
    "import { defineConfig } from 'mobilenet-bench';\nexport default defineConfig({ variants: { alphas: [1] } } as never);\n",
  );
  const bad = spawnSync('npx', ['--no-install', 'mobilenet-bench', 'list', '-c', 'bad.config.ts'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /alphas/);
  assert.doesNotMatch(bad.stderr, STACK);
});
