/**
 * Builds dist/: JavaScript from the TypeScript sources (esbuild, one file in, one file out, no
 * bundling) and declarations (tsc). Also the staleness check the bin runs before it starts: the
 * build records a hash of the sources it was made from, and a checkout whose sources changed since
 * gets its JavaScript rebuilt (a second or two) before anything runs, so a stale dist/ never runs.
 *
 *   node scripts/build.mjs            JavaScript and declarations (npm run build; npm's prepare)
 *   node scripts/build.mjs --js       JavaScript only
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
/** The folders the package ships as JavaScript (test/ is not shipped). */
export const SOURCE_FOLDERS = ['api', 'cli', 'harness', 'contract', 'analysis', 'runners', 'models', 'reports'];
const STAMP = join(DIST, 'build-info.json');

/** Every .ts source the package builds, sorted (declarations excluded). */
function sourceFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const f of SOURCE_FOLDERS) if (existsSync(join(ROOT, f))) walk(join(ROOT, f));
  return out.sort();
}

/** SHA-256 over the sources' paths and contents: all that the built JavaScript is made from (one file in, one file out). */
function sourceHash(files = sourceFiles()) {
  const h = createHash('sha256');
  for (const f of files) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

/** Relative `.ts` import specifiers become `.js` (esbuild keeps them as written; the built files are .js). */
function rewriteSpecifiers(code) {
  return code.replace(/((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g, '$1$2.js$3');
}

/** Transpile every source to dist/<same path>.js with an inline source map, and record the sources' hash. */
export async function buildJs() {
  const { transformSync } = await import('esbuild');
  const files = sourceFiles();
  for (const f of files) {
    const rel = relative(ROOT, f);
    const { code } = transformSync(readFileSync(f, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcefile: rel,
      sourcemap: 'inline',
    });
    const out = join(DIST, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, rewriteSpecifiers(code));
  }
  writeFileSync(STAMP, `${JSON.stringify({ sources: sourceHash(files), files: files.length }, null, 2)}\n`);
  return files.length;
}

/** Declarations through tsc (tsconfig.build.json), with their `.ts` specifiers made `.js` as a consumer's resolver expects. */
export function buildTypes() {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.d.ts')) writeFileSync(p, rewriteSpecifiers(readFileSync(p, 'utf8')));
    }
  };
  walk(DIST);
}

/**
 * Why dist/ cannot run as it is (missing, or built from other sources), or null when it is current.
 * Where the sources are not there (never in this package's own layout), nothing can be compared: null.
 */
export function staleReason() {
  if (!existsSync(STAMP)) return 'dist/ has not been built';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return 'dist/build-info.json is unreadable';
  }
  return stamp.sources === sourceHash() ? null : 'the sources changed since dist/ was built';
}

/** The bin's guard: rebuild the JavaScript when dist/ is stale, saying so on stderr; a failed rebuild names the command to run. */
export async function ensureBuilt() {
  const why = staleReason();
  if (!why) return;
  process.stderr.write(`mobilenet-bench: ${why}; rebuilding its JavaScript (npm run build)…\n`);
  try {
    await buildJs();
  } catch (e) {
    process.stderr.write(`mobilenet-bench: the rebuild failed (${e.message.split('\n')[0]}); run \`npm run build\` in ${ROOT} and try again\n`);
    process.exit(2);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  const n = await buildJs();
  if (!process.argv.includes('--js')) buildTypes();
  process.stdout.write(`dist/: ${n} modules${process.argv.includes('--js') ? '' : ' with declarations'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
