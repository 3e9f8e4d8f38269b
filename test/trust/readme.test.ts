/**
 * The README is a page a newcomer finishes, and every link in it and in docs/ leads somewhere:
 * at most 250 lines, a documentation table that lists each required docs/ page, relative links
 * (and their #anchors, as GitHub derives them from headings) that resolve, and no source path
 * named in the docs that does not exist (code moves; the docs must move with it).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const README = join(ROOT, 'README.md');
const DOCS = join(ROOT, 'docs');

/** One page each that the README's documentation table must link to. */
const REQUIRED_PAGES = [
  'configuration.md',
  'targets.md',
  'results.md',
  'profiling.md',
  'uint8.md',
  'compare.md',
  'faults.md',
  'architecture.md',
  'performance.md',
];

const pages = (): string[] => [
  README,
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(DOCS, f)),
];

/** The text outside fenced code blocks (links and headings inside them are not links or headings). */
function prose(markdown: string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .filter((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return false;
      }
      return !fenced;
    })
    .join('\n');
}

/** GitHub's heading anchor: lowercase, punctuation dropped (letters, digits, spaces, - and _ stay), spaces to hyphens; repeats get -1, -2. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Inline links `[text](target)` outside code blocks and code spans, external ones left out. */
function relativeLinks(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

test('README.md is at most 250 lines', () => {
  const lines = readFileSync(README, 'utf8').split('\n').length;
  assert.ok(lines <= 250, `README.md has ${lines} lines; move detail into a docs/ page and link it`);
});

test("the README's documentation table links every required docs/ page, and each page exists", () => {
  const readme = readFileSync(README, 'utf8');
  const table = readme.slice(readme.indexOf('## Documentation'));
  assert.ok(readme.includes('## Documentation'), 'README.md has no "## Documentation" section');
  const rows = table.split('\n').filter((l) => l.startsWith('|'));
  for (const page of REQUIRED_PAGES) {
    assert.ok(
      rows.some((row) => row.includes(`](docs/${page})`)),
      `the documentation table has no row linking docs/${page}`,
    );
    assert.ok(existsSync(join(DOCS, page)), `docs/${page} is listed but missing`);
  }
});

test('every relative link in README.md and docs/*.md points at an existing file and heading', () => {
  const broken: string[] = [];
  for (const page of pages()) {
    const here = relative(ROOT, page);
    const markdown = readFileSync(page, 'utf8');
    for (const link of relativeLinks(markdown)) {
      const [path, anchor] = link.split('#', 2);
      const target = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
      if (!existsSync(target)) {
        broken.push(`${here}: ${link} (no such file)`);
        continue;
      }
      if (anchor === undefined || !target.endsWith('.md') || statSync(target).isDirectory()) continue;
      if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) broken.push(`${here}: ${link} (no heading with that anchor)`);
    }
  }
  assert.deepEqual(broken, [], `broken links:\n  ${broken.join('\n  ')}`);
});

test('every source path the docs name (`harness/…`, `cli/…`, `test/…`, …) exists', () => {
  const missing: string[] = [];
  for (const page of pages()) {
    const markdown = readFileSync(page, 'utf8');
    // Paths inside code spans and blocks, e.g. `harness/probe/node-job.ts`, `models/weights/`; globs are left out.
    for (const m of markdown.matchAll(/(?<![\w./-])((?:cli|harness|runners|models|reports|test|bin|docs)\/[\w./-]*[\w/])/g)) {
      const path = m[1];
      if (!/\.(ts|js|cjs|html|json|yml|md)$/.test(path) && !path.endsWith('/')) continue;
      if (!existsSync(join(ROOT, path))) missing.push(`${relative(ROOT, page)}: ${path}`);
    }
  }
  assert.deepEqual(missing, [], `paths named in the docs that do not exist:\n  ${missing.join('\n  ')}`);
});

test("the README names LiteRT.js up front, states engines' Node range, and shows models fetch before a mirror", () => {
  const readme = readFileSync(README, 'utf8');
  const firstParagraph = readme.split('\n\n')[1];
  assert.match(firstParagraph, /LiteRT\.js/);
  const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node as string;
  assert.ok(readme.includes(engines), `README.md does not state the Node versions as package.json's engines does (${engines})`);
  const fetchAt = readme.indexOf('models fetch');
  const mirrorAt = readme.search(/MOBILENET_BENCH_MIRROR|--weights-mirror|"mirror"/);
  assert.ok(fetchAt >= 0 && (mirrorAt < 0 || fetchAt < mirrorAt), '`models fetch` must come before the first mirror example');
  assert.match(readme, /Unknown project config/);
  assert.match(readme, /onnxruntime-node-install=skip/);
});
