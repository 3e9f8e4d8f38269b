/**
 * The package as a team installs it: `npm pack`, then in a scratch project outside the repository
 * a plain `npm install <tarball>` (with the one variable the README names for onnxruntime-node's
 * install script), and then, on plain Node with no loader: the CLI runs a quick Node job, the entry
 * imports, and a bench.config.ts type-checks under a stock nodenext tsconfig while a misspelt key does not.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The environment of a consumer's shell: none of this repository's npm settings or TypeScript loader. */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, ORT_DISABLE_TELEMETRY: '1', ONNXRUNTIME_NODE_INSTALL: 'skip' };
}

function sh(cmd: string, args: string[], cwd: string, timeoutMs: number) {
  const r = spawnSync(cmd, args, { cwd, env: consumerEnv(), encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const registry = spawnSync('npm', ['ping', '--loglevel=error'], { encoding: 'utf8', timeout: 30_000 });

test('the packed tarball installs with plain npm, runs on plain Node, and its types are real', {
  timeout: 900_000,
  skip: registry.status === 0 ? false : `the npm registry is unreachable (npm ping: ${(registry.stderr || registry.error?.message || '').trim()})`,
}, () => {
  const scratch = tempDir('mnb-packed-');
  const pack = sh('npm', ['pack', '--pack-destination', scratch, '--loglevel=error'], ROOT, 300_000);
  assert.equal(pack.status, 0, pack.out);
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, `npm pack wrote no tarball:\n${pack.out}`);

  const project = join(scratch, 'project');
  sh('mkdir', [project], scratch, 5_000);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'team-bench', private: true, type: 'module' }));
  // --prefer-offline: the packages `npm ci` just put in npm's cache are taken from there without asking the registry again (CI's time).
  const install = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(scratch, tarball)], project, 600_000);
  assert.equal(install.status, 0, `npm install of the tarball failed:\n${install.out}`);
  const installed = join(project, 'node_modules');
  assert.ok(existsSync(join(installed, 'mobilenet-bench', 'dist', 'cli', 'main.js')), 'the tarball carries the built CLI');
  assert.ok(!existsSync(join(installed, 'tsx')), 'tsx is a development dependency: nothing installed needs it');

  // The CLI, on built JavaScript.
  const quick = sh(
    'npx',
    ['--no-install', 'mobilenet-bench', 'run', '--quick', '--target', 'node', '--alpha', '0.25', '--resolution', '128', '--impl', 'reference,ort-node'],
    project,
    300_000,
  );
  assert.equal(quick.status, 0, quick.out);
  assert.match(quick.stdout, /node\/reference\/0\.25_128\s+ok/);
  assert.match(quick.stdout, /node\/ort-node-cpu\/0\.25_128\s+ok/);
  assert.doesNotMatch(quick.out, /rebuilding/, 'an installed package never rebuilds itself');
  const runDir = /Results: (.+)\/results\.jsonl/.exec(quick.stdout)?.[1];
  assert.ok(runDir && existsSync(join(project, runDir, 'report.html')), quick.stdout);
  const lines = readFileSync(join(project, runDir, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(lines.length, 2);

  // The entry, on plain Node: no loader, no flags.
  const entry = sh(
    'node',
    ['--input-type=module', '-e', "import('mobilenet-bench').then(m => console.log(typeof m.defineConfig, typeof m.run))"],
    project,
    60_000,
  );
  assert.equal(entry.status, 0, entry.out);
  assert.equal(entry.stdout.trim(), 'function function');

  // The types: a config type-checks under a stock nodenext setup, strict, with noUncheckedIndexedAccess; a misspelt key does not.
  const tscArgs = (file: string) => [TSC, '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--strict', '--noUncheckedIndexedAccess', file];
  writeFileSync(
    join(project, 'bench.config.ts'),
    "import { defineConfig } from 'mobilenet-bench';\nexport default defineConfig({ targets: [{ type: 'node' }], variants: { alpha: [0.25], resolution: [128] }, implementations: ['reference', 'ort-node:cpu'] });\n",
  );
  const good = sh('node', tscArgs('bench.config.ts'), project, 120_000);
  assert.equal(good.status, 0, good.out);
  writeFileSync(
    join(project, 'bad.config.ts'),
    "import { defineConfig } from 'mobilenet-bench';\nexport default defineConfig({ variants: { alphas: [0.25], resolution: [128] } });\n",
  );
  const bad = sh('node', tscArgs('bad.config.ts'), project, 120_000);
  assert.notEqual(bad.status, 0, 'a misspelt key must fail to type-check: the types are real, not any');
  assert.match(bad.out, /'alphas' does not exist/);

  // The same config runs through the CLI on plain Node (compiled by esbuild, no tsx): `list` plans it.
  const list = sh('npx', ['--no-install', 'mobilenet-bench', 'list', '-c', 'bench.config.ts'], project, 120_000);
  assert.equal(list.status, 0, list.out);
  assert.match(list.stdout, /node\/ort-node-cpu\/0\.25_128/);
  const wrong = sh('npx', ['--no-install', 'mobilenet-bench', 'list', '-c', 'bad.config.ts'], project, 120_000);
  assert.equal(wrong.status, 2, wrong.out);
  assert.match(wrong.stderr, /alphas/);
  assert.doesNotMatch(wrong.stderr, STACK);
});
