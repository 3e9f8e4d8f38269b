/** The ssh target's pure parts: host key pinning, board and thermal readings, the disk-full path, the config. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHostKey, knownKeysFor, sha256Fingerprint } from '../../runners/ssh/host-key.ts';
import { decodeThrottled, parseBoardInfo, parseThermal } from '../../runners/ssh/board.ts';
import { availableBytesFromDf, diskFullMessage, RemoteDiskFullError, syncToCas, shippedBytes } from '../../runners/ssh/cas.ts';
import { devtoolsEndpoint } from '../../runners/ssh/chromium.ts';
import type { SshConnection } from '../../runners/ssh/connection.ts';
import { ConfigError } from '../../contract/config-error.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { throttledDuring } from '../../harness/thermal.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/** An ssh-ed25519 public key blob (type string + 32 key bytes). */
function keyBlob(): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const key = randomBytes(32);
  const b = Buffer.alloc(4 + type.length + 4 + key.length);
  b.writeUInt32BE(type.length, 0);
  type.copy(b, 4);
  b.writeUInt32BE(key.length, 4 + type.length);
  key.copy(b, 8 + type.length);
  return b;
}

test('host key: the fingerprint is the one ssh-keygen -l prints', {
  skip: existsSync('/usr/bin/ssh-keygen') ? false : 'ssh-keygen is missing (Debian openssh-client)',
}, () => {
  const key = join(tempDir('mnb-fp-'), 'k');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const blob = Buffer.from(readFileSync(`${key}.pub`, 'utf8').split(' ')[1], 'base64');
  const printed = /SHA256:\S+/.exec(execFileSync('ssh-keygen', ['-lf', `${key}.pub`], { encoding: 'utf8' }))![0];
  assert.equal(sha256Fingerprint(blob), printed);
});

test('host key: pinned fingerprint accepted; another key refused with both fingerprints and how to pin', () => {
  const good = keyBlob();
  const bad = keyBlob();
  assert.equal(checkHostKey(good, '10.0.0.2', 22, { hostKeySha256: sha256Fingerprint(good) }), null);
  const err = checkHostKey(bad, '10.0.0.2', 22, { hostKeySha256: sha256Fingerprint(good) });
  assert.ok(err);
  assert.match(err.message, /does not match the pinned one/);
  assert.ok(err.message.includes(sha256Fingerprint(bad)) && err.message.includes(sha256Fingerprint(good)));
  assert.match(err.message, /"hostKeySha256": "SHA256:/);
  assert.match(err.message, /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);
});

test('host key: known_hosts lines, plain, [host]:port and hashed; unknown and changed keys refused', () => {
  const good = keyBlob();
  const other = keyBlob();
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[board.lan]:2222').digest('base64')}`;
  const text = `# comment\n10.0.0.2,pi ssh-ed25519 ${good.toString('base64')}\n${hashed} ssh-ed25519 ${good.toString('base64')}\n@revoked 10.0.0.9 ssh-ed25519 ${good.toString('base64')}\n`;
  assert.equal(knownKeysFor(text, 'pi', 22).length, 1);
  assert.equal(knownKeysFor(text, 'board.lan', 2222).length, 1);
  assert.equal(knownKeysFor(text, 'board.lan', 22).length, 0);
  assert.equal(knownKeysFor(text, '10.0.0.9', 22).length, 0, '@revoked lines are never trusted');
  const file = join(tempDir('mnb-kh-'), 'known_hosts');
  writeFileSync(file, text);
  assert.equal(checkHostKey(good, '10.0.0.2', 22, { knownHosts: file }), null);
  const changed = checkHostKey(other, '10.0.0.2', 22, { knownHosts: file });
  assert.match(changed!.message, /CHANGED/);
  assert.ok(changed!.message.includes(sha256Fingerprint(other)));
  const unknown = checkHostKey(other, '10.0.0.3', 22, { knownHosts: file });
  assert.match(unknown!.message, /is unknown: .* has no line for 10\.0\.0\.3/);
  assert.match(unknown!.message, /ssh-keyscan -p 22 10\.0\.0\.3/);
});

test('vcgencmd get_throttled is decoded into now and since-boot flags', () => {
  const f = decodeThrottled('throttled=0x50005')!;
  assert.deepEqual(f, {
    underVoltageNow: true,
    underVoltageSinceBoot: true,
    frequencyCappedNow: false,
    frequencyCappedSinceBoot: false,
    throttledNow: true,
    throttledSinceBoot: true,
    softTempLimitNow: false,
    softTempLimitSinceBoot: false,
  });
  assert.equal(decodeThrottled('throttled=0x0')!.throttledSinceBoot, false);
  assert.equal(decodeThrottled('VCHI initialization failed'), null);
});

test('thermal readings name their source or why they are unavailable; a throttle during a job is seen', () => {
  const SEP = '@@mnb@@';
  const pi = parseThermal(`throttled=0x0\nexit=0\n${SEP}\n61832\n${SEP}\n1500000\n`);
  assert.deepEqual(
    pi.map((r) => r.source),
    ['vcgencmd get_throttled', '/sys/class/thermal/thermal_zone0/temp', '/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq'],
  );
  assert.equal(pi[1].temperatureC, 61.832);
  assert.equal(pi[2].cpuFrequencyKHz, 1500000);
  assert.equal(pi[0].throttledNow, false);
  const hot = parseThermal(`throttled=0x20002\nexit=0\n${SEP}\n82000\n${SEP}\n1000000\n`);
  assert.equal(throttledDuring(pi, hot), true, 'frequency capped after, not before: the job throttled');
  assert.equal(throttledDuring(pi, pi), false);
  const vm = parseThermal(
    `sh: 1: vcgencmd: not found\nexit=127\n${SEP}\ncat: /sys/class/thermal/thermal_zone0/temp: No such file or directory\n${SEP}\ncat: x: No such file or directory\n`,
  );
  assert.match(vm[0].unavailable!, /vcgencmd is not installed/);
  assert.match(vm[1].unavailable!, /no thermal zone/);
  assert.match(vm[2].unavailable!, /no CPU frequency scaling/);
  assert.equal(throttledDuring(vm, vm), null, 'nothing could tell');
  assert.match(parseThermal(`VCHI initialization failed\nexit=255\n${SEP}\n1\n${SEP}\n1\n`)[0].unavailable!, /video group/);
});

test('board info: model, OS, cores, governor and max frequency, with the reason when missing', () => {
  const SEP = '@@mnb@@';
  const pi = parseBoardInfo(
    ['Linux', 'aarch64', 'Raspberry Pi 4 Model B Rev 1.4', 'Debian GNU/Linux 12 (bookworm)', '4', 'ondemand', '1800000'].join(`\n${SEP}\n`),
  );
  assert.deepEqual(
    { ...pi, missing: undefined },
    {
      unameS: 'Linux',
      unameM: 'aarch64',
      model: 'Raspberry Pi 4 Model B Rev 1.4',
      os: 'Debian GNU/Linux 12 (bookworm)',
      cores: 4,
      governor: 'ondemand',
      maxFrequencyKHz: 1800000,
      missing: undefined,
    },
  );
  const vm = parseBoardInfo(['Linux', 'x86_64', '', 'Debian', '2', '', ''].join(`\n${SEP}\n`));
  assert.equal(vm.model, null);
  assert.match(vm.missing.model, /device-tree/);
});

test('a full remote disk: refused before uploading, with the free space, the need and the fix', async () => {
  assert.equal(availableBytesFromDf('Filesystem 1024-blocks Used Available Capacity Mounted on\ntmpfs 2048 0 2048 0% /x\n'), 2048 * 1024);
  assert.equal(availableBytesFromDf('garbage'), null);
  assert.match(
    diskFullMessage('pi', '/c/cas', 50 * 2 ** 20, 2 * 2 ** 20),
    /disk is full: pi:\/c\/cas has 2\.0 MiB free and the upload needs 50\.0 MiB more\. .*remoteDir/,
  );
  // The error path with a board whose df says there is no room: nothing is uploaded.
  const commands: string[] = [];
  const conn = {
    endpoint: { host: 'pi', port: 22, username: 'u', connectTimeoutMs: 1 },
    async run(cmd: string) {
      commands.push(cmd);
      return cmd.startsWith('df')
        ? { code: 0, signal: null, stdout: 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/root 100 100 0 100% /\n', stderr: '' }
        : { code: 0, signal: null, stdout: '', stderr: '' };
    },
    sftp: () => assert.fail('nothing may be uploaded to a full disk'),
  } as unknown as SshConnection;
  await assert.rejects(
    syncToCas(conn, '/c/cas', [shippedBytes(new Uint8Array(4096))]),
    (e: Error) => e instanceof RemoteDiskFullError && /has 0\.0 MiB free/.test(e.message),
  );
});

test("Chromium's DevTools address is read from its output", () => {
  assert.deepEqual(devtoolsEndpoint('[0101/x] warning\n\nDevTools listening on ws://127.0.0.1:40123/devtools/browser/3f2a-bb\n'), {
    port: 40123,
    path: '/devtools/browser/3f2a-bb',
  });
  assert.equal(devtoolsEndpoint('nothing yet'), null);
});

test('config: an ssh target needs exactly one of host and hosts; keys and fingerprints are checked', () => {
  const ok = resolveConfig({ targets: [{ type: 'ssh', host: 'pi.lan', hostKeySha256: `SHA256:${'A'.repeat(43)}` }] });
  const t = ok.targets[0];
  assert.equal(t.type, 'ssh');
  if (t.type === 'ssh') {
    assert.equal(t.port, 22);
    assert.equal(t.remoteDir, '~/.cache/mobilenet-bench');
    assert.equal(t.node, 'node');
  }
  assert.throws(
    () => resolveConfig({ targets: [{ type: 'ssh' }] }),
    (e: Error) => e instanceof ConfigError && /exactly one of `host`/.test(e.message),
  );
  assert.throws(() => resolveConfig({ targets: [{ type: 'ssh', host: 'a', hosts: ['b'] }] }), /exactly one of `host`/);
  assert.throws(() => resolveConfig({ targets: [{ type: 'ssh', host: 'a', hostKeySha256: 'abc' }] }), /SHA256:<43 base64 characters>/);
  assert.throws(() => resolveConfig({ targets: [{ type: 'ssh', host: 'a', privatKey: '/k' }] }), /did you mean 'privateKey'/);
});

test('the report marks a job during which the device throttled beside its median', async () => {
  const { resultsTable } = await import('../../reports/sections/numbers.ts');
  const { baseResult } = await import('../../harness/probe/probe.ts');
  const { planJobs } = await import('../../harness/plan.ts');
  const [job] = planJobs(resolveConfig({ targets: [{ type: 'node' }], implementations: ['reference'], variants: { alpha: [0.25], resolution: [128] } })).jobs;
  const ok = (id: string, throttled: boolean | null) => {
    const r = baseResult({ ...job, id }, 'ok');
    r.latency = {
      samplesMs: [10],
      medianMs: 10,
      p90Ms: 10,
      p99Ms: 10,
      meanMs: 10,
      minMs: 10,
      maxMs: 10,
      madMs: 0,
      ci95Ms: [10, 10],
      warmupSamples: 0,
      stoppedBy: 'minimums',
      drift: null,
    };
    r.thermal = { before: [], after: [], throttled };
    return r;
  };
  const table = resultsTable([ok('pi/reference/hot', true), ok('pi/reference/cool', false)]).value;
  const rows = table.split('<tr').filter((r) => r.includes('data-job'));
  assert.match(rows.find((r) => r.includes('hot'))!, /⚠ throttled/);
  assert.doesNotMatch(rows.find((r) => r.includes('cool'))!, /throttled/);
});

test("run.json keeps an ssh target's privateKey path (--resume needs it) and still redacts secret-named values elsewhere", async () => {
  const { redactDeep } = await import('../../contract/secrets.ts');
  const out = redactDeep({
    targets: [
      { type: 'ssh', host: 'pi', privateKey: '/home/me/.ssh/id_ed25519' },
      { type: 'appium', capabilities: { 'x:options': { privateKey: 'abc123', accessKey: 'k3y' } } },
    ],
  });
  assert.equal(out.targets[0].privateKey, '/home/me/.ssh/id_ed25519');
  assert.deepEqual((out.targets[1] as { capabilities: unknown }).capabilities, { 'x:options': { privateKey: '***', accessKey: '***' } });
});

test("the board's Node: missing, failing or too old is refused with how to install one", async () => {
  const { remoteNodeProblem } = await import('../../runners/ssh/board-runtime.ts');
  assert.equal(remoteNodeProblem({ code: 0, stdout: 'v20.20.2 linux arm64\n', stderr: '' }, 'node', 'pi'), null);
  assert.match(
    remoteNodeProblem({ code: 127, stdout: '', stderr: 'sh: node: not found' }, 'node', 'pi')!,
    /no Node on pi: `node` was not found \(exit 127\)\. Install Node ≥ 20/,
  );
  assert.match(
    remoteNodeProblem({ code: 0, stdout: 'v18.19.0 linux arm64\n', stderr: '' }, 'node', 'pi')!,
    /Node v18\.19\.0 on pi is too old: the job needs Node ≥ 20\. .*nodejs\.org/,
  );
  assert.match(
    remoteNodeProblem({ code: 1, stdout: '', stderr: 'Illegal instruction' }, '/opt/node', 'pi')!,
    /`\/opt\/node` failed on pi \(exit 1\): Illegal instruction/,
  );
});
