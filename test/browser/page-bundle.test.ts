/** The probe page's bundle: no Node module in its import graph (the page side of #platform instead), and its size. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProbePage, NO_NODE_BUILTINS, pageBundleInfo } from '../../runners/page/build.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

test('the page bundle takes the browser side of #platform and is measured', { timeout: 120_000 }, async () => {
  const info = await pageBundleInfo();
  assert.ok(info.totalBytes > info.entryBytes && info.entryBytes > 100_000, JSON.stringify(info));
  const dir = await buildProbePage();
  const text = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  assert.match(text, /models\/platform\/browser\.ts/);
  assert.doesNotMatch(text, /models\/platform\/node\.ts/);
  // Only the page's loaders (models/loaders/page.ts) reach it: no native addon, no Node-side environment.
  assert.match(text, /models\/loaders\/page\.ts/);
  assert.doesNotMatch(text, /models\/onnx\/ort-node\.ts|node_modules\/onnxruntime-node\/|harness\/probe\/node-env\.ts|models\/loaders\/node\.ts/);
});

test('a node: import reaching the page fails its build, naming the importer', async () => {
  const { build } = await import('esbuild');
  const dir = tempDir('mnb-page-');
  writeFileSync(join(dir, 'entry.ts'), "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
  await assert.rejects(
    build({
      entryPoints: [join(dir, 'entry.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
      plugins: [NO_NODE_BUILTINS],
    }),
    /node:fs imported by .*entry\.ts: the probe page runs in a browser; put Node-only code behind '#platform'/,
  );
});
