/**
 * Host key pinning for ssh targets: the key a board presents must match `hostKeySha256` or a
 * line of a known_hosts file (plain or hashed host names, `[host]:port` for other ports).
 * An unknown or changed key is refused with its fingerprint and how to pin it; nothing is
 * ever accepted silently.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The fingerprint of a raw host key blob as `ssh-keygen -l` prints it: SHA256:<base64 without padding>. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH key blob (e.g. ssh-ed25519). */
function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const n = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + n).toString('latin1');
}

/** How known_hosts names a host: `host`, or `[host]:port` when the port is not 22. */
function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Whether one known_hosts host pattern list (comma-separated, or a |1|salt|hash entry) names this host. */
function namesHost(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return field.split(',').includes(name);
}

/** The key blobs a known_hosts file lists for this host (markers like @revoked lines are not trusted). */
export function knownKeysFor(text: string, host: string, port: number): Buffer[] {
  const name = knownHostsName(host, port);
  const keys: Buffer[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('@')) continue;
    const [hosts, , b64] = line.split(/\s+/);
    if (hosts && b64 && namesHost(hosts, name)) keys.push(Buffer.from(b64, 'base64'));
  }
  return keys;
}

/** What the target pins: a fingerprint, or a known_hosts file. */
export interface HostKeyPin {
  hostKeySha256?: string;
  knownHosts?: string;
}

/** A host key the config does not pin (unknown) or pins differently (changed). Its message says how to pin. */
export class HostKeyError extends Error {
  constructor(
    message: string,
    readonly fingerprint: string,
  ) {
    super(message);
    this.name = 'HostKeyError';
  }
}

/** The default known_hosts, used when the target pins nothing itself. */
function defaultKnownHosts(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/**
 * Check a presented key against the pin; returns null when it matches, else the refusal
 * (an Error whose message shows the fingerprint and the fix).
 */
export function checkHostKey(keyBlob: Buffer, host: string, port: number, pin: HostKeyPin): HostKeyError | null {
  const fp = sha256Fingerprint(keyBlob);
  const type = keyTypeOf(keyBlob);
  const where = `${host}:${port}`;
  const howToPin = `If this is your board's key (on the board: \`ssh-keygen -lf /etc/ssh/ssh_host_${type.replace(/^ssh-/, '').replace(/^ecdsa-sha2-.*/, 'ecdsa')}_key.pub\` prints it), pin it in the target: "hostKeySha256": "${fp}", or add the board to a known_hosts file (\`ssh-keyscan -p ${port} ${host} >> FILE\`, then "knownHosts": "FILE").`;
  if (pin.hostKeySha256) {
    if (pin.hostKeySha256.replace(/=+$/, '') === fp) return null;
    return new HostKeyError(
      `the host key of ${where} does not match the pinned one: the target pins ${pin.hostKeySha256}, the host presented ${fp} (${type}). Someone may be intercepting the connection, or the board was reinstalled. The key was refused. ${howToPin}`,
      fp,
    );
  }
  const file = pin.knownHosts ?? defaultKnownHosts();
  const known = existsSync(file) ? knownKeysFor(readFileSync(file, 'utf8'), host, port) : [];
  if (known.some((k) => k.equals(keyBlob))) return null;
  if (known.length) {
    return new HostKeyError(
      `the host key of ${where} CHANGED: ${file} lists ${known.map(sha256Fingerprint).join(', ')} for ${knownHostsName(host, port)}, the host presented ${fp} (${type}). Someone may be intercepting the connection, or the board was reinstalled. The key was refused. ${howToPin}`,
      fp,
    );
  }
  return new HostKeyError(
    `the host key of ${where} is unknown: ${existsSync(file) ? `${file} has no line for ${knownHostsName(host, port)}` : `${file} does not exist`}; the host presented ${fp} (${type}). The key was refused. ${howToPin}`,
    fp,
  );
}
