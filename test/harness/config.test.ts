import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseImplementation } from '../../harness/config/implementations.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { applyOverrides, ConfigOverridesSchema } from '../../harness/config/overrides.ts';
import { defineConfig } from '../../harness/config/define.ts';
import { weightsFolders } from '../../harness/plan.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { rejects } from '../helpers/config-errors.ts';

test('defaults: the four Node implementations over all 16 variants', () => {
  const c = resolveConfig({});
  assert.deepEqual(c.variants, { alpha: [1, 0.75, 0.5, 0.25], resolution: [224, 192, 160, 128] });
  assert.deepEqual(
    c.implementations.map((i) => `${i.impl}:${i.backend}`),
    ['reference:js', 'tfjs:wasm', 'ort-web:wasm', 'ort-node:cpu'],
  );
  assert.equal(c.weights.source, 'synthetic');
  assert.ok(c.sampling.minSamples > 0 && c.sampling.maxTimeMs > c.sampling.minTimeMs);
});

test('a misspelt key is named, with the closest allowed key and the full list', () => {
  rejects({ sampling: { minSampels: 5 } }, /sampling\.minSampels: unknown key/, /did you mean 'minSamples'/, /allowed keys: .*maxTimeMs/);
  rejects({ implementation: ['reference'] }, /implementation: unknown key/, /did you mean 'implementations'/);
});

test('a bad value names the key, the value and the allowed ones', () => {
  rejects({ variants: { alpha: [0.3] } }, /variants\.alpha\.0: expected one of 1, 0\.75, 0\.5, 0\.25 \(got 0\.3\)/);
  rejects({ variants: { resolution: [256] } }, /variants\.resolution\.0: expected one of 224, 192, 160, 128 \(got 256\)/);
  rejects({ implementations: ['tfjs:gpu'] }, /implementations\.0: tfjs has no backend 'gpu'/, /allowed: reference, tfjs:cpu/);
  rejects(
    { implementations: [{ impl: 'ort-web', backend: 'cpu' }] },
    /implementations\.0\.backend: ort-web has no backend 'cpu'; allowed: wasm, webgl, webgpu/,
  );
  rejects({ sampling: { minSamples: -1 } }, /sampling\.minSamples/, /got -1/);
  rejects({ order: { mode: 'random' } }, /order\.mode: expected one of "interleaved", "shuffled", "grouped" \(got "random"\)/);
});

test('implementation shorthand: impl[:backend][@threads]', () => {
  assert.deepEqual(parseImplementation('ort-web:wasm@2'), { impl: 'ort-web', backend: 'wasm', threads: 2 });
  assert.deepEqual(parseImplementation('ort-node'), { impl: 'ort-node', backend: 'cpu', threads: null });
  assert.match(parseImplementation('onnx') as string, /unknown implementation 'onnx'/);
});

test('config files: JSON and TypeScript load; a broken one names the file', async () => {
  const dir = tempDir('mnb-config-');
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ variants: { alpha: [0.5] } }));
  assert.deepEqual((await loadConfig('a.json', { cwd: dir })).config.variants.alpha, [0.5]);
  writeFileSync(join(dir, 'bench.config.ts'), `export default { variants: { resolution: [128] } };\n`);
  const found = await loadConfig(undefined, { cwd: dir });
  assert.equal(found.origin, join(dir, 'bench.config.ts'));
  assert.deepEqual(found.config.variants.resolution, [128]);
  writeFileSync(join(dir, 'bad.json'), '{ "variants": ');
  await assert.rejects(loadConfig('bad.json', { cwd: dir }), /bad\.json: not valid JSON/);
  await assert.rejects(loadConfig('missing.json', { cwd: dir }), /missing\.json not found/);
  writeFileSync(join(dir, 'typo.json'), JSON.stringify({ sampling: { maxTime: 5 } }));
  await assert.rejects(loadConfig('typo.json', { cwd: dir }), /typo\.json[\s\S]*sampling\.maxTime: unknown key \(did you mean 'maxTimeMs'\?\)/);
});

test('overrides: option, then target, then config, then environment, then default', () => {
  const env = { mirror: '/env/mirror' };
  const resolved = (c: Parameters<typeof applyOverrides>[0], o: Parameters<typeof applyOverrides>[1]) => resolveConfig(applyOverrides(c, o));
  // Environment over default: official weights from the mirror, written into the config (run.json records it).
  assert.deepEqual(resolved({}, { environment: env }).weights, { source: 'official', mirror: '/env/mirror', fallback: 'synthetic' });
  assert.deepEqual(resolved({ weights: { source: 'official' } }, { environment: env }).weights, {
    source: 'official',
    mirror: '/env/mirror',
    fallback: 'synthetic',
  });
  // Config over environment.
  assert.deepEqual(resolved({ weights: { source: 'synthetic', seed: 3 } }, { environment: env }).weights, { source: 'synthetic', seed: 3 });
  assert.equal((resolved({ weights: { source: 'official', mirror: '/cfg' } }, { environment: env }).weights as { mirror: string }).mirror, '/cfg');
  // Option over config and environment.
  assert.equal(
    (resolved({ weights: { source: 'official', mirror: '/cfg' } }, { weightsMirror: '/opt', environment: env }).weights as { mirror: string }).mirror,
    '/opt',
  );
  // Target over config, option over target.
  const targets = [{ type: 'chromium' as const, implementations: ['tfjs:wasm'] }];
  const own = resolved({ targets, implementations: ['reference'] }, {});
  assert.deepEqual((own.targets[0] as { implementations?: unknown[] }).implementations?.length, 1);
  const opt = resolved({ targets, implementations: ['reference'] }, { implementations: ['ort-web:wasm'] });
  assert.equal((opt.targets[0] as { implementations?: unknown }).implementations, undefined);
  assert.deepEqual(opt.implementations, [{ impl: 'ort-web', backend: 'wasm', threads: null }]);
  // The planner reads no environment: a config without a mirror searches only the download cache.
  const saved = process.env.MOBILENET_BENCH_MIRROR;
  process.env.MOBILENET_BENCH_MIRROR = '/should/not/be/read';
  try {
    assert.ok(!weightsFolders(resolveConfig({ weights: { source: 'official' } })).includes('/should/not/be/read'));
  } finally {
    if (saved === undefined) delete process.env.MOBILENET_BENCH_MIRROR;
    else process.env.MOBILENET_BENCH_MIRROR = saved;
  }
  assert.throws(() => ConfigOverridesSchema.parse({ impl: ['x'] }), /impl/, 'overrides are typed: unknown keys refused');
  assert.deepEqual(defineConfig({ variants: { alpha: [0.5] } }), { variants: { alpha: [0.5] } });
});

test("an A/B side's overlay goes over a config file, the command line and the built-in defaults alike", async () => {
  const dir = tempDir('mnb-overlay-');
  const file = join(dir, 'bench.config.json');
  writeFileSync(file, JSON.stringify({ targets: [{ type: 'node' }], implementations: ['ort-node:cpu'], variants: { alpha: [0.5], resolution: [160] } }));
  const overlay = { implementations: ['ort-node:cpu@2'] };
  const fromFile = (await loadConfig(file, { overrides: { alpha: [0.25] }, overlay })).config;
  assert.deepEqual(
    fromFile.implementations.map((i) => i.threads),
    [2],
    'the overlay reaches a config read from a file',
  );
  assert.deepEqual(fromFile.variants.alpha, [0.25], 'the command line still applies under the overlay');
  assert.deepEqual(
    (await loadConfig(file, { overrides: {} })).config.implementations.map((i) => i.threads ?? null),
    [null],
  );
  const defaults = (await loadConfig(undefined, { cwd: tempDir('mnb-no-config-'), overrides: {}, overlay: { variants: { alpha: [1] } } })).config;
  assert.deepEqual(defaults.variants.alpha, [1], 'and the built-in defaults');
});

test('defineConfig merges configs as Playwright does: objects by key, targets by name, arrays replaced', () => {
  const merged = defineConfig(
    { targets: [{ type: 'node' }, { type: 'chromium', name: 'desktop' }], variants: { alpha: [1, 0.5], resolution: [224] }, sampling: { minSamples: 10 } },
    { targets: [{ type: 'chromium', name: 'desktop', headless: false } as never], variants: { alpha: [0.25] }, sampling: { maxSamples: 50 } },
  );
  assert.deepEqual(merged.variants, { alpha: [0.25], resolution: [224] });
  assert.deepEqual(merged.sampling, { minSamples: 10, maxSamples: 50 });
  assert.equal(merged.targets?.length, 2);
  assert.deepEqual(merged.targets?.[1], { type: 'chromium', name: 'desktop', headless: false });
});
