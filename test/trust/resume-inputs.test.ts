/**
 * A resume checks everything that made the numbers (issue 28, item 5): run.json hashes every
 * weight file (a TF.js model's shards too), a user model's labels file and the eval set's scored
 * images with their labels, symlinked images included; `--resume` refuses when any of them
 * changed, naming what changed, and nothing in the folder changes. Fast: the runner answers at
 * once, so nothing is decoded; the model is seeded synthetic weights written as TF.js Layers.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import type { Job } from '../../harness/plan.ts';
import { runBenchmark } from '../../harness/run.ts';
import type { Runner } from '../../harness/runner.ts';
import { readRunInfo } from '../../contract/store.ts';
import { evalSetRecord } from '../../harness/eval-set-hash.ts';
import { weightsChanges } from '../../harness/weights-record.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { writeTfjsLayers } from '../../models/weights/tfjs-layers-writer.ts';
import { folderSnapshot, jobLine } from '../helpers/run-folder.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const answering = (): Runner => ({
  runJob: async (job: Job) => jobLine(job.id, undefined, { alpha: job.alpha, resolution: job.resolution, precision: job.precision }),
  close: async () => {},
});

const CLASSES = ['dog', 'bird', 'fish'];

/** A user model (TF.js Layers, its 1001 class names in labels.txt beside it) and a class-folder eval set, one image a symlink to a file outside it. */
function setup() {
  const root = tempDir('mnb-resume-inputs-');
  const modelJson = writeTfjsLayers(syntheticWeights(0.25, 128, { seed: 2 }), join(root, 'pets'));
  const labels = join(root, 'pets', 'labels.txt');
  writeFileSync(labels, `${[...CLASSES, ...Array.from({ length: 998 }, (_, i) => `class ${i + 3}`)].join('\n')}\n`);
  const evalSet = join(root, 'eval');
  for (const c of CLASSES) {
    mkdirSync(join(evalSet, c), { recursive: true });
    writeFileSync(join(evalSet, c, `${c}1.jpg`), `image of a ${c}`);
  }
  const outside = join(root, 'elsewhere.jpg');
  writeFileSync(outside, 'a linked image of a dog');
  symlinkSync(outside, join(evalSet, 'dog', 'linked.jpg'));
  const config = resolveConfig({
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['reference'],
    precision: ['float32'],
    models: [{ name: 'pets', file: modelJson, labels }],
    accuracy: { evalSet },
  });
  return { root, modelJson, labels, evalSet, outside, config, dir: join(root, 'run') };
}

/** Run, drop nothing (every job done): a resume only re-checks; `change` then must make it refuse with `pattern`, the folder untouched. */
async function refusedAfter(change: (s: ReturnType<typeof setup>) => void, pattern: RegExp): Promise<void> {
  const s = setup();
  await runBenchmark({ config: s.config, runnerFor: answering, outDir: s.dir });
  // Unchanged, the resume is accepted.
  await runBenchmark({ runnerFor: answering, resumeDir: s.dir });
  change(s);
  const before = folderSnapshot(s.dir);
  await assert.rejects(runBenchmark({ runnerFor: answering, resumeDir: s.dir }), (e: Error) => {
    assert.equal(e.name, 'ResumeError', e.message);
    assert.match(e.message, pattern);
    assert.match(e.message, /Nothing in .* was changed/);
    return true;
  });
  assert.deepEqual(folderSnapshot(s.dir), before, 'refused: nothing in the folder changed');
}

test('run.json records every shard, the labels file and the scored images, the symlinked one included', async () => {
  const s = setup();
  await runBenchmark({ config: s.config, runnerFor: answering, outDir: s.dir });
  const info = readRunInfo(s.dir);
  const pets = info.weights!.find((w) => w.model === 'pets')!;
  assert.ok(pets, 'the user model has an entry of its own, apart from the official 0.25_128');
  assert.ok(info.weights!.some((w) => !w.model && w.variant === '0.25_128'));
  assert.deepEqual(
    pets.parts!.map((p) => p.file),
    [join(s.root, 'pets', 'weights.bin')],
  );
  assert.match(pets.parts![0].sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.equal(pets.labels?.file, s.labels);
  assert.equal(info.evalSet?.files, 4, 'three images and the symlinked one');
  assert.equal(info.evalSet?.scope, 'scored');
});

test('a shard with flipped signs, the same length, is refused naming the shard', async () => {
  await refusedAfter((s) => {
    const shard = join(s.root, 'pets', 'weights.bin');
    const bytes = readFileSync(shard);
    for (let i = 3; i < bytes.length; i += 4) bytes[i] ^= 0x80; // the sign bit of every little-endian float32
    writeFileSync(shard, bytes);
  }, /weights of pets\/0\.25_128:float32: .*changed since: shard .*pets\/weights\.bin/);
});

test('a reordered labels file is refused naming it', async () => {
  await refusedAfter(
    (s) => writeFileSync(s.labels, readFileSync(s.labels, 'utf8').replace('dog\nbird\n', 'bird\ndog\n')),
    /changed since: the labels file .*labels\.txt \(its class names or their order\)/,
  );
});

test('replaced images are refused naming the eval set', async () => {
  await refusedAfter(
    (s) => writeFileSync(join(s.evalSet, 'bird', 'bird1.jpg'), 'another bird'),
    /eval set .*eval: images were replaced, renamed or relabelled: run\.json recorded 4 images/,
  );
});

test('added images are refused: the first run scored fewer than the resumed job would', async () => {
  await refusedAfter((s) => {
    for (let i = 2; i < 12; i++) writeFileSync(join(s.evalSet, 'fish', `fish${i}.jpg`), `fish ${i}`);
  }, /images were added or removed: run\.json recorded 4 images, .* it now holds 14 images/);
});

test('a symlinked image that is scored is in the hash: changing its target is refused', async () => {
  await refusedAfter((s) => writeFileSync(s.outside, 'another linked image'), /eval set .*images were replaced/);
});

test('an ImageNet set whose synsets file is reordered (the same images, other labels) hashes differently', () => {
  const root = tempDir('mnb-synsets-');
  const wnids = Array.from({ length: 1000 }, (_, i) => `n${String(10000000 + i).padStart(8, '0')}`);
  writeFileSync(join(root, 'synsets.txt'), `${wnids.join('\n')}\n`);
  const set = join(root, 'images');
  mkdirSync(set);
  for (const w of wnids.slice(0, 3)) writeFileSync(join(set, `${w}_1.JPEG`), `image ${w}`);
  const before = evalSetRecord(set)!;
  assert.equal(before.files, 3);
  [wnids[0], wnids[1]] = [wnids[1], wnids[0]];
  writeFileSync(join(root, 'synsets.txt'), `${wnids.join('\n')}\n`);
  assert.notEqual(evalSetRecord(set)!.sha256, before.sha256, 'the labels are part of what is scored');
});

test('through the CLI: a run on a user model, its shard then flipped in place: `run --resume` exits 2 naming the shard, nothing changed', {
  timeout: 120_000,
}, () => {
  const root = tempDir('mnb-resume-inputs-cli-');
  const modelJson = writeTfjsLayers(syntheticWeights(0.25, 128, { seed: 3 }), join(root, 'pets'));
  const dir = join(root, 'run');
  const first = runCli([
    'run',
    '--quick',
    '--model',
    modelJson,
    '--target',
    'node',
    '--impl',
    'reference',
    '--alpha',
    '0.25',
    '--resolution',
    '128',
    '--out',
    dir,
  ]);
  assert.equal(first.status, 0, first.stderr + first.stdout);
  // Every job finished on the old shard: a resume (say after a crash at the end) must not accept the new one.
  const shard = join(root, 'pets', 'weights.bin');
  const bytes = readFileSync(shard);
  for (let i = 3; i < bytes.length; i += 4) bytes[i] ^= 0x80;
  writeFileSync(shard, bytes);
  const before = folderSnapshot(dir);
  const r = runCli(['run', '--resume', dir]);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stderr, /cannot resume [\s\S]*changed since: shard .*pets\/weights\.bin[\s\S]*Restore what the run used/);
  assert.doesNotMatch(r.stderr, STACK);
  assert.deepEqual(folderSnapshot(dir), before);
});

test('a run.json from before user models had weights entries of their own still resumes: their entries are not compared', () => {
  const official = { variant: '0.25_128', precision: 'float32', source: 'synthetic (seed 0)', file: null, sha256: null };
  const pets = {
    ...official,
    source: 'tfjs-layers',
    file: '/m/model.json',
    sha256: 'a'.repeat(64),
    model: 'pets',
    parts: [{ file: '/m/weights.bin', sha256: 'b'.repeat(64) }],
  };
  assert.deepEqual(weightsChanges([official], [official, pets]), []);
  // A current record lists them, so a user model that appears is a change.
  assert.equal(weightsChanges([official, { ...pets, model: 'cats' }], [official, { ...pets, model: 'cats' }, pets]).length, 1);
});
