/**
 * The project's own Appium 3 server, started from node_modules on a free loopback port when an
 * `appium` target names no `url`. Appium finds the drivers installed as npm dependencies of this
 * project (chromium, uiautomator2, xcuitest) because it starts in the project folder with
 * APPIUM_HOME unset.
 */
import { join } from 'node:path';
import { packageDir } from '../models/platform/package-json.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';

/** Start `node node_modules/appium/index.js server` on 127.0.0.1 and a free port; `insecure` features are allowed (e.g. `uiautomator2:adb_shell`). */
export async function startAppiumServer(opts: { insecure?: string[] } = {}): Promise<LocalServer> {
  const dir = packageDir('appium');
  if (!dir)
    throw new Error('appium is not installed: run `npm ci` in the project (it is an npm dependency), or give the target a `url` of a running Appium server');
  const insecure = opts.insecure ?? [];
  return startLocalServer({
    name: 'Appium',
    command: process.execPath,
    args: (port) => [
      join(dir, 'index.js'),
      'server',
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-no-colors',
      '--log-level',
      'info',
      ...(insecure.length ? ['--allow-insecure', insecure.join(',')] : []),
    ],
    cwd: join(dir, '..', '..'),
    readyTimeoutMs: 60_000,
  });
}
