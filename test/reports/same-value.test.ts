/**
 * One value, one spelling: the same run rendered through the HTML report, the Markdown summary,
 * compare's table and Markdown, and the CLI's end-of-run summary prints its median, top-1,
 * agreement and peak RSS identically (issue 18: a median read "0.66" in compare and "0.661" in
 * the report).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { summaryTable } from '../../cli/summary.ts';
import { compareRuns } from '../../analysis/compare/compare.ts';
import { formatMarkdown, formatTable } from '../../analysis/compare/format.ts';
import { loadComparable } from '../../analysis/compare/load.ts';
import { fmtMiB, fmtMs, fmtPct } from '../../contract/format.ts';
import { loadRunFolder } from '../../contract/run-data.ts';
import { renderReport } from '../../reports/build.ts';
import { jobLine, writeRunFolder } from '../helpers/run-folder.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const ID = 'node/reference/0.25_128';
const N = 1000;

/** A job with a sub-millisecond median, a top-1 and an agreement below 1, and a peak RSS that needs one decimal. */
function line(top1: number, changed: number) {
  const l = jobLine(ID, [0.6601, 0.6612, 0.6623, 0.6634, 0.659]);
  return {
    ...l,
    memory: {
      peakRssBytes: 45.67 * 2 ** 20,
      peakRssSource: 'VmHWM',
      jsHeapUsedBytes: null,
      jsHeapTotalBytes: null,
      externalBytes: null,
      arrayBuffersBytes: null,
      wasmMemoryBytes: null,
      tfjs: null,
    },
    accuracy: {
      n: N,
      top1,
      top5: 0.9,
      agreementTop1: 0.995,
      maxAbsLogitDelta: 0.001,
      agreementN: N,
      predictions: Array.from({ length: N }, (_, i) => (i < changed ? 7 : 1)),
    },
  };
}

test("the median, top-1, agreement and peak RSS print the same in the HTML and Markdown reports, compare's table and Markdown, and the CLI summary", () => {
  const root = tempDir('mnb-same-');
  const baseline = writeRunFolder(join(root, 'base'), [line(0.75, 0)], 'base');
  const current = writeRunFolder(join(root, 'cur'), [line(0.7012, 50)], 'cur');
  const comparison = compareRuns(loadComparable(baseline), loadComparable(current));
  assert.ok(comparison.jobs[0].regressed, 'top-1 fell with 50 predictions changed: the reason names both rates');
  const views: Record<string, string> = {
    // The page's text, without its scripts and styles (the chart library and the raw results data).
    // Budgets ("≤ 0.66 ms") are round thresholds, not measured values, so they are left out too.
    'HTML report': renderReport(current, 'html')
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, '')
      .replace(/data-budget="[^"]*"|≤ (<strong>)?[\d.]+ (ms|MiB)/g, ''),
    'Markdown report': renderReport(current, 'markdown').replace(/≤ (\*\*)?[\d.]+ (ms|MiB)/g, ''),
    'compare table': formatTable(comparison),
    'compare Markdown': formatMarkdown(comparison),
    'CLI summary': summaryTable(loadRunFolder(current).results),
  };
  const median = fmtMs(0.6612);
  const top1 = fmtPct(0.7012);
  const agreement = fmtPct(0.995);
  const rss = fmtMiB(45.67 * 2 ** 20);
  assert.deepEqual([median, top1, agreement, rss], ['0.661', '70.1 %', '99.5 %', '45.7'], 'the one rule per quantity');
  const expected: Record<string, string[]> = {
    'HTML report': [median, top1, agreement, rss],
    'Markdown report': [median, top1, agreement, rss],
    'compare table': [`${median} → ${median}`, `75.0 % → ${top1}`, `${rss} (+0.0 %)`],
    'compare Markdown': [`${median} → ${median}`, `75.0 % → ${top1}`, `${rss} (+0.0 %)`],
    'CLI summary': [median, top1, agreement, rss],
  };
  for (const [view, viewText] of Object.entries(views)) {
    // The temp folder's random name ("mnb-same-46Mm4b") once read as a whole-MiB peak RSS.
    const text = viewText.replaceAll(root, '<tmp>');
    for (const s of expected[view]) assert.ok(text.includes(s), `${view} prints ${JSON.stringify(s)}`);
    // The spellings the views used to disagree on.
    const near = (re: RegExp) => re.exec(text) && text.slice(Math.max(0, re.exec(text)!.index - 60), re.exec(text)!.index + 20);
    for (const [re, what] of [
      [/(?<![\d.])0\.66(?!\d)/, 'a median cut to two decimals'],
      [/(?<![\d.])(70\.1|99\.5|100)%/, 'a percentage without its space'],
      [/(?<![\d.])46(?![\d.])/, 'peak RSS rounded to whole MiB'],
    ] as const) {
      assert.equal(re.test(text), false, `${view}: ${what}: …${near(re)}…`);
    }
  }
});
