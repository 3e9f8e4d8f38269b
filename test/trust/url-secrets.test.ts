/**
 * Secrets in URLs (issue 28, item 7): a password in a URL that enters from a flag, the
 * environment or a CI variable (`models fetch --base-url`, MOBILENET_BENCH_WEIGHTS_URL,
 * `history add --url`, CI_PIPELINE_URL, `trend --report-base`) is never printed, stored or
 * embedded in a page; and pages meant for publishing (trend.html, the site's method page) name
 * local folders by their name, not their absolute path.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliAsync, STACK } from '../helpers/cli.ts';
import { jobLine, runInfo, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';
import { writeRunInfo } from '../../contract/store.ts';

const PASSWORD = 'hunter2secretpw';
/** No CI of its own, so only what each test sets counts. */
const CLEAN = { GITHUB_ACTIONS: '', GITLAB_CI: '', BUILDKITE: '', CIRCLECI: '', JENKINS_URL: '', CI_PIPELINE_URL: '', MOBILENET_BENCH_WEIGHTS_URL: '' };

test('models fetch --base-url (or MOBILENET_BENCH_WEIGHTS_URL) with user:password@: never printed; sent as a Basic header', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? 'none');
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const url = `http://bench:${PASSWORD}@127.0.0.1:${port}/weights`;
  try {
    for (const [args, env] of [
      [['--base-url', url], {}],
      [[], { MOBILENET_BENCH_WEIGHTS_URL: url }],
    ] as const) {
      const r = await runCliAsync(['models', 'fetch', ...args, '--alpha', '0.25', '--cache', tempDir('mnb-fetch-cache-')], {
        env: { ...process.env, ...CLEAN, MOBILENET_BENCH_MIRROR: '', ...env },
        timeoutMs: 60_000,
      });
      const all = r.stdout + r.stderr;
      assert.equal(r.status, 1, all);
      assert.match(all, /not fetched: .*http:\/\/\*\*\*@127\.0\.0\.1:\d+\/weights.*HTTP 404/);
      assert.doesNotMatch(all, new RegExp(PASSWORD), 'the password is never printed');
      assert.doesNotMatch(all, STACK);
    }
  } finally {
    server.close();
  }
  assert.ok(seen.length > 0);
  assert.ok(
    seen.every((h) => h === `Basic ${Buffer.from(`bench:${PASSWORD}`).toString('base64')}`),
    `every request carried the credentials as a header: ${[...new Set(seen)]}`,
  );
});

test('history add --url and CI_PIPELINE_URL with a password: the entry, list and trend.html hold none of it; trend shows the folder by name', () => {
  const root = tempDir('mnb-url-secrets-');
  const hist = join(root, 'history');
  const run1 = writeRunFolder(join(root, 'r1'), [jobLine('node/reference/0.25_128')], 'run-1');
  const run2 = writeRunFolder(join(root, 'r2'), [jobLine('node/reference/0.25_128')], 'run-2');
  const byFlag = runCli(['history', 'add', run1, '--history', hist, '--branch', 'main', '--url', `https://ci:${PASSWORD}@ci.example.org/runs/1`], {
    env: CLEAN,
  });
  assert.equal(byFlag.status, 0, byFlag.stderr);
  const byCi = runCli(['history', 'add', run2, '--history', hist], {
    env: { ...CLEAN, GITLAB_CI: 'true', CI_COMMIT_BRANCH: 'main', CI_PIPELINE_URL: `https://gitlab-ci-token:${PASSWORD}@gitlab.example.org/p/-/pipelines/2` },
  });
  assert.equal(byCi.status, 0, byCi.stderr);
  // An entry written by an older harness (or by hand) that still holds one.
  const [first] = readdirSync(hist).filter((f) => f.endsWith('.json'));
  const entries = readdirSync(hist).filter((f) => f.endsWith('.json'));
  const stored = entries.map((f) => readFileSync(join(hist, f), 'utf8')).join('\n');
  assert.doesNotMatch(stored, new RegExp(PASSWORD), 'no entry stores the password');
  assert.match(stored, /https:\/\/\*\*\*@ci\.example\.org\/runs\/1/);
  assert.match(stored, /https:\/\/\*\*\*@gitlab\.example\.org\/p\/-\/pipelines\/2/);
  const old = JSON.parse(readFileSync(join(hist, first), 'utf8'));
  old.source.url = `https://old:${PASSWORD}@ci.example.org/old`;
  writeFileSync(join(hist, first), JSON.stringify(old));

  // A file the history cannot use is listed on the page by its name, not its absolute path.
  writeFileSync(join(hist, 'broken.json'), '{');
  const page = join(root, 'trend.html');
  const t = runCli(['trend', hist, '--out', page]);
  assert.equal(t.status, 0, t.stderr);
  const html = readFileSync(page, 'utf8');
  assert.doesNotMatch(html, new RegExp(PASSWORD), 'trend.html embeds no password');
  assert.doesNotMatch(html, new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute local path in the page');
  assert.match(html, /from history</);
  assert.match(html, /<code>broken\.json<\/code>/);
  const based = runCli(['trend', hist, '--out', page, '--report-base', `https://u:${PASSWORD}@reports.example.org/runs`]);
  assert.equal(based.status, 0, based.stderr);
  assert.doesNotMatch(readFileSync(page, 'utf8'), new RegExp(PASSWORD), '--report-base links hold no password');
  const list = runCli(['history', 'list', '--history', hist]);
  assert.doesNotMatch(list.stdout + list.stderr, new RegExp(PASSWORD));
});

test("the published method page's prose names the eval set by its folder's name, not its absolute path", () => {
  const root = tempDir('mnb-method-path-');
  const evalSet = join(root, 'private', 'photos');
  const dir = writeRunFolder(join(root, 'r'), [jobLine('node/reference/0.25_128')], 'run-m');
  writeRunInfo(dir, runInfo('run-m', ['node/reference/0.25_128'], { accuracy: { evalSet } }));
  const r = runCli(['publish', dir, '--out', join(root, 'site')]);
  assert.equal(r.status, 0, r.stderr);
  const method = readFileSync(join(root, 'site', 'method.html'), 'utf8');
  // The prose names the folder; the configuration shown (and shipped under data/ to reproduce the run) keeps the original paths by design.
  const prose = method.slice(method.indexOf('Eval set:'), method.indexOf('</p>', method.indexOf('Eval set:')));
  assert.match(prose, /^Eval set: <code>photos<\/code>;/);
  assert.ok(!prose.includes(evalSet), prose);
});
