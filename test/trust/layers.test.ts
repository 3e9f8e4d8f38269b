/**
 * The guard rails in `npm test` name what broke: the layer rules of .dependency-cruiser.cjs
 * (the contract imports nothing of ours, models only the contract, analysis and reports read only
 * the contract, the engine knows no analysis, report, runner or CLI, the API no CLI, nothing imports
 * test/, no cycles) and Biome's lint and format check, each run on a small tree that breaks them.
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
    'contract/results.ts': "import { spec } from '../models/spec.ts';\nexport const results = spec;\n",
    'models/spec.ts': "import { plan } from '../harness/plan.ts';\nexport const spec = plan;\n",
    'harness/plan.ts': "import { run } from '../runners/node.ts';\nimport { verdict } from '../analysis/compare.ts';\nexport const plan = run + verdict;\n",
    'analysis/compare.ts': "import { plan } from '../harness/plan.ts';\nexport const verdict = plan;\n",
    'runners/node.ts': "import { html } from '../reports/html.ts';\nexport const run = html;\n",
    'reports/html.ts': "import { run } from '../runners/node.ts';\nimport { helper } from '../test/helper.ts';\nexport const html = run + helper;\n",
    'api/run.ts': "import { a } from '../cli/a.ts';\nexport const api = a;\n",
    'test/helper.ts': 'export const helper = 1;\n',
    'cli/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
    'cli/b.ts': "import { a } from './a.ts';\nexport const b = a;\n",
  });
  const folders = ['api', 'cli', 'harness', 'contract', 'analysis', 'runners', 'models', 'reports', 'test'];
  const r = spawnSync(bin('depcruise'), ['--config', join(ROOT, '.dependency-cruiser.cjs'), ...folders], { cwd: dir, encoding: 'utf8', timeout: 50_000 });
  assert.notEqual(r.status, 0, r.stdout);
  for (const rule of [
    'contract-imports-nothing-of-ours',
    'models-import-only-the-contract',
    'engine-knows-no-analysis-report-runner-or-cli',
    'analysis-reads-only-the-contract',
    'reports-read-only-the-contract',
    'runners-know-no-analysis-report-or-cli',
    'api-knows-no-cli',
    'nothing-imports-test',
    'no-cycles',
  ])
    assert.match(r.stdout, new RegExp(`error ${rule}:`), `${rule} not reported:\n${r.stdout}`);
  // The project itself keeps every rule (the same check npm test runs).
  const own = spawnSync(bin('depcruise'), ['--config', '.dependency-cruiser.cjs', ...folders, 'bin'], { cwd: ROOT, encoding: 'utf8', timeout: 50_000 });
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
