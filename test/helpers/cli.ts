/** Run the mobilenet-bench CLI in a child process and capture what a user would see. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The CLI entry point. */
export const CLI = join(import.meta.dirname, '..', '..', 'bin', 'mobilenet-bench.js');

/** Run `mobilenet-bench ...args` to completion; status, stdout, stderr. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stack trace line ("    at fn (file:line)"): never shown for bad input. */
export const STACK = /^\s+at .+[:(]/m;

/**
 * runCli without blocking this process: for tests that serve the CLI from here (a fake
 * WebDriver server in the test process cannot answer while spawnSync waits). Killed, by its
 * own PID, after `timeoutMs`.
 */
export function runCliAsync(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}
