/** Run the mobilenet-bench CLI in a child process and capture what a user would see. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The CLI entry point. */
export const CLI = join(import.meta.dirname, '..', '..', 'bin', 'mobilenet-bench.js');

/** Run `mobilenet-bench ...args` to completion; status, stdout, stderr. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stack trace line ("    at fn (file:line)"): never shown for bad input. */
export const STACK = /^\s+at .+[:(]/m;
