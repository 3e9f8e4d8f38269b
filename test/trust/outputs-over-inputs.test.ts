/**
 * Outputs never overwrite inputs: report, compare and baseline save refuse an output path that
 * is one of their inputs or one of an input run folder's own files (results.jsonl, run.json,
 * run.lock, trace-*.json), however it is spelled (relative, through a symlink, a hard link).
 * They exit 2 naming the path, and nothing on disk changes.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { baselineCommand } from '../../cli/baseline.ts';
import { compareCommand } from '../../cli/compare.ts';
import { saveBaseline } from '../../analysis/compare/load.ts';
import { OutputOverwritesInputError, refuseOutputsOverInputs, resolvedPath } from '../../contract/output-guard.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { jobLine, writeRunFolder, folderSnapshot } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const IDS = ['node/reference/0.25_128', 'node/reference/0.5_160'];

function fixture() {
  const root = tempDir('mnb-outputs-');
  const a = writeRunFolder(
    join(root, 'a'),
    IDS.map((id) => jobLine(id)),
    'run-a',
  );
  const b = writeRunFolder(
    join(root, 'b'),
    IDS.map((id) => jobLine(id, [10, 11, 12, 10.5, 11.6])),
    'run-b',
  );
  return { root, a, b };
}

async function compare(argv: string[]) {
  let out = '';
  let err = '';
  const code = await compareCommand(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test("report -o onto its own run folder's files exits 2 naming the path, however the path is spelled; a report beside them is written", (t) => {
  const { root, a, b } = fixture();
  symlinkSync(join(a, 'results.jsonl'), join(root, 'link.jsonl'));
  linkSync(join(a, 'run.json'), join(root, 'hard.json'));
  const before = folderSnapshot(root);
  const cases: [string[], string][] = [
    [[a, '-o', join(a, 'results.jsonl')], join(a, 'results.jsonl')],
    [[a, '--format', 'markdown', '--out', join(a, 'run.json')], join(a, 'run.json')],
    [[a, '-o', join(a, 'run.lock')], join(a, 'run.lock')],
    [[a, '-o', join(a, 'trace-node_reference_0.25_128.json')], join(a, 'trace-node_reference_0.25_128.json')],
    [[a, b, '-o', join(b, 'results.jsonl')], join(b, 'results.jsonl')],
    [[a, '-o', join(root, 'link.jsonl')], join(root, 'link.jsonl')],
    [[a, '-o', join(root, 'hard.json')], join(root, 'hard.json')],
    [[a, '-o', a], a],
  ];
  for (const [args, named] of cases) {
    const r = runCli(['report', ...args]);
    assert.equal(r.status, 2, `report ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`--out ${escapeRegExp(named)}: refusing to write there, it is .*input`), r.stderr);
    assert.doesNotMatch(r.stderr, STACK);
  }
  // A relative spelling from another working directory.
  const rel = runCli(['report', 'a', '-o', join('a', '..', 'a', 'results.jsonl')], { cwd: root });
  assert.equal(rel.status, 2, rel.stderr);
  assert.match(rel.stderr, /refusing to write there, it is results\.jsonl of the input run folder a/);
  assert.deepEqual(folderSnapshot(root), before, 'nothing on disk changed');
  t.diagnostic(`${cases.length + 1} refused report commands`);

  // The guard refuses only inputs: a new file beside them, and the default, are written.
  const ok = runCli(['report', a, '-o', join(a, 'results.jsonl.html')]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(readFileSync(join(a, 'results.jsonl.html'), 'utf8').includes('<html'));
  assert.equal(runCli(['report', a]).status, 0);
  assert.ok(existsSync(join(a, 'report.html')));
  assert.equal(folderSnapshot(root)['a/results.jsonl'], before['a/results.jsonl']);
});

test('compare --json/--markdown/--junit onto an input exits 2 naming the path and writes nothing, not even stdout', async () => {
  const { root, a, b } = fixture();
  const baselines = join(root, 'baselines');
  saveBaseline([a], { dir: baselines, name: 'main' });
  const before = folderSnapshot(root);
  const cases: [string[], string, string][] = [
    [[a, b, '--json', join(b, 'results.jsonl')], '--json', join(b, 'results.jsonl')],
    [[a, join(b, 'results.jsonl'), '--markdown', join(b, 'run.json')], '--markdown', join(b, 'run.json')],
    [[join(a, 'run.json'), b, '--junit', join(a, 'results.jsonl')], '--junit', join(a, 'results.jsonl')],
    [['main', b, '--baselines', baselines, '--json', join(baselines, 'main.json')], '--json', join(baselines, 'main.json')],
    [
      [
        join(baselines, 'main.json'),
        b,
        '--format',
        'markdown',
        '--markdown',
        join(root, 'ok.md'),
        '--junit',
        relative(process.cwd(), join(baselines, 'main.json')),
      ],
      '--junit',
      relative(process.cwd(), join(baselines, 'main.json')),
    ],
  ];
  for (const [argv, option, named] of cases) {
    const r = await compare(argv);
    assert.equal(r.code, 2, `compare ${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, new RegExp(`${option} ${escapeRegExp(named)}: refusing to write there, it is .*input`), r.err);
    assert.equal(r.out, '', 'no report on stdout either: the command did nothing');
  }
  assert.deepEqual(folderSnapshot(root), before, 'nothing on disk changed (ok.md of the last case included)');
  // Control: the same commands with outputs beside the inputs succeed.
  const ok = await compare([a, b, '--json', join(root, 'c.json'), '--markdown', join(a, 'compare.md')]);
  assert.equal(ok.code, 0, ok.err);
  assert.ok(existsSync(join(root, 'c.json')) && existsSync(join(a, 'compare.md')));
});

test("baseline save onto an input run folder's run.json or a trace is refused even with --force", async () => {
  const { root, a, b } = fixture();
  const before = folderSnapshot(root);
  for (const argv of [
    ['save', a, '--dir', a, '--name', 'run', '--force'],
    ['save', a, b, '--dir', b, '--name', 'trace-x'],
    ['save', a, '--dir', join(a, '..', 'a'), '--name', 'run'],
  ]) {
    let err = '';
    assert.equal(
      await baselineCommand(
        argv,
        () => {},
        (s) => (err += s),
      ),
      2,
      argv.join(' '),
    );
    assert.match(err, /baseline file .*(run|trace-x)\.json: refusing to write there, it is (run|trace-x)\.json of the input run folder/, err);
  }
  assert.deepEqual(folderSnapshot(root), before);
  assert.equal(
    await baselineCommand(
      ['save', a, '--dir', join(a, 'baselines'), '--name', 'run'],
      () => {},
      () => {},
    ),
    0,
    'a baseline in a subfolder is fine',
  );
});

test('the guard resolves paths that do not exist yet through their nearest existing ancestor', () => {
  const { root, a } = fixture();
  symlinkSync(a, join(root, 'alias'));
  assert.equal(resolvedPath(join(root, 'alias', 'new', 'x.html')), join(resolvedPath(a), 'new', 'x.html'));
  assert.throws(() => refuseOutputsOverInputs([{ path: join(root, 'alias', 'run.json'), option: '-o' }], [{ runFolder: a }]), OutputOverwritesInputError);
  assert.throws(() => refuseOutputsOverInputs([{ path: join(root, 'alias', 'run.json', 'x'), option: '-o' }], [{ runFolder: a }]), /inside run\.json/);
  refuseOutputsOverInputs([{ path: join(root, 'alias', 'report.html'), option: '-o' }], [{ runFolder: a }]);
  assert.equal(basename(resolvedPath(root)), basename(root));
});
