/**
 * The roofline section from a real run (Node, reference and ORT-node, profiled, ceilings
 * measured): its numbers are the contract's placement of each job, the Markdown has its line,
 * and in headless Chromium the chart draws with no console error.
 */
import { escapeMarkdownText } from '../../contract/markdown-text.ts';
import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { buildReportModel, loadRunFolder } from '../../reports/data.ts';
import { renderHtmlReport } from '../../reports/html.ts';
import { renderMarkdownReport } from '../../reports/markdown.ts';
import { checkedCeilings, placeOnRoofline } from '../../contract/roofline.ts';
import { compareRuns } from '../../analysis/compare/compare.ts';
import { formatReport } from '../../analysis/compare/format.ts';
import { canvasInk, launchChromium, openAllTargets, openReport, skipWithoutChromium } from '../reports/chromium.ts';
import { tempRunDir } from '../helpers/temp-dirs.ts';

const FAST_SAMPLING = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 10, maxTimeMs: 1000 };

let runDir: Promise<string> | undefined;
/** One real run shared by the tests of this file. */
function realRun(): Promise<string> {
  runDir ??= (async () => {
    const dir = tempRunDir('mnb-roofline-report-');
    const config = resolveConfig({
      variants: { alpha: [0.25], resolution: [128] },
      implementations: ['reference', 'ort-node:cpu'],
      sampling: FAST_SAMPLING,
      accuracy: { samples: 1 },
      profile: { inferences: 2 },
      // The default budget: a smaller one leaves the memory roofs unmeasured on a loaded machine, and no job can be placed.
      ceilings: { budgetMs: 8000, targetPrecision: 0.05 },
    });
    await runBenchmark({ config, runnerFor, outDir: dir });
    return dir;
  })();
  return runDir;
}

test('the roofline table shows each job where the contract places it; the Markdown has one line for the target', { timeout: 180_000 }, async () => {
  const data = loadRunFolder(await realRun());
  const model = buildReportModel(data);
  const page = renderHtmlReport(model);
  const ceilings = checkedCeilings(data.run.ceilings![0]).ceilings;
  assert.match(page, /Roofline: how close to the ceilings/);
  for (const r of data.results.filter((x) => x.status === 'ok')) {
    const at = placeOnRoofline(ceilings, r, r.analytic.gmacPerSecond, r.analytic.macs, r.analytic.bytes);
    if (!at.ok) {
      assert.match(page, new RegExp(`Not placed: [^<]*${r.id.replace(/[/.]/g, '\\$&')}`));
      continue;
    }
    const row = new RegExp(`<tr data-job="${r.id.replace(/[/.]/g, '\\$&')}">.*?data-col="fraction" data-value="([^"]+)"`, 's');
    const cells = page.split('roofline-fractions')[1];
    assert.equal(Number(row.exec(cells)?.[1]), at.point.fraction, `${r.id}: the fraction of its roof`);
  }
  const md = renderMarkdownReport(model);
  assert.match(md, /^- \*\*node\*\*: ceilings JS [\d.]+, WASM SIMD ([\d.]+|–), relaxed .*, native .* GMAC\/s; WASM stream ([\d.]+ GB\/s|–)/m);
});

test('the roofline chart draws in headless Chromium with no console error', { skip: skipWithoutChromium(), timeout: 180_000 }, async (t) => {
  const dir = await realRun();
  const file = join(dir, 'roofline-report.html');
  writeFileSync(file, renderHtmlReport(buildReportModel(loadRunFolder(dir))));
  const browser = await launchChromium();
  t.after(() => browser.close());
  const { page, log } = await openReport(browser, file);
  // Targets open collapsed: open them, as a reader would (their charts are drawn on opening).
  await openAllTargets(page);
  assert.deepEqual(log.errors, [], 'console errors');
  assert.deepEqual(log.requests, [], 'network requests');
  const specs = await page.evaluate(
    () =>
      (
        JSON.parse(document.getElementById('report-data')!.textContent!) as {
          charts: { kind: string; canvas: string; roofs?: unknown[]; series?: { points: unknown[] }[] }[];
        }
      ).charts,
  );
  const roofline = specs.filter((s) => s.kind === 'roofline');
  assert.equal(roofline.length, 1);
  assert.ok((roofline[0].roofs?.length ?? 0) >= 2, 'the JS and the WebAssembly or native roofs');
  assert.ok(
    (roofline[0].series ?? []).some((s) => s.points.length >= 13),
    'one point per profiled depthwise or pointwise layer',
  );
  const ink = await canvasInk(page);
  assert.ok(ink.find((c) => c.id === roofline[0].canvas)?.inked, 'the roofline canvas is drawn');
});

test('a run without ceilings says so in its roofline section instead of drawing one', async () => {
  const dir = tempRunDir('mnb-roofline-none-');
  const config = resolveConfig({
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['ort-node:cpu'],
    sampling: FAST_SAMPLING,
    accuracy: { samples: 1 },
  });
  await runBenchmark({ config, runnerFor, outDir: dir });
  const model = buildReportModel(loadRunFolder(dir));
  assert.match(renderHtmlReport(model), /No ceilings for this target: not measured: ceilings are off \(--quick/);
  assert.match(renderMarkdownReport(model), /- \*\*node\*\*: no ceilings \(not measured/);
});

test("compare carries each job's fraction of its roof, each run against its own ceilings", { timeout: 180_000 }, async () => {
  const data = loadRunFolder(await realRun());
  const report = compareRuns(data, data);
  const ceilings = checkedCeilings(data.run.ceilings![0]).ceilings;
  let placed = 0;
  for (const r of data.results.filter((x) => x.status === 'ok')) {
    const at = placeOnRoofline(ceilings, r, r.analytic.gmacPerSecond, r.analytic.macs, r.analytic.bytes);
    const job = report.jobs.find((j) => j.id === r.id)!;
    if (at.ok) placed++;
    if (!at.ok) {
      assert.equal(job.roofline, undefined);
      continue;
    }
    assert.deepEqual(job.roofline, { ceiling: at.point.ceiling, baseline: at.point.fraction, current: at.point.fraction });
    const pct = `${(100 * at.point.fraction).toFixed(1)} %`;
    const line = `- ${escapeMarkdownText(r.id)}: ${pct} → ${pct} (${at.point.ceiling})`;
    assert.ok(formatReport(report, 'markdown').includes(line), line);
  }
  assert.ok(placed > 0, 'at least the reference job is on the roofline');
});
