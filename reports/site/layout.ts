/**
 * The frame of every published page: the report's CSP (hashes of the one inlined script and
 * stylesheet, nothing from the network), a skip link, the site navigation and the footer.
 * Nothing here depends on when the site was built, so the same runs give the same bytes.
 */
import { clientScript, reportSource } from '../report-sources.ts';
import { pageHead } from '../page-head.ts';
import { html, raw, type SafeHtml } from '../escape.ts';
import type { SiteModel } from './model.ts';

let cached: { script: string; css: string } | undefined;

/** The page script (PNG download) and stylesheet, read once per process. */
function siteAssets(): { script: string; css: string } {
  cached ??= {
    script: clientScript('site/client.ts'),
    css: reportSource('site/site.css'),
  };
  return cached;
}

/** File of a device's page. */
export const devicePage = (slug: string) => `device-${slug}.html`;

/** One page of the site. `current` is its file name (for aria-current). */
export function sitePage(model: SiteModel, opts: { file: string; title: string; body: SafeHtml }): string {
  const { script, css } = siteAssets();
  const links: [string, string][] = [
    ['index.html', 'Overview'],
    ...model.devices.map((d): [string, string] => [devicePage(d.slug), `${d.view.name}${d.emulated ? ' (emulated)' : ''}`]),
    ['method.html', 'Method'],
    ['published.html', 'Published figures'],
    ['data.html', 'Data'],
  ];
  const runIds = model.runs.map((r) => r.data.run.runId).join(', ');
  return html`<!doctype html>
<html lang="en">
${pageHead({ title: `${opts.title} · MobileNet V1 comparison`, scripts: [script], css })}
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="top"><div class="wrap"><h1>MobileNet V1: which variant, on which runtime, on which device</h1><p>From runs ${runIds}, measured by mobilenet-bench. Published figures from other sources are drawn apart and labelled "published".</p></div></header>
<nav class="site" aria-label="Site"><div class="wrap"><ul>${links.map(([href, text]) => html`<li><a href="${href}"${raw(href === opts.file ? ' aria-current="page"' : '')}>${text}</a></li>`)}</ul></div></nav>
<main id="main" class="wrap">
<h2 id="top">${opts.title}</h2>
${opts.body}
</main>
<footer class="wrap">Built by mobilenet-bench publish from the results.jsonl and run.json of runs ${runIds} (copies with their SHA-256 in <a href="data.html">Data</a>). Works offline: no network requests; charts are SVG drawn from the same data.</footer>
<script>${raw(script)}</script>
</body>
</html>
`.value;
}

/** A scrollable table region that keyboard users can reach (and scroll) too. */
export function tableWrap(label: string, table: SafeHtml): SafeHtml {
  return html`<div class="table-wrap" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}

/** The emulated label, wherever a stand-in's numbers appear. */
export const emulatedBadge = (emulated: boolean, how?: string | null) =>
  emulated ? html`<span class="badge emulated" title="${how ?? 'stand-in'}">emulated</span>` : '';
