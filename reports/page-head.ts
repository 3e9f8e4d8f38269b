/**
 * The `<head>` of every page this project writes (the report, the trend page, the published
 * site): one Content-Security-Policy that allows nothing from anywhere except the exact inlined
 * scripts and stylesheet (by SHA-256) and data: images, so a page opened from disk or mailed
 * makes no request and runs nothing it did not carry.
 */
import { createHash } from 'node:crypto';
import { html, raw, type SafeHtml } from './escape.ts';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The policy: nothing from anywhere, except the exact inlined scripts and stylesheet, and data: images (canvas export). */
export function contentSecurityPolicy(scripts: readonly string[], styles: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    `style-src ${styles.map(sha256).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The head: charset, the policy for `scripts` (each inlined later as its own `<script>`, byte
 * for byte) and the one stylesheet `css` (inlined here), viewport, no referrer, the title.
 */
export function pageHead(opts: { title: string; scripts: readonly string[]; css: string }): SafeHtml {
  return html`<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(opts.scripts, [opts.css])}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title}</title>
<style>${raw(opts.css)}</style>
</head>`;
}
