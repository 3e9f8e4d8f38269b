/**
 * One content-addressed cache for what esbuild builds to run inside a target (the probe page, the
 * board's job bundle). The key hashes only what reaches the target: the files of the entry's
 * import closure (found by esbuild itself, packages left external so the scan is quick), the
 * installed versions of the packages it reaches (and of their dependencies), the build options,
 * and any extra files the caller names. Editing code the target never runs keeps the key.
 *
 * A build is written into its own temporary folder and renamed into place, so a folder under its
 * key is always complete; when two builders race, the first rename wins and the other uses it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/** A build the cache can key and make. */
export interface CachedBuild {
  /** Sub-folder of the cache root: 'page', 'ssh-bundle'. */
  name: string;
  /** Project root: sources and node_modules are found under it (tests point it at a copy). */
  root: string;
  /** esbuild's options for this build, entry points included; scanned for the key, not written. */
  options: BuildOptions;
  /** Files outside the import closure whose contents shape the output (a copied index.html, the builder itself). */
  extraInputs?: string[];
  /** Build into `dir` (an empty folder of its own). */
  build(dir: string): Promise<void>;
}

/** What a key is made of, for tests and for the BUILD file. */
export interface BuildKey {
  key: string;
  /** Project files of the import closure and the extra inputs, relative to the root, sorted. */
  files: string[];
  /** name@version of every package reached, with their dependencies, sorted. */
  packages: string[];
}

/** Builds to keep per cache folder, besides any used in the last hour (another process may be serving it). */
const KEEP_BUILDS = 3;
const IN_USE_MS = 60 * 60 * 1000;

/** The package a bare import names: 'onnxruntime-web/wasm' → 'onnxruntime-web', '@tensorflow/tfjs-core' → itself. */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** During the scan, every bare import is an external package: only the project's own files are read. */
function externalPackages(reached: Set<string>): Plugin {
  return {
    name: 'build-cache-external-packages',
    setup(b) {
      // Not node: (the page's own plugin rejects those, the board's platform keeps them external),
      // not '#' (package.json imports map to project files), not relative or absolute paths.
      b.onResolve({ filter: /^[^./#]/ }, (args) => {
        if (args.path.startsWith('node:')) return undefined;
        reached.add(packageName(args.path));
        return { path: args.path, external: true };
      });
    },
  };
}

/** The package.json of a package as node would find it from `fromDir`, or null. */
function findPackageJson(name: string, fromDir: string, root: string): string | null {
  for (let dir = fromDir; ; dir = resolve(dir, '..')) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return file;
    if (dir === root || dir === resolve(dir, '..')) return null;
  }
}

/** name@version of the packages and, transitively, their dependencies. */
function packageVersions(names: Iterable<string>, root: string): string[] {
  const seen = new Map<string, string>();
  const visit = (name: string, fromDir: string): void => {
    const file = findPackageJson(name, fromDir, root);
    if (!file) {
      seen.set(`${name}@missing`, `${name}@missing`);
      return;
    }
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string; dependencies?: Record<string, string> };
    const id = `${name}@${pkg.version ?? '?'}`;
    if (seen.has(id)) return;
    seen.set(id, id);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, resolve(file, '..'));
  };
  for (const n of names) visit(n, root);
  return [...seen.keys()].sort();
}

/** The options as data (plugins and functions have no JSON form; the builder's own source stands for them). */
function optionsText(options: BuildOptions, root: string): string {
  const entries = options.entryPoints;
  const rel = (p: string) => relative(root, p);
  const entryText = Array.isArray(entries)
    ? entries.map((e) => (typeof e === 'string' ? rel(e) : { in: rel(e.in), out: e.out }))
    : Object.fromEntries(Object.entries(entries ?? {}).map(([k, v]) => [k, rel(v)]));
  const { plugins: _p, entryPoints: _e, outdir: _o, outfile: _f, absWorkingDir: _w, ...rest } = options;
  return JSON.stringify({ ...rest, entryPoints: entryText });
}

/** The key of a build: what its target would run, as it is now. */
export async function buildKey(spec: CachedBuild): Promise<BuildKey> {
  const esbuild = await import('esbuild');
  const reached = new Set<string>();
  const scan = await esbuild.build({
    ...spec.options,
    absWorkingDir: spec.root,
    outdir: join(spec.root, '.build-cache-scan'),
    outfile: undefined,
    write: false,
    metafile: true,
    minify: false,
    logLevel: 'silent',
    plugins: [externalPackages(reached), ...(spec.options.plugins ?? [])],
  });
  const closure = Object.keys(scan.metafile.inputs)
    .filter((p) => !p.includes(':'))
    .map((p) => relative(spec.root, resolve(spec.root, p)));
  const files = [...new Set([...closure, ...(spec.extraInputs ?? []).map((f) => relative(spec.root, f))])].sort();
  const packages = packageVersions(reached, spec.root);
  const h = createHash('sha256');
  h.update(`esbuild@${esbuild.version}\0${optionsText(spec.options, spec.root)}\0`);
  for (const f of files)
    h.update(f)
      .update('\0')
      .update(readFileSync(join(spec.root, f)))
      .update('\0');
  for (const p of packages) h.update(p).update('\0');
  return { key: h.digest('hex').slice(0, 16), files, packages };
}

/** The folder of the build for the current sources, built now when the cache has none. */
export async function cachedBuild(spec: CachedBuild, cacheRoot: string): Promise<string> {
  const { key, files, packages } = await buildKey(spec);
  const base = join(cacheRoot, spec.name);
  const out = join(base, key);
  if (existsSync(join(out, 'BUILD'))) {
    touch(out);
    return out;
  }
  mkdirSync(base, { recursive: true });
  const tmp = `${out}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  mkdirSync(tmp);
  try {
    await spec.build(tmp);
    // The BUILD file lists the inputs the key covers, so a surprising rebuild can be explained.
    writeFileSync(join(tmp, 'BUILD'), `${key}\n${new Date().toISOString()}\n\n${files.join('\n')}\n\n${packages.join('\n')}\n`);
    try {
      renameSync(tmp, out);
    } catch (e) {
      // Another builder renamed its (identical) build into place first: use that one.
      if (!existsSync(join(out, 'BUILD'))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  prune(base, out);
  return out;
}

/** Mark a build as used now (pruning keeps builds used recently). */
function touch(dir: string): void {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // Pruned by another process meanwhile: the caller's next call rebuilds it.
  }
}

/** Drop builds beyond the newest few, except the one just made and any used within the hour, and stale temporary folders. */
function prune(base: string, keep: string): void {
  const now = Date.now();
  const age = (d: string) => now - (statSync(d, { throwIfNoEntry: false })?.mtimeMs ?? now);
  // A builder killed mid-build leaves its temporary folder behind; a live one finishes well within the hour.
  for (const t of readdirSync(base)
    .filter((d) => d.endsWith('.tmp'))
    .map((d) => join(base, d))) {
    if (age(t) > IN_USE_MS) rmSync(t, { recursive: true, force: true });
  }
  const builds = readdirSync(base)
    .filter((d) => /^[0-9a-f]{16}$/.test(d))
    .map((d) => join(base, d))
    .map((d) => ({ d, mtime: statSync(d, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { d, mtime } of builds.slice(KEEP_BUILDS)) {
    if (d !== keep && now - mtime > IN_USE_MS) rmSync(d, { recursive: true, force: true });
  }
}
