/**
 * A board an ssh target instance drives: which host, how to reach it, the connection with
 * what the board's shell reports, and the device record of what was seen there. Shared by the Node-job runner
 * (runner.ts) and the board's Chromium (chromium.ts).
 */
import { homedir } from 'node:os';
import { posix } from 'node:path';
import type { Target } from '../../harness/config/schema.ts';
import type { Job } from '../../harness/plan.ts';
import type { Device, JobResult } from '../../contract/results.ts';
import type { InstanceRef } from '../../harness/runner.ts';
import { readBoardInfo, type BoardInfo } from './board.ts';
import { openSsh, type SshConnection, type SshEndpoint } from './connection.ts';

/** An ssh target, as configured. */
export type SshTarget = Extract<Target, { type: 'ssh' }>;

/** The board an instance drives. */
export function sshHostOf(target: SshTarget, instance: InstanceRef): string {
  return target.hosts ? target.hosts[instance.index] : target.host!;
}

/** Hooks for tests. */
export interface SshRunnerOptions {
  /** Called once a job's remote process has started (it sent its device line). */
  onJobStarted?: (job: Job, conn: SshConnection) => void | Promise<void>;
  /** Where progress lines go (default stderr). */
  log?: (line: string) => void;
}

/** A connected board with its runtime tree in place. */
export interface Board {
  conn: SshConnection;
  info: BoardInfo;
  /** Absolute remoteDir on the board. */
  remoteDir: string;
  casDir: string;
}

/** A local path with a leading ~/ taken from the home folder. */
function expandHome(path: string): string {
  return path.startsWith('~/') ? posix.join(homedir(), path.slice(2)) : path;
}

/** The endpoint of a target instance (credentials are paths, never contents). */
function endpointOf(target: SshTarget, instance: InstanceRef): SshEndpoint {
  return {
    host: sshHostOf(target, instance),
    port: target.port,
    username: target.username,
    ...(target.privateKey ? { privateKey: expandHome(target.privateKey) } : {}),
    ...(target.knownHosts ? { knownHosts: expandHome(target.knownHosts) } : {}),
    ...(target.hostKeySha256 ? { hostKeySha256: target.hostKeySha256 } : {}),
    connectTimeoutMs: target.connectTimeoutMs,
  };
}

/** Connect to a board and resolve its remoteDir. */
export async function connectBoard(target: SshTarget, instance: InstanceRef): Promise<Board> {
  const conn = await openSsh(endpointOf(target, instance));
  try {
    const info = await readBoardInfo(conn);
    const home = (await conn.run('printf %s "$HOME"')).stdout;
    const remoteDir = target.remoteDir.startsWith('~/') ? posix.join(home, target.remoteDir.slice(2)) : target.remoteDir === '~' ? home : target.remoteDir;
    return { conn, info, remoteDir, casDir: posix.join(remoteDir, 'cas') };
  } catch (e) {
    conn.close();
    throw e;
  }
}

/** The device record for a job run on a board. */
export function deviceOf(board: Board, instanceName: string | null, seen: { machine?: string; node?: string } = {}, extra: Device['details'] = {}): Device {
  const { info } = board;
  const emulated = seen.machine !== undefined && seen.machine !== info.unameM;
  return {
    platform: info.unameS.toLowerCase(),
    model: info.model,
    osVersion: info.os,
    arch: seen.machine ?? info.unameM,
    cores: info.cores,
    browserName: null,
    browserVersion: null,
    userAgent: null,
    emulated,
    cpuThrottlingRate: null,
    sessionId: board.conn.id,
    serverUrl: board.conn.url,
    instance: instanceName,
    details: {
      kernelMachine: info.unameM,
      cpuGovernor: info.governor,
      cpuMaxFrequencyKHz: info.maxFrequencyKHz,
      ...(seen.node ? { nodeVersion: seen.node } : {}),
      ...(info.missing.model ? { modelUnavailable: info.missing.model } : {}),
      ...(info.missing.governor ? { cpuFrequencyUnavailable: info.missing.governor } : {}),
      ...(emulated
        ? {
            emulation: `the job's Node sees ${seen.machine} but the board's kernel is ${info.unameM}: user-mode emulation (qemu-user); timings are not a real board's`,
          }
        : {}),
      ...extra,
    },
  };
}

/** A result measured on a board, with the board's device record and its memory source saying so. */
export function onBoard(
  result: JobResult,
  board: Board,
  instanceName: string | null,
  seen: { machine?: string; node?: string } = {},
  extra: Device['details'] = {},
): JobResult {
  if (result.memory?.peakRssSource) result.memory.peakRssSource = `${result.memory.peakRssSource} on the board`;
  result.device = deviceOf(board, instanceName, seen, extra);
  return result;
}
