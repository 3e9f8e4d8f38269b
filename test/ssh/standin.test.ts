/**
 * The ssh target against a real sshd in a network namespace with an arm64 Node under qemu
 * (test/standins/pi.ts): jobs on the emulated board, a dropped link, Chromium through the
 * tunnel, and every connection fault. Emulation is ~100× slower than native: tiny sampling,
 * 0.25-128 only, a handful of jobs. Skips with the reason where the stand-in cannot start.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { piStandinUnavailable, standinConfig, standinDown, standinUp, STANDIN_CHROMIUM, type PiStandin } from '../standins/pi.ts';
import { resolveConfig, type Target } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { readResults, readRunInfo } from '../../contract/store.ts';
import type { JobResult } from '../../contract/results.ts';
import { runnerFor } from '../../runners/index.ts';
import { writeReport } from '../../reports/build.ts';
import { createSshRunner } from '../../runners/ssh/runner.ts';
import type { SshTarget } from '../../runners/ssh/session.ts';
import type { InstanceRef, Runner } from '../../harness/runner.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const unavailable = piStandinUnavailable();
/** Tiny sampling: each inference takes ~0.5–1.5 s under emulation. */
const TINY = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 3, minTimeMs: 0, maxTimeMs: 5000 };

describe('a Raspberry Pi stand-in over SSH', { skip: unavailable }, () => {
  let s: PiStandin;
  let work: string;
  let base: Record<string, unknown>;
  const config = (targets: unknown[], implementations: string[]) =>
    resolveConfig({
      targets,
      implementations,
      variants: { alpha: [0.25], resolution: [128] },
      sampling: TINY,
      accuracy: { samples: 1 },
    });
  const quiet = () => {};
  const sshdChildren = (): number[] =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(s.sshdPid);
        } catch {
          return false;
        }
      })
      .map(Number);
  const namespaceCommands = (): string[] =>
    execFileSync('ip', ['netns', 'pids', s.netns], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        } catch {
          return '';
        }
      })
      .filter(Boolean);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'mnb-pi-test-'));
    s = await standinUp(join(work, 'standin'), join(work, 'pi.config.json'));
    base = (standinConfig(s).targets as Array<Record<string, unknown>>)[0];
  });
  after(() => {
    if (work) {
      standinDown(join(work, 'standin'), join(work, 'pi.config.json'));
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('jobs run on the emulated arm64 board; a dropped link fails only its job, the next reconnects and uploads no runtime file again', async () => {
    const first = await runBenchmark({ config: config([base], ['reference']), runnerFor, outDir: join(work, 'run1'), onEvent: quiet });
    const r = first.results[0];
    assert.equal(r.status, 'ok', r.error);
    assert.equal(r.device?.arch, 'aarch64', "the job's Node saw an arm64 machine");
    assert.equal(r.device?.emulated, true);
    assert.equal(r.device?.details?.kernelMachine, 'x86_64');
    assert.equal(r.device?.serverUrl, `ssh://${s.username}@${s.host}:22`);
    assert.ok(Number(r.device?.details?.runtimeBytesSent) > 10e6, 'the bundle and runtimes were uploaded');
    assert.ok(r.latency!.samplesMs.length >= 3 && r.accuracy?.agreementTop1 === 1);
    assert.deepEqual(
      r.thermal?.before.map((t) => t.source),
      ['vcgencmd get_throttled', '/sys/class/thermal/thermal_zone0/temp', '/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq'],
    );
    assert.ok(
      r.thermal!.after.every((t) => t.unavailable),
      'the stand-in has no Pi sensors, and each reading says why',
    );
    assert.equal(r.thermal?.throttled, null);
    const text = readFileSync(join(first.dir, 'results.jsonl'), 'utf8');
    assert.ok(!text.includes(readFileSync(s.privateKey, 'utf8').split('\n')[1]), 'no key material in results');
    const recorded = (readRunInfo(first.dir).config as { targets: Array<{ privateKey?: string }> }).targets[0];
    assert.equal(recorded.privateKey, s.privateKey, "run.json keeps the key's path, so --resume can reconnect");

    // Second run: kill the sshd process serving the session while the first job runs.
    let killed = 0;
    const dropLink = (t: Target, i: InstanceRef): Promise<Runner> =>
      createSshRunner(t as SshTarget, i, {
        log: quiet,
        onJobStarted: () => {
          if (killed) return;
          for (const pid of sshdChildren()) {
            process.kill(pid, 'SIGKILL');
            killed++;
          }
        },
      });
    const second = await runBenchmark({ config: config([base], ['reference', 'ort-node']), runnerFor: dropLink, outDir: join(work, 'run2'), onEvent: quiet });
    assert.ok(killed > 0, 'an sshd session process was killed');
    const lines = readResults(second.dir);
    assert.equal(lines.length, 2, 'both jobs are written');
    const [lost, next] = lines;
    assert.equal(lost.status, 'failed');
    assert.match(lost.error!, /SSH link to .* dropped during the job .*the next one reconnects/);
    assert.equal(next.status, 'ok', next.error);
    assert.equal(next.device?.arch, 'aarch64');
    assert.equal(next.device?.details?.runtimeBytesSent, 0, "the reconnect found every runtime file in the board's cache");
    assert.notEqual(next.device?.sessionId, lost.device?.sessionId, 'a new connection');
    // The remote job saw its stdin close and exited: nothing but the sshd listener is left.
    const end = Date.now() + 15_000;
    while (namespaceCommands().some((c) => /qemu|node/.test(c)) && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(
      namespaceCommands().filter((c) => /qemu|node/.test(c)),
      [],
      'no orphan job process on the board',
    );
  });

  test('sustained mode on the board: latency in windows over the job, the ratio, and thermals polled every window (unavailable, with the reason)', async () => {
    // Emulated inferences take ~0.5–1.5 s: 4 s in 1 s windows still gives several windows in ≲ 15 s.
    const c = resolveConfig({
      targets: [base],
      implementations: ['reference'],
      variants: { alpha: [0.25], resolution: [128] },
      sampling: { mode: 'sustained', sustainedMs: 4000, windowMs: 1000, sustainedSamples: 3, warmupSamples: 1, warmupTimeMs: 0 },
      accuracy: { samples: 1 },
    });
    const run = await runBenchmark({ config: c, runnerFor, outDir: join(work, 'run-sustained'), onEvent: quiet });
    const [r] = readResults(run.dir);
    assert.equal(r.status, 'ok', r.error);
    assert.equal(r.device?.arch, 'aarch64');
    const s = r.latency!.sustained!;
    assert.ok(s.windows.length >= 2, `several windows (got ${JSON.stringify(s.windows)})`);
    assert.ok(s.windows.at(-1)!.endMs >= 4000, 'sampled for the whole sustained duration');
    assert.equal(s.ratio, s.lastMedianMs / s.coldMedianMs);
    assert.equal(s.lastMedianMs, s.windows.at(-1)!.medianMs);
    const series = r.thermal!.series!;
    assert.ok(series.length >= 2, `thermals read during the job (got ${series.length})`);
    assert.ok(series.every((p, i) => i === 0 || p.atMs > series[i - 1].atMs));
    assert.ok(
      series.every((p) => p.readings.length === 3 && p.readings.every((x) => x.unavailable)),
      'the stand-in has no Pi sensors, and each polled reading says why',
    );
    const page = readFileSync(writeReport(run.dir), 'utf8');
    assert.match(page, /Sustained: latency over time/);
    assert.ok(page.includes(`${s.ratio.toFixed(3)}</span>`), 'the ratio in the report');
  });

  test("Chromium on the board runs the page through the tunnel; nothing listens beyond the board's loopback but sshd", async () => {
    const target = { ...base, name: 'pi-chromium', browser: 'chromium', chromiumPath: STANDIN_CHROMIUM };
    const listeners: string[] = [];
    const watching = async (t: Target, i: InstanceRef): Promise<Runner> => {
      const runner = await runnerFor(t, i);
      return {
        ...runner,
        runJob: (job) => runner.runJob(job),
        close: () => runner.close(),
        async readThermal() {
          // Before the second job, the first job's Chromium and both forwards are up.
          listeners.push(execFileSync('ip', ['netns', 'exec', s.netns, 'ss', '-ltnH'], { encoding: 'utf8' }));
          return runner.readThermal!();
        },
      };
    };
    const run = await runBenchmark({ config: config([target], ['reference', 'tfjs:wasm']), runnerFor: watching, outDir: join(work, 'run3'), onEvent: quiet });
    for (const r of run.results) {
      assert.equal(r.status, 'ok', r.error);
      assert.equal(r.device?.browserName, 'chromium');
      assert.match(r.device?.userAgent ?? '', /HeadlessChrome/);
      assert.match(String(r.device?.details?.pageServedThrough), /reverse SSH forward to the board's 127\.0\.0\.1:\d+/);
      assert.match(r.memory?.peakRssSource ?? '', /renderer process .* on the board/);
    }
    assert.equal(run.results.find((r) => r.impl === 'tfjs')?.effective?.backend, 'wasm');
    assert.deepEqual(
      readdirSync(join(s.dir, 'board', 'tmp')).filter((f) => /^(mnb-chromium-|org\.chromium\.Chromium\.)/.test(f)),
      [],
      "the board's Chromium profile and singleton folder were removed",
    );
    const during = listeners[1] ?? '';
    const addresses = during
      .split('\n')
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/)[3]);
    assert.ok(addresses.filter((a) => a.startsWith('127.0.0.1:')).length >= 2, `DevTools and the reverse forward on the board's loopback:\n${during}`);
    assert.deepEqual(
      addresses.filter((a) => !a.startsWith('127.0.0.1:')),
      [`${s.host}:22`],
      "only sshd listens on the board's network address",
    );
  });

  test('faults: wrong key, unknown host key, unreachable port, no Node, full disk each fail their target with the fix; the run goes on', async () => {
    const otherKey = join(work, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const emptyKnownHosts = join(work, 'empty_known_hosts');
    writeFileSync(emptyKnownHosts, '');
    const targets = [
      { ...base, name: 'wrong-key', privateKey: otherKey },
      { ...base, name: 'unknown-host-key', knownHosts: emptyKnownHosts },
      { ...base, name: 'unreachable', port: 2 },
      { ...base, name: 'no-node', node: '/nonexistent/bin/node' },
      { ...base, name: 'full-disk', remoteDir: s.tinyDir },
      { type: 'node', name: 'local' },
    ];
    const run = await runBenchmark({ config: config(targets, ['reference']), runnerFor, outDir: join(work, 'run4'), onEvent: quiet });
    const by = (name: string) => run.results.find((r) => r.target === name) as JobResult;
    assert.match(by('wrong-key').error!, /refused the key .*other_key for user .*authorized_keys/);
    assert.match(by('unknown-host-key').error!, new RegExp(`host key of ${s.host}:22 is unknown.*${s.hostKeySha256.replace(/[+/]/g, '\\$&')}.*refused`));
    assert.match(by('unreachable').error!, /connection refused \(nothing listens on port 2/);
    assert.match(by('no-node').error!, /no Node on .*\/nonexistent\/bin\/node.* was not found \(exit 127\)/);
    assert.match(by('full-disk').error!, /disk is full: .*tiny\/cas has \d+\.\d MiB free and the upload needs \d+\.\d MiB more.*remoteDir/);
    for (const name of ['wrong-key', 'unknown-host-key', 'unreachable', 'no-node', 'full-disk']) {
      assert.equal(by(name).status, 'failed');
      assert.doesNotMatch(by(name).error!, /\n\s+at /, 'no stack trace');
    }
    assert.equal(by('local').status, 'ok', 'the run went on');
    assert.equal(readResults(run.dir).length, 6);
  });

  test('the CLI exits 1 with the fingerprint when the pinned host key is wrong', () => {
    const cfg = join(work, 'wrong-pin.config.json');
    writeFileSync(cfg, JSON.stringify({ targets: [{ ...base, knownHosts: undefined, hostKeySha256: `SHA256:${'A'.repeat(43)}` }] }));
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'mobilenet-bench.js'), 'run', '-c', cfg, '--impl', 'reference', '--alpha', '0.25', '--resolution', '128', '-o', join(work, 'run5')],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stdout.includes(`the host presented ${s.hostKeySha256}`), r.stdout);
    assert.match(r.stdout, /"hostKeySha256": "SHA256:/);
  });
});
