/**
 * One head for every page: the report, the trend page and each published site page carry the
 * same policy, written by reports/page-head.ts, whose hashes match exactly the scripts and the
 * stylesheet the page inlines (so the browser runs them and nothing else).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildReportModel, loadRunFolder } from '../../reports/data.ts';
import { renderHtmlReport } from '../../reports/html.ts';
import { pageHead } from '../../reports/page-head.ts';
import { buildSite } from '../../reports/site/build.ts';
import { loadSiteModel } from '../../reports/site/model.ts';
import { renderTrendPage } from '../../reports/trend.ts';
import { reportFixture } from './fixture.ts';

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's policy, and the hashes its inline scripts and stylesheets need. */
function policyOf(page: string): { csp: string; needed: string[]; heads: number } {
  const metas = [...page.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/g)];
  const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  return { csp: (metas[0]?.[1] ?? '').replace(/&#39;/g, "'"), needed: [...scripts, ...styles].map(hash), heads: metas.length };
}

function assertPolicyFits(name: string, page: string): void {
  const { csp, needed, heads } = policyOf(page);
  assert.equal(heads, 1, `${name}: one policy`);
  assert.match(csp, /^default-src 'none'; script-src [^;]*; style-src [^;]*; img-src data:; base-uri 'none'; form-action 'none'$/, name);
  for (const h of needed) assert.ok(csp.includes(h), `${name}: ${h} allowed`);
  // Nothing allowed beyond what the page carries.
  assert.equal(csp.match(/'sha256-/g)?.length, needed.length, `${name}: only its own scripts and stylesheet`);
}

test('pageHead: the policy names each script and the stylesheet by hash, and the title is escaped', () => {
  const head = pageHead({ title: '<b>x</b>', scripts: ['a()', 'b()'], css: 'p{}' }).value;
  assert.match(head, /<title>&lt;b&gt;x&lt;\/b&gt;<\/title>/);
  assert.ok(head.includes('<style>p{}</style>'));
  for (const h of ['a()', 'b()', 'p{}'].map(hash)) assert.ok(head.replace(/&#39;/g, "'").includes(h));
});

test('the report, the trend page and every site page carry the one head, fitted to what each inlines', async () => {
  const dir = await reportFixture();
  assertPolicyFits('report', renderHtmlReport(buildReportModel(loadRunFolder(dir))));
  assertPolicyFits('trend', renderTrendPage({ dir: 'history', entries: [], problems: [] }, []));
  const site = buildSite(loadSiteModel([dir]));
  const pages = [...site].filter(([path]) => path.endsWith('.html'));
  assert.ok(pages.length >= 4);
  for (const [path, bytes] of pages) assertPolicyFits(path, bytes.toString('utf8'));
});
