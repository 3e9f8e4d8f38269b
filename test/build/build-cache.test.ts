/**
 * The build cache keys the page and the board bundle by what they run: editing code outside a
 * target's import closure (compare, a usage string, the other target's entry) keeps its key,
 * editing a file inside changes it. Builders racing for one key both end with the same complete
 * folder, and a failed build leaves nothing behind.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildKey, cachedBuild, type CachedBuild } from '../../runners/build-cache.ts';
import { probePageBuild } from '../../runners/page/build.ts';
import { remoteJobBuild } from '../../runners/ssh/bundle.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** A copy of the project's sources under a temp folder, sharing the real node_modules. */
function copyTree(): string {
  const root = tempDir('mnb-build-key-');
  for (const d of ['api', 'cli', 'harness', 'contract', 'analysis', 'models', 'runners']) cpSync(join(ROOT, d), join(root, d), { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(root, f));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

test("a target bundle's key covers its import closure and nothing else", { timeout: 120_000 }, async () => {
  const root = copyTree();
  try {
    const keys = async () => ({ page: (await buildKey(probePageBuild(root))).key, board: (await buildKey(remoteJobBuild(root))).key });
    const touch = (rel: string) => appendFileSync(join(root, rel), '\n// touched by the build-cache test\n');
    const start = await keys();
    assert.notEqual(start.page, start.board);
    // The key lists what it covers: the page's entry and runtime loaders, no CLI, no compare.
    const page = await buildKey(probePageBuild(root));
    assert.ok(page.files.includes('harness/probe/page/main.ts') && page.files.includes('models/loaders/page.ts'), page.files.join(' '));
    assert.ok(!page.files.some((f) => f.startsWith('cli/') || f.startsWith('analysis/compare/') || f === 'models/onnx/ort-node.ts'), page.files.join(' '));
    assert.ok(
      page.packages.some((p) => p.startsWith('onnxruntime-web@')) && !page.packages.some((p) => p.startsWith('onnxruntime-node@')),
      page.packages.join(' '),
    );

    // Outside both closures: compare and a usage string.
    touch('analysis/compare/format.ts');
    touch('cli/run.ts');
    assert.deepEqual(await keys(), start);

    // The board's entry is outside the page's closure, and the page's environment outside the board's.
    touch('harness/probe/board-job.ts');
    const afterBoard = await keys();
    assert.equal(afterBoard.page, start.page);
    assert.notEqual(afterBoard.board, start.board);
    touch('harness/probe/browser-env.ts');
    const afterPage = await keys();
    assert.notEqual(afterPage.page, start.page);
    assert.equal(afterPage.board, afterBoard.board);

    // A kernel both run changes both.
    touch('models/reference/kernels.ts');
    const afterKernel = await keys();
    assert.notEqual(afterKernel.page, afterPage.page);
    assert.notEqual(afterKernel.board, afterPage.board);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** Builds counted, and a gate that holds each build until `overlap` builds have started. */
interface Counter {
  builds: number;
  overlap: number;
  started?: () => void;
  allStarted?: Promise<void>;
}

/** A tiny build under its own root: one entry, written in two steps with a wait between, so that racing builders overlap. */
function tinyBuild(root: string, counter: Counter, fail = false): CachedBuild {
  return {
    name: 'tiny',
    root,
    options: { entryPoints: [join(root, 'entry.ts')], bundle: true, format: 'esm', platform: 'neutral' },
    async build(dir) {
      counter.builds++;
      writeFileSync(join(dir, 'part1.js'), 'export {};\n');
      if (counter.builds >= counter.overlap) counter.started?.();
      await counter.allStarted;
      if (fail) throw new Error('esbuild failed (on purpose)');
      writeFileSync(join(dir, 'part2.js'), 'export {};\n');
    },
  };
}

test('builders racing for one key end with the same complete folder; a failed build leaves nothing', async () => {
  const root = tempDir('mnb-build-race-');
  try {
    writeFileSync(join(root, 'entry.ts'), 'export const x = 1;\n');
    const cache = join(root, 'cache');
    const counter: Counter = { builds: 0, overlap: 2 };
    counter.allStarted = new Promise((r) => {
      counter.started = r;
    });
    const [a, b] = await Promise.all([cachedBuild(tinyBuild(root, counter), cache), cachedBuild(tinyBuild(root, counter), cache)]);
    assert.equal(a, b);
    assert.equal(counter.builds, 2);
    assert.deepEqual(readdirSync(a).sort(), ['BUILD', 'part1.js', 'part2.js']);
    assert.deepEqual(readdirSync(join(cache, 'tiny')), [a.split('/').pop()], 'no temporary folder is left');
    // The next call is a hit: no build.
    assert.equal(await cachedBuild(tinyBuild(root, counter), cache), a);
    assert.equal(counter.builds, 2);

    counter.overlap = 0;
    // A changed entry is a new key; its build fails: no folder under that key, no temporary folder.
    writeFileSync(join(root, 'entry.ts'), 'export const x = 2;\n');
    await assert.rejects(cachedBuild(tinyBuild(root, counter, true), cache), /on purpose/);
    assert.deepEqual(readdirSync(join(cache, 'tiny')), [a.split('/').pop()]);
    assert.ok(existsSync(join(a, 'part2.js')));
    assert.match(readFileSync(join(a, 'BUILD'), 'utf8'), /^[0-9a-f]{16}\n.*\n\nentry\.ts\n/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
