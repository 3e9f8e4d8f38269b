/**
 * The guard rails in `npm test` name what broke: the layer rules of .dependency-cruiser.cjs
 * (models/ at the bottom, harness/ below runners/reports/cli, reports/ apart from runners/, no
 * cycles) and Biome's lint and format check, each run on a small tree that breaks them.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tempDir } from '../helpers/temp-dirs.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

function tree(files: Record<string, string>): string {
  const dir = tempDir('mnb-layers-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('dependency-cruiser: each broken layer rule fails the check and is named', { timeout: 60_000 }, () => {
  const dir = tree({
    'tsconfig.json': JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler' } }),
    'models/spec.ts': "import { plan } from '../harness/plan.ts';\nexport const spec = plan;\n",
    'harness/plan.ts': "import { run } from '../runners/node.ts';\nexport const plan = run;\n",
    'runners/node.ts': 'export const run = 1;\n',
    'reports/html.ts': "import { run } from '../runners/node.ts';\nexport const html = run;\n",
    'cli/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
    'cli/b.ts': "import { a } from './a.ts';\nexport const b = a;\n",
  });
  const r = spawnSync(bin('depcruise'), ['--config', join(ROOT, '.dependency-cruiser.cjs'), 'cli', 'harness', 'runners', 'models', 'reports'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 50_000,
  });
  assert.notEqual(r.status, 0, r.stdout);
  for (const rule of ['models-import-nothing-above', 'harness-knows-no-runner-report-or-cli', 'reports-know-no-runner', 'no-cycles'])
    assert.match(r.stdout, new RegExp(`error ${rule}:`), `${rule} not reported:\n${r.stdout}`);
  // The project itself keeps every rule (the same check npm test runs).
  const own = spawnSync(bin('depcruise'), ['--config', '.dependency-cruiser.cjs', 'cli', 'harness', 'runners', 'models', 'reports', 'bin', 'test'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 50_000,
  });
  assert.equal(own.status, 0, own.stdout);
});

test('Biome: a lint error and a formatting slip each fail `npm run lint` and are named', { timeout: 60_000 }, () => {
  const dir = tree({
    'lint.ts': 'export function f(x: number) {\n  debugger;\n  return x;\n}\n',
    'format.ts': 'export const  a=1\n',
  });
  const r = spawnSync(bin('biome'), ['check', '--config-path', join(ROOT, 'biome.json'), '--vcs-enabled=false', 'lint.ts', 'format.ts'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 50_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  assert.notEqual(r.status, 0, out);
  assert.match(out, /lint\.ts:2:3 lint\/suspicious\/noDebugger/);
  assert.match(out, /format\.ts format/);
});
