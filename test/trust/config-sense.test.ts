/**
 * Careless configs get a clear exit 2 naming the file, key or option and the first line of the
 * problem, never a stack, and nothing is written: values are checked for sense (relations, timer
 * limits, empty lists), a .ts/.js config loads wherever it sits or says why it cannot.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/** A fresh folder with the given files (no package.json: not "type": "module"). */
function folder(files: Record<string, string>): string {
  const dir = tempDir('mnb-cfg-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** `run` in `cwd` must refuse with exit 2 and `message`, without a stack and without writing anything. */
function refused(cwd: string, args: string[], message: RegExp) {
  const before = readdirSync(cwd).sort();
  const r = runCli(['run', ...args], { cwd });
  assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, STACK);
  assert.deepEqual(readdirSync(cwd).sort(), before, 'no run folder, no temp file left');
}

test('relations and ranges: minSamples above maxSamples, minTimeMs above maxTimeMs, a time limit no timer can hold', () => {
  const cwd = folder({
    'bench.config.json': JSON.stringify({
      sampling: { minSamples: 50, maxSamples: 10, minTimeMs: 5000, maxTimeMs: 1000 },
      jobTimeoutMs: 3e9,
      variants: { alpha: [0.25], resolution: [128] },
    }),
  });
  refused(
    cwd,
    [],
    /sampling\.minSamples: minSamples \(50\) is above maxSamples \(10\)[^\n]*\n\s+- sampling\.minTimeMs: minTimeMs \(5000\) is above maxTimeMs \(1000\)[^\n]*\n\s+- jobTimeoutMs: beyond what a timer can hold \(at most 2147483647 ms/,
  );
  const cool = folder({ 'bench.config.json': JSON.stringify({ outDir: '' }) });
  refused(cool, [], /outDir: must name a folder/);
});

test('an empty --impl (or --alpha, --target, --resume) is refused instead of silently meaning the default', () => {
  const cwd = folder({});
  refused(cwd, ['--impl', ''], /--impl: empty value; give at least one, e\.g\. --impl reference,tfjs:wasm/);
  refused(cwd, ['--impl', ' , '], /--impl: empty value/);
  refused(cwd, ['--alpha='], /--alpha: empty value/);
  refused(cwd, ['--resume', ''], /--resume: empty value/);
});

test('a wrong type in a config file is a config error naming the key, also when a command-line option edits it', () => {
  const cwd = folder({ 'bench.config.json': '{"targets": "node"}' });
  refused(
    cwd,
    ['--impl', 'reference'],
    /Invalid configuration in .*bench\.config\.json:\n\s+- targets: Invalid input: expected array, received string \(got "node"\)/,
  );
  refused(cwd, ['--target', 'node'], /targets: Invalid input: expected array/);
});

test('duplicate job ids (a target or implementation listed twice) are refused before anything runs', () => {
  const cwd = folder({
    'bench.config.json': JSON.stringify({ targets: [{ type: 'node' }, { type: 'node' }], variants: { alpha: [0.25], resolution: [128] } }),
  });
  refused(cwd, [], /two jobs share the id node\/[a-z-]+\/0\.25_128: remove the duplicate/);
});

test('a .ts config that throws or has a syntax error: exit 2 with the file and the first line of the error', () => {
  const throws = folder({ 'bench.config.ts': 'const x = 1;\nthrow new Error("no weights folder set");\nexport default {};\n' });
  refused(throws, [], /bench\.config\.ts: cannot load the config: line 2: no weights folder set/);
  const syntax = folder({ 'bench.config.ts': 'export default {\n  variants: { alpha: [0.25] \n};\n' });
  refused(syntax, [], /bench\.config\.ts: cannot load the config: line 3, column 2: ERROR: Expected "}" but found ";"/);
  const js = folder({
    'm/package.json': '{"type":"module"}',
    'm/bench.config.js': 'export default {\n  variants: { alpha: [0.25], resolution: [128] ,, }\n};\n',
  });
  refused(join(js, 'm'), [], /bench\.config\.js: cannot load the config: .*(Unexpected token|Expected)/);
});

test('a .ts or .js config in a folder without "type": "module" loads (through a module copy that is removed)', () => {
  for (const name of ['bench.config.ts', 'bench.config.js']) {
    const cwd = folder({ [name]: 'export default { variants: { alpha: [0.25], resolution: [128] }, implementations: ["reference"] };\n' });
    const r = runCli(['list'], { cwd });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^1 jobs .* from .*${name.replace('.', '\\.')}:\\n  node/reference/0\\.25_128\\n`));
    assert.deepEqual(readdirSync(cwd), [name], 'the module copy is gone');
  }
});
