/** npm, run for a side: never an install script, no CUDA download, no telemetry; failures come back as the last lines npm printed. */
import { spawn } from 'node:child_process';

/** The environment every side install runs with. */
const INSTALL_ENV = { ONNXRUNTIME_NODE_INSTALL: 'skip', ORT_DISABLE_TELEMETRY: '1', npm_config_fund: 'false', npm_config_audit: 'false' };

/** Run npm with `args` in `cwd`; resolves with stdout, rejects with the tail of stderr. */
export function npm(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env: { ...process.env, ...INSTALL_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    child.on('error', (e) => reject(new Error(`npm could not start: ${e.message}`)));
    child.on('exit', (code) => {
      if (code === 0) return resolve(out);
      const tail = err
        .split('\n')
        .filter((l) => l.trim() && !l.includes('Unknown project config'))
        .slice(-6)
        .join('\n');
      reject(new Error(`npm ${args[0]} exited with ${code}${tail ? `:\n${tail}` : ''}`));
    });
  });
}
