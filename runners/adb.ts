/**
 * `adb reverse` for a phone on USB: the phone's 127.0.0.1:PORT reaches the harness's loopback
 * page server, so nothing has to listen on the LAN. adb comes from ANDROID_HOME /
 * ANDROID_SDK_ROOT (platform-tools) or the PATH.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The adb executable: $ANDROID_HOME/platform-tools/adb, $ANDROID_SDK_ROOT/…, else `adb` on the PATH. */
function adbPath(): string {
  for (const root of [process.env.ANDROID_HOME, process.env.ANDROID_SDK_ROOT]) {
    if (root && existsSync(join(root, 'platform-tools', 'adb'))) return join(root, 'platform-tools', 'adb');
  }
  return 'adb';
}

/** Map the device's tcp:port to this machine's tcp:port; throws with the fix when adb cannot. */
export function adbReverse(serial: string | null, port: number): Promise<void> {
  const args = [...(serial ? ['-s', serial] : []), 'reverse', `tcp:${port}`, `tcp:${port}`];
  return new Promise((resolve, reject) => {
    execFile(adbPath(), args, { timeout: 20_000 }, (err, _out, stderr) => {
      if (!err) return resolve();
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'adb was not found' : (stderr || err.message).trim().split('\n')[0];
      reject(
        new Error(
          `adb ${args.join(' ')} failed: ${why}. Install Android platform-tools (ANDROID_HOME/platform-tools/adb or adb on the PATH) and check \`adb devices\` lists the phone; or serve the page on the LAN with the target's page.host`,
        ),
      );
    });
  });
}
