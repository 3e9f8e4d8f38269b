/**
 * Loading a config file (TS/JS module with a default export, or JSON) from wherever it sits,
 * then validating it, with command-line overrides applied before validation so their errors name
 * config keys too.
 */
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../contract/config-error.ts';
import { applyOverrides, type ConfigOverrides } from './overrides.ts';
import { mergeOverlay } from './overlay.ts';
import { builtInTargets } from './presets.ts';
import { resolveConfig, type Config, type UserConfig } from './schema.ts';

/** Errors that mean "this module format cannot be loaded from here" (a .ts/.js config in a folder without "type": "module"). */
const FORMAT_ERRORS =
  /ERR_REQUIRE_CYCLE_MODULE|ERR_REQUIRE_ESM|ERR_REQUIRE_ASYNC_MODULE|Cannot use import statement outside a module|Unexpected token 'export'/;

/** The first line of an error that says what went wrong, with the config file's line where it happened. */
function firstErrorLine(file: string, e: unknown): string {
  const err = e as Error & { code?: string };
  const text = `${err?.message ?? String(e)}`;
  // esbuild (tsx) syntax errors: "Transform failed with 1 error:\n<file>:3:14: ERROR: Expected ...".
  for (const l of text.split('\n')) {
    const m = /:(\d+):(\d+): (ERROR: .*)$/.exec(l);
    if (m) return `line ${m[1]}, column ${Number(m[2]) + 1}: ${m[3]}`;
  }
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? String(e);
  const frame = (err?.stack ?? '').split('\n').find((l) => l.includes(file));
  const where = frame ? /:(\d+):(\d+)\)?\s*$/.exec(frame) : null;
  return `${where ? `line ${where[1]}: ` : ''}${err?.name && err.name !== 'Error' && !line.startsWith(err.name) ? `${err.name}: ` : ''}${line}`;
}

/**
 * Import a .ts/.js config. In a folder whose package.json lacks "type": "module", Node treats
 * it as CommonJS and cannot load its `export default`: then it is loaded through an ES-module
 * copy beside it (.mts/.mjs, removed at once), so it works wherever it sits. Anything that still
 * fails (a syntax error, a config that throws) is a ConfigError naming the file and the first line.
 */
async function importConfigModule(file: string): Promise<{ default?: unknown }> {
  try {
    return (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    const code = (e as { code?: string }).code;
    // Plain Node (the installed package runs built JavaScript, with no TypeScript loader) cannot import .ts.
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/.test(file)) return importTranspiled(file);
    const text = `${code ?? ''} ${(e as Error)?.message ?? ''}`;
    if (!FORMAT_ERRORS.test(text)) throw new ConfigError(`${file}: cannot load the config: ${firstErrorLine(file, e)}`);
  }
  const copy = join(dirname(file), `.${basename(file)}.${process.pid}-${Date.now()}${extname(file) === '.js' ? '.mjs' : '.mts'}`);
  return importBeside(
    file,
    copy,
    () => copyFileSync(file, copy),
    'it uses `export` but its folder\'s package.json has no "type": "module" (add it, or rename the file to .mts/.mjs); a module copy could not be written beside it',
  );
}

/** Write a module `copy` beside the config `file` (by `write`), import it once and remove it; every error names `file`. */
async function importBeside(file: string, copy: string, write: () => void, unwritable: string): Promise<{ default?: unknown }> {
  try {
    write();
  } catch (e) {
    throw new ConfigError(`${file}: cannot load the config: ${unwritable} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return (await import(pathToFileURL(copy).href)) as { default?: unknown };
  } catch (e) {
    throw new ConfigError(`${file}: cannot load the config: ${firstErrorLine(copy, e).replaceAll(basename(copy), basename(file))}`);
  } finally {
    rmSync(copy, { force: true });
  }
}

/**
 * A TypeScript config under plain Node: esbuild compiles it, with the local files it imports,
 * into one ES module beside it (so `mobilenet-bench` and other packages resolve from its folder
 * as they would from the file itself), imported once and removed.
 */
async function importTranspiled(file: string): Promise<{ default?: unknown }> {
  const { build } = await import('esbuild');
  let code: string;
  try {
    const out = await build({
      entryPoints: [file],
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    code = out.outputFiles[0]!.text;
  } catch (e) {
    throw new ConfigError(`${file}: cannot load the config: ${firstErrorLine(file, e)}`);
  }
  const compiled = join(dirname(file), `.${basename(file)}.${process.pid}-${Date.now()}.mjs`);
  return importBeside(file, compiled, () => writeFileSync(compiled, code), 'a compiled copy could not be written beside it');
}

/** Config files looked for in the working directory when none is given. */
const DEFAULT_CONFIG_FILES = ['bench.config.ts', 'bench.config.js', 'bench.config.json'];

/**
 * Load `path` (TS/JS module with a default export, or JSON), or the first default file
 * found, or the built-in defaults; `overrides` (command-line options and environment, see
 * overrides.ts) and then an A/B side's `overlay` are applied to the raw config before validation, so
 * their errors name config keys too.
 */
export async function loadConfig(
  path?: string,
  { cwd = process.cwd(), overrides, overlay }: { cwd?: string; overrides?: ConfigOverrides; overlay?: UserConfig } = {},
): Promise<{ config: Config; origin: string }> {
  const file = path ? resolve(cwd, path) : DEFAULT_CONFIG_FILES.map((f) => resolve(cwd, f)).find(existsSync);
  if (!file) return { config: configFromObject({ targets: builtInTargets() }, 'built-in defaults', overrides, overlay), origin: 'built-in defaults' };
  if (!existsSync(file)) throw new ConfigError(`Config file ${file} not found. Pass an existing file with --config, or omit it to use the defaults.`);
  let raw: unknown;
  if (extname(file) === '.json') {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
    }
  } else {
    const mod = await importConfigModule(file);
    if (mod.default === undefined) throw new ConfigError(`${file}: no default export; write \`export default defineConfig({ ... })\``);
    raw = mod.default;
  }
  return { config: configFromObject(raw, file, overrides, overlay), origin: file };
}

/**
 * Validate a config object (a file's default export, the built-in defaults, or one passed to the
 * API's `run`), with `overrides` applied first as for a file, then an A/B `config:` side's
 * `overlay` over them (it is what makes that side differ); `origin` names it in errors.
 */
export function configFromObject(raw: unknown, origin: string, overrides?: ConfigOverrides, overlay?: UserConfig): Config {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${origin}: the config must be an object`);
  // Name the command line in errors only when it changed something (the environment alone is not an option).
  const optionsGiven = Object.entries(overrides ?? {}).some(([k, v]) => k !== 'environment' && v !== undefined);
  let edited: UserConfig;
  try {
    edited = overrides ? applyOverrides(structuredClone(raw) as UserConfig, overrides) : (structuredClone(raw) as UserConfig);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // A value of the wrong type ("targets": "node") tripped a command-line option: name the key, not a TypeError.
    resolveConfig(raw, origin);
    throw new ConfigError(`${origin}: the command-line options cannot be applied to this config (${(e as Error).message})`);
  }
  return resolveConfig(overlay ? mergeOverlay(edited, overlay) : edited, optionsGiven ? `${origin} with the command-line options` : origin);
}
