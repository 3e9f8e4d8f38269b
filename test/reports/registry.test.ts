/**
 * The section registry: one entry is all a section needs to appear in the HTML navigation, the
 * HTML body (under each target, or once) and the Markdown summary; an entry that has nothing to
 * show is left out of all three.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { buildReportModel, loadRunFolder } from '../../reports/data.ts';
import { html } from '../../reports/escape.ts';
import { renderHtmlReport } from '../../reports/html.ts';
import { renderMarkdownReport } from '../../reports/markdown.ts';
import { pageOrder, REPORT_SECTIONS } from '../../reports/registry.ts';
import type { ReportSection, RunSection, TargetSection } from '../../reports/section.ts';
import { reportFixture } from './fixture.ts';

test('the registry: unique ids, the overview first, one slot for the targets between the run-wide sections', () => {
  const ids = REPORT_SECTIONS.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(
    pageOrder().map((s) => (s === 'targets' ? s : s.id)),
    ['overview', 'targets', 'environment', 'problems', 'methodology'],
  );
});

test('one registered entry puts a section in the navigation, the body and the Markdown; null leaves it out', async () => {
  const model = buildReportModel(loadRunFolder(await reportFixture()));
  const perTarget: TargetSection = {
    id: 'probe-me',
    title: 'Probe section',
    navTitle: 'Probe',
    scope: 'target',
    nav: true,
    html: ({ view }) => html`<p class="probe">${view.ok.length} ok on ${view.name}</p>`,
    markdown: ({ view }) => ['', `probe line for ${view.ok.length} ok jobs`],
  };
  const runWide: RunSection = {
    id: 'run-probe',
    title: 'Run probe',
    scope: 'run',
    html: ({ model: m }) => html`<p class="run-probe">${m.results.length} results</p>`,
    markdown: () => ['', 'run probe line'],
  };
  const hidden: TargetSection = { id: 'nothing-here', title: 'Nothing here', scope: 'target', nav: true, html: () => null };
  // After the overview, before the targets: where the registry lists them.
  const sections: ReportSection[] = [REPORT_SECTIONS[0], runWide, perTarget, hidden, ...REPORT_SECTIONS.slice(1)];
  const page = renderHtmlReport(model, sections);
  const nav = /<nav class="toc"[\s\S]*?<\/nav>/.exec(page)![0];
  assert.ok(nav.includes('<a class="t" href="#run-probe">Run probe</a>'));
  for (const [i, t] of model.targets.entries()) {
    assert.ok(nav.includes(`<a href="#target-${i + 1}-probe-me">Probe</a>`), `nav entry under target ${i + 1}`);
    assert.match(page, new RegExp(`<section id="target-${i + 1}-probe-me" class="sub"><h3>Probe section</h3><p class="probe">${t.ok.length} ok on `));
  }
  assert.ok(page.indexOf('id="run-probe"') < page.indexOf('id="target-1"'), 'listed before the targets, shown before them');
  assert.ok(page.indexOf('id="overview"') < page.indexOf('id="run-probe"'));
  assert.ok(!page.includes('nothing-here') && !page.includes('Nothing here'), 'a section with nothing to show has no anchor, heading or nav entry');
  const md = renderMarkdownReport(model, sections);
  assert.equal(md.split('\n').filter((l) => l.startsWith('probe line for')).length, model.targets.length);
  assert.ok(md.indexOf('run probe line') < md.indexOf('### Target'));
  // Without the entries, none of it appears.
  assert.ok(!renderHtmlReport(model).includes('probe'));
  assert.ok(!renderMarkdownReport(model).includes('probe'));
});
