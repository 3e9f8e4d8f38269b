/**
 * A run folder (RunData) as one history entry: the per-job figures a later verdict and the
 * trend page need, the run's environment, and device fingerprints. Pure: no files.
 */
import { runIdSlug } from '../../contract/run-id.ts';
import { createHash } from 'node:crypto';
import type { Device, JobResult, RunInfo } from '../../contract/results.ts';
import type { RunData } from '../../contract/run-data.ts';
import { HISTORY_SCHEMA_VERSION, type HistoryEntry, type HistoryJob, type Provenance } from './schema.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** The host a run ran on, as a short stable hash: CPU model, cores, memory, OS and architecture (not the Node version, which the environment records). */
function hostFingerprint(host: RunInfo['host']): string {
  return sha(JSON.stringify(['host', host.cpuModel, host.cores, host.totalMemoryBytes, host.os, host.arch])).slice(0, 12);
}

/** The device a job ran on: the phone, board or remote browser it reported, else the host. */
function jobDeviceFingerprint(host: RunInfo['host'], device: Device | undefined): string {
  if (!device) return hostFingerprint(host);
  return sha(JSON.stringify(['device', device.platform, device.model, device.osVersion, device.arch ?? null, device.cores ?? null, device.emulated])).slice(
    0,
    12,
  );
}

function jobSummary(r: JobResult, host: RunInfo['host'], hostDevice: string): HistoryJob {
  const l = r.latency;
  return {
    id: r.id,
    target: r.target,
    impl: r.impl,
    backend: r.backend,
    alpha: r.alpha,
    resolution: r.resolution,
    precision: r.precision,
    sampling: r.latency?.sustained ? 'sustained' : 'ordinary',
    threads: r.threads,
    weightsSource: r.weightsSource,
    status: r.status,
    device: r.device ? jobDeviceFingerprint(host, r.device) : hostDevice,
    medianMs: l?.medianMs ?? null,
    ci95Ms: l ? [l.ci95Ms[0], l.ci95Ms[1]] : null,
    samples: l?.samplesMs.length ?? 0,
    ...(l?.processes ? { processMediansMs: l.processes.map((p) => p.medianMs) } : {}),
    relativeHalfWidth: l && l.medianMs > 0 ? (l.ci95Ms[1] - l.ci95Ms[0]) / 2 / l.medianMs : null,
    peakRssBytes: r.memory?.peakRssBytes ?? null,
    top1: r.accuracy?.top1 ?? null,
    agreementTop1: r.accuracy?.agreementTop1 ?? null,
  };
}

/**
 * Entry id: the run id (sortable, readable) and a hash of which run it is: run id, start and
 * device, so two runs started in the same second on two machines are two. Not of what the run
 * holds (job statuses, job start times): after --resume, --retry-failed, or an unfinished run
 * added and then finished, the same run keeps its id and its later summary replaces the earlier.
 */
function entryIdOf(data: RunData, device: string): string {
  const digest = sha(JSON.stringify([data.run.runId, data.run.startedAt, device])).slice(0, 10);
  // The one run-id sanitizer (at most 89 characters): a file name holds 255 bytes, and the digest covers the whole id.
  return `${runIdSlug(data.run.runId)}-${digest}`;
}

/**
 * Summarise one run for the history. `deviceId` names the host explicitly (`--device-id`, for CI
 * machines whose kernel or memory size moves); else the host's fingerprint is its name.
 */
export function summarizeRun(data: RunData, source: Provenance, recordedAt = new Date().toISOString(), deviceId?: string): HistoryEntry {
  const { run } = data;
  const hostDevice = deviceId ?? hostFingerprint(run.host);
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    kind: 'mobilenet-bench-history',
    id: entryIdOf(data, hostDevice),
    runId: run.runId,
    startedAt: run.startedAt,
    recordedAt,
    source,
    device: hostDevice,
    environment: {
      harnessVersion: run.harnessVersion,
      nodeVersion: run.host.nodeVersion,
      cpuModel: run.host.cpuModel,
      cores: run.host.cores,
      os: run.host.os,
      arch: run.host.arch,
      packages: run.packages,
    },
    jobs: data.results.map((r) => jobSummary(r, run.host, hostDevice)),
  };
}
