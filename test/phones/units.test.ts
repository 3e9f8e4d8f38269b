/** The pieces of the phone path that need no device: config, capabilities, credentials, device readings. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, type UserConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { applyMatrixArgs, parseMatrixArgs } from '../../cli/options.ts';
import { expandEnv, MissingSecretError, redactDeep, redactText, redactUrl } from '../../contract/secrets.ts';
import { mergeCapabilities } from '../../runners/appium-presets.ts';
import { parseBattery, parseIosDeviceInfo, parseMeminfo, parseRendererPids, parseThermalService } from '../../runners/device-readings.ts';
import { summarizeMessage } from '../../runners/webdriver-client.ts';

test('appium targets: presets by name, name defaults to the preset, keys checked', () => {
  const adjusted = applyMatrixArgs(parseMatrixArgs(['--target', 'phone-emulated,android,ios']))({ variants: { alpha: [0.25], resolution: [128] } });
  const config = resolveConfig(adjusted);
  assert.deepEqual(
    config.targets.map((t) => `${t.name}:${t.type}`),
    ['phone-emulated:appium', 'android:appium', 'ios:appium'],
  );
  const ids = planJobs(config).jobs.map((j) => j.id);
  assert.ok(ids.includes('phone-emulated/ort-web-wasm-t2/0.25_128') && ids.includes('ios/reference/0.25_128'));
  const t = resolveConfig({ targets: [{ type: 'appium', preset: 'android', cooldown: { seconds: 30 } }] }).targets[0];
  assert.ok(
    t.type === 'appium' && t.name === 'android' && t.emulatedDevice === 'Pixel 7' && t.pollSliceMs === 20_000 && t.cooldown?.seconds === 30 && !t.adbShell,
  );
  assert.throws(
    () => resolveConfig({ targets: [{ type: 'appium', preset: 'android', capabilites: {} }] } as unknown as UserConfig),
    /capabilites: unknown key \(did you mean 'capabilities'\?\)/,
  );
  assert.throws(
    () => resolveConfig({ targets: [{ type: 'appium', preset: 'nokia' }] } as unknown as UserConfig),
    /expected one of "android", "ios", "phone-emulated"/,
  );
  assert.throws(() => resolveConfig({ targets: [{ type: 'appium', preset: 'ios', pollSliceMs: 90_000 }] }), /pollSliceMs/);
  assert.throws(() => resolveConfig({ targets: [{ type: 'appium', preset: 'ios', url: 'hub.example.com' }] }), /url: expected an http/);
  // ort-node cannot run in a phone's page.
  const plan = planJobs(
    resolveConfig({ targets: [{ type: 'appium', preset: 'android' }], implementations: ['ort-node:cpu'], variants: { alpha: [0.25], resolution: [128] } }),
  );
  assert.match(plan.skipped[0].reason, /native Node\.js addon/);
});

test('capabilities merge over a preset: objects key by key, arrays replace, null removes', () => {
  const preset = {
    browserName: 'chrome',
    'goog:chromeOptions': { args: ['--a'], mobileEmulation: { deviceName: 'Pixel 7' }, binary: '/b' },
    'appium:udid': 'x',
  };
  const merged = mergeCapabilities(preset, {
    'goog:chromeOptions': { args: ['--b'], mobileEmulation: { deviceName: 'iPhone 14' } },
    'appium:udid': null,
    'bstack:options': { os: 'android' },
  });
  assert.deepEqual(merged, {
    browserName: 'chrome',
    'goog:chromeOptions': { args: ['--b'], mobileEmulation: { deviceName: 'iPhone 14' }, binary: '/b' },
    'bstack:options': { os: 'android' },
  });
  assert.deepEqual(preset['goog:chromeOptions'].args, ['--a'], 'the preset is not modified');
});

test('credentials: ${env:NAME} expanded at connection, missing ones named, every report redacted', () => {
  const env = { BS_USER: 'alice', BS_KEY: 's3cr3t-key' };
  const { value, secrets } = expandEnv(
    { url: 'https://${env:BS_USER}:${env:BS_KEY}@hub.browserstack.com/wd/hub', caps: { 'bstack:options': { accessKey: '${env:BS_KEY}' } } },
    'target x',
    env,
  );
  assert.equal(value.url, 'https://alice:s3cr3t-key@hub.browserstack.com/wd/hub');
  assert.equal(value.caps['bstack:options'].accessKey, 's3cr3t-key');
  assert.deepEqual(secrets.sort(), ['alice', 's3cr3t-key']);
  assert.throws(
    () => expandEnv('${env:SAUCE_ACCESS_KEY}', "target sauce's capabilities", {}),
    (e: unknown) => e instanceof MissingSecretError && /SAUCE_ACCESS_KEY is not set; export it/.test(e.message),
  );
  assert.equal(redactUrl(value.url), 'https://***@hub.browserstack.com/wd/hub');
  assert.equal(redactUrl('http://127.0.0.1:4723/'), 'http://127.0.0.1:4723/');
  assert.equal(redactUrl('https://hub.example/wd/hub?accessKey=abc&x=1'), 'https://hub.example/wd/hub?accessKey=***&x=1');
  assert.equal(redactText('bad key s3cr3t-key at https://u:p@h/x', secrets), 'bad key *** at https://***@h/x');
  const config = redactDeep({
    targets: [
      {
        url: 'https://u:literal@ondemand.saucelabs.com/wd/hub',
        capabilities: { 'sauce:options': { accessKey: 'literal', username: 'u' }, 'bstack:options': { accessKey: '${env:BS_KEY}' } },
      },
    ],
  });
  assert.deepEqual(config, {
    targets: [
      {
        url: 'https://***@ondemand.saucelabs.com/wd/hub',
        capabilities: { 'sauce:options': { accessKey: '***', username: 'u' }, 'bstack:options': { accessKey: '${env:BS_KEY}' } },
      },
    ],
  });
});

test("a server's nested message is kept in one line, stack frames dropped", () => {
  assert.equal(
    summarizeMessage(
      "invalid argument: cannot parse capability: goog:chromeOptions\nfrom invalid argument: 'X' must be a valid device\n    at foo (bar.js:1:2)",
    ),
    "invalid argument: cannot parse capability: goog:chromeOptions / from invalid argument: 'X' must be a valid device",
  );
});

test('Android and iOS readings parse what the devices print', () => {
  const thermal = parseThermalService(
    'IsStatusOverride: false\nThermal Status: 2\nCached temperatures:\n\tTemperature{mValue=99.0, mType=0, mName=old, mStatus=0}\nCurrent temperatures from HAL:\n\tTemperature{mValue=41.5, mType=0, mName=CPU0, mStatus=0}\n\tTemperature{mValue=33.2, mType=2, mName=battery, mStatus=0}\nCurrent cooling devices from HAL:\n',
  );
  assert.deepEqual(thermal, { source: 'dumpsys thermalservice', temperatureC: 41.5, state: 'moderate', throttledNow: true });
  assert.match(parseThermalService('nothing here').unavailable!, /Android 10\+/);
  assert.deepEqual(parseBattery('Current Battery Service state:\n  level: 88\n  temperature: 312\n'), { source: 'dumpsys battery', temperatureC: 31.2 });
  assert.deepEqual(parseIosDeviceInfo({ thermalState: 1, model: 'iPhone' }), { source: 'mobile: deviceInfo thermalState', state: 'fair', throttledNow: false });
  assert.match(parseIosDeviceInfo({}).unavailable!, /no thermalState/);
  assert.deepEqual(
    parseRendererPids(
      '  PID NAME\n 1234 com.android.chrome\n 2345 com.android.chrome:sandboxed_process0:org.chromium.content.app.SandboxedProcessService0:0\n 3456 com.android.chrome:privileged_process0\n',
    ),
    [2345],
  );
  assert.deepEqual(
    parseMeminfo(
      '** MEMINFO in pid 2345 [com.android.chrome:sandboxed_process0] **\n  ...\n  TOTAL PSS:   123456            TOTAL RSS:   234567       TOTAL SWAP PSS:       12\n',
    ),
    { pssBytes: 123456 * 1024, rssBytes: 234567 * 1024 },
  );
});
