/** The report's model, escaping, HTML structure, CSP, Markdown and CLI, without a browser. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobResult } from '../../contract/results.ts';
import { buildReportModel, groupKey, loadRunFolder, paretoFrontier, roundBudgets } from '../../reports/data.ts';
import { escapeHtml, escapeMarkdownCell, html, jsonForScript } from '../../reports/escape.ts';
import { renderHtmlReport } from '../../reports/html.ts';
import { renderMarkdownReport } from '../../reports/markdown.ts';
import { HOSTILE, reportFixture } from './fixture.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'mobilenet-bench.js');

const job = (id: string, medianMs: number, top1: number | null) =>
  ({ id, latency: { medianMs }, accuracy: top1 === null ? null : { top1 } }) as unknown as JobResult;

test('escaping: html`` escapes interpolations, JSON cannot close its script, Markdown cells cannot break tables or inject HTML', () => {
  assert.equal(html`<td>${HOSTILE}</td>`.value, '<td>&lt;img src=x onerror=alert(1)&gt;</td>');
  assert.equal(escapeHtml(`"'&`), '&quot;&#39;&amp;');
  const json = jsonForScript({ s: '</script><script>alert(1)</script>' });
  assert.ok(!json.includes('<') && !json.includes('>'));
  assert.deepEqual(JSON.parse(json), { s: '</script><script>alert(1)</script>' });
  assert.equal(escapeMarkdownCell('a | <b> `x`'), 'a \\| &lt;b&gt; \\`x\\`');
});

test('Pareto frontier keeps jobs no other job beats on both accuracy and latency, fastest first', () => {
  const jobs = [job('a', 1, 0.4), job('b', 2, 0.5), job('c', 3, 0.45), job('d', 4, 0.7), job('e', 5, null), job('f', 4, 0.7)];
  assert.deepEqual(paretoFrontier(jobs), ['a', 'b', 'd']);
});

test('budgets are round 1-2-5 numbers inside the measured range', () => {
  assert.deepEqual(roundBudgets([0.5, 3, 40, 300], 4), [0.5, 5, 20, 200]);
  assert.deepEqual(roundBudgets([12, 13]), [13]);
  assert.deepEqual(roundBudgets([]), []);
});

test('the HTML report escapes every hostile string, carries a hash-based CSP that matches its scripts, and holds every job', async () => {
  const dir = await reportFixture();
  const model = buildReportModel(loadRunFolder(dir));
  const page = renderHtmlReport(model);
  assert.ok(!page.includes(HOSTILE), 'the hostile target name never appears unescaped');
  assert.ok(page.includes(escapeHtml(HOSTILE)));
  assert.ok(!/<b>bold<\/b>/.test(page));

  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1].replace(/&#39;/g, "'");
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 4, 'chart.js, two plugins, the page script');
  for (const s of scripts) assert.ok(csp.includes(`'sha256-${createHash('sha256').update(s).digest('base64')}'`));
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
  assert.ok(csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`));
  assert.doesNotMatch(page, /\b(src|href)="(https?:)?\/\//, 'no external resources');

  for (const r of model.results) assert.ok(page.includes(`data-job="${escapeHtml(r.id)}"`), `row for ${r.id}`);
  // Precisions are never mixed: the uint8 row has its own group.
  const hostileTarget = model.targets.find((t) => t.name === HOSTILE)!;
  assert.ok(hostileTarget.groups.some((g) => g.precision === 'uint8-dequantized'));
  for (const g of model.groups)
    assert.ok(
      model.results.filter((r) => groupKey(r) === g.key).every((r) => r.precision === g.precision),
      g.key,
    );
  // Node's jobs have no labelled accuracy (synthetic weights): the report says so instead of plotting zeros.
  const node = model.targets.find((t) => t.name === 'node')!;
  assert.equal(node.withAccuracy.length, 0);
  assert.match(page, /Accuracy was not measured/);
});

test('the Markdown summary is compact, escaped and names every problem', async () => {
  const dir = await reportFixture();
  const md = renderMarkdownReport(buildReportModel(loadRunFolder(dir)));
  assert.ok(!md.includes(HOSTILE));
  assert.match(md, /\*\*\d+ ok\*\*, 1 invalid, 1 failed, 1 skipped/);
  assert.match(md, /### Failed and invalid jobs/);
  assert.match(md, /\| job \| precision \| median ms/);
  assert.ok(md.split('\n').length < 80);
});

test('`mobilenet-bench report` writes report.html by default and Markdown with --format markdown', async () => {
  const dir = await reportFixture();
  const out = execFileSync(process.execPath, [CLI, 'report', dir], { encoding: 'utf8' });
  assert.match(out, /Report: .*report\.html/);
  assert.ok(existsSync(join(dir, 'report.html')));
  const md = join(tempDir('mnb-md-'), 'summary.md');
  execFileSync(process.execPath, [CLI, 'report', dir, '--format', 'markdown', '--out', md], { encoding: 'utf8' });
  assert.match(readFileSync(md, 'utf8'), /^## MobileNet V1 benchmark/);
  assert.throws(() => execFileSync(process.execPath, [CLI, 'report', join(dir, 'nope')], { stdio: 'pipe' }), /not found/);
});
