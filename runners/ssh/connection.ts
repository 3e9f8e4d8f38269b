/**
 * One SSH connection to a board (ssh2): the host key checked against the pin before anything
 * is sent, key or agent authentication, and commands with streamed output. Connection errors
 * become messages that name the problem and the fix; the key's path may appear in them, its
 * contents never do.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ssh2, { type ClientChannel, type SFTPWrapper } from 'ssh2';
import { checkHostKey, type HostKeyError, type HostKeyPin } from './host-key.ts';
import { MAX_LINE_BYTES, mib } from '../../contract/ingest.ts';
import { seconds, withTimeLimit } from '../../harness/time-limit.ts';

/** Longest a plain shell command on the board may run (uname, ls, df, sha256sum, mv…) unless its caller gives another limit. */
const REMOTE_COMMAND_TIMEOUT_MS = 60_000;
/** Longest the board may take to open a channel (a command, SFTP, a port forward). */
const CHANNEL_OPEN_TIMEOUT_MS = 30_000;
/** Most output a plain shell command may print on each of stdout and stderr (the board is not trusted to stop). */
const REMOTE_OUTPUT_MAX_BYTES = MAX_LINE_BYTES;

/** Where and as whom to connect. */
export interface SshEndpoint extends HostKeyPin {
  host: string;
  port: number;
  username: string;
  /** Path of the private key; unset = the agent at SSH_AUTH_SOCK. */
  privateKey?: string;
  connectTimeoutMs: number;
}

/** A problem reaching or using the board; the message is for the user as is. */
export class SshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshError';
  }
}

/** Output of a finished remote command. */
export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Limits of one `run`. */
export interface RunLimits {
  /** Default REMOTE_COMMAND_TIMEOUT_MS. */
  timeoutMs?: number;
  /** What the command does, for the message when it is stopped (default: the command). */
  what?: string;
  /** What to check when it outlives its limit (default: whether the board is hung or overloaded). */
  hint?: string;
}

/** An open connection. */
export interface SshConnection {
  /** A random id for this connection (results record it as the session id). */
  readonly id: string;
  /** ssh://user@host:port (no credentials). */
  readonly url: string;
  readonly endpoint: SshEndpoint;
  /** Run a command through the remote shell and collect its output; rejects when it outlives its limit or prints too much. */
  run(command: string, stdin?: string | Buffer, limits?: RunLimits): Promise<ExecResult>;
  /** Start a command and get its channel (stdout/stderr stream as it runs). */
  exec(command: string): Promise<ClientChannel>;
  sftp(): Promise<SFTPWrapper>;
  /** Forward a connection to a port on the remote's loopback (like ssh -L). */
  forwardOut(remotePort: number): Promise<ClientChannel>;
  /** Listen on the remote's loopback and hand each incoming connection to `onConnection` (like ssh -R); resolves to the remote port. */
  forwardIn(onConnection: (channel: ClientChannel) => void): Promise<number>;
  /** Why the connection ended, or null while it is open. */
  closedReason(): string | null;
  /** Resolves when the connection ends, with the reason. */
  readonly closed: Promise<string>;
  close(): void;
}

/** Single-quote a string for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Turn an ssh2/net connection error into a message with the fix. */
function describeConnectError(e: Error & { code?: string; level?: string }, ep: SshEndpoint): string {
  const where = `${ep.username}@${ep.host}:${ep.port}`;
  if (e.level === 'client-authentication') {
    return `the board ${where} refused the key ${ep.privateKey ?? '(ssh-agent)'} for user ${ep.username}: add its public key to ~${ep.username}/.ssh/authorized_keys on the board, or set the target's privateKey/username to ones it accepts`;
  }
  if (e.level === 'client-timeout')
    return `timed out after ${Math.round(ep.connectTimeoutMs / 1000)} s connecting to ${where}: is the board on, on this network, and is host right? (raise connectTimeoutMs for a slow link)`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `cannot reach ${where}: connection refused (nothing listens on port ${ep.port}; is sshd running on the board, and is port right?)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach ${where}: no route to host (${e.code}); check host and this machine's network`;
    case 'ETIMEDOUT':
      return `cannot reach ${where}: connection timed out; is the board on and is host right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host name ${ep.host} (${e.code}); check host`;
    case 'ECONNRESET':
      return `${where} reset the connection while connecting (${e.message}); is it an SSH server?`;
  }
  return `cannot connect to ${where}: ${e.message}`;
}

/** Read the private key file; errors name the path and the fix, never the contents. */
async function readPrivateKey(path: string): Promise<Buffer> {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (e) {
    throw new SshError(
      `cannot read the privateKey file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set privateKey to your key's path`,
    );
  }
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new SshError(
      encrypted
        ? `the privateKey ${path} is encrypted: load it into an ssh-agent and unset privateKey (the agent at SSH_AUTH_SOCK is used), or use an unencrypted key`
        : `the privateKey ${path} is not a private key ssh2 can read (OpenSSH or PEM format); check the path`,
    );
  }
  return key;
}

/** Connect and check the host key; rejects with an SshError (or the HostKeyError) on any failure. */
export async function openSsh(ep: SshEndpoint): Promise<SshConnection> {
  const key = ep.privateKey ? await readPrivateKey(ep.privateKey) : undefined;
  if (!key && !process.env.SSH_AUTH_SOCK) {
    throw new SshError(`no credentials for ${ep.username}@${ep.host}: set the target's privateKey to a key file, or run an ssh-agent (SSH_AUTH_SOCK)`);
  }
  const client = new ssh2.Client();
  let refusal: HostKeyError | null = null;
  let closedWhy: string | null = null;
  let markClosed: (why: string) => void = () => {};
  const closed = new Promise<string>((done) => {
    markClosed = (why) => {
      if (closedWhy === null) {
        closedWhy = why;
        done(why);
      }
    };
  });
  await new Promise<void>((ready, fail) => {
    let isReady = false;
    client.once('ready', () => {
      isReady = true;
      ready();
    });
    client.on('error', (e: Error & { code?: string; level?: string }) => {
      if (isReady) return markClosed(`the SSH connection failed (${e.message})`);
      fail(refusal ?? new SshError(describeConnectError(e, ep)));
    });
    client.on('close', () => {
      markClosed('the SSH connection was closed');
      if (!isReady) fail(refusal ?? new SshError(`${ep.username}@${ep.host}:${ep.port} closed the connection during the handshake`));
    });
    client.connect({
      host: ep.host,
      port: ep.port,
      username: ep.username,
      ...(key ? { privateKey: key } : { agent: process.env.SSH_AUTH_SOCK }),
      readyTimeout: ep.connectTimeoutMs,
      keepaliveInterval: 5000,
      keepaliveCountMax: 3,
      hostVerifier: (blob: Buffer) => {
        refusal = checkHostKey(blob, ep.host, ep.port, ep);
        return refusal === null;
      },
    });
  });

  const where = `${ep.username}@${ep.host}:${ep.port}`;
  /** A channel the board must open within CHANNEL_OPEN_TIMEOUT_MS; one that opens later is closed. */
  const opened = <T>(what: string, open: (done: (ch: T) => void, fail: (e: Error) => void) => void, release: (late: T) => void): Promise<T> =>
    withTimeLimit(
      new Promise<T>(open),
      CHANNEL_OPEN_TIMEOUT_MS,
      `${where} did not open ${what} within ${seconds(CHANNEL_OPEN_TIMEOUT_MS)} (the board or its sshd is hung or overloaded)`,
      {
        onLate: release,
      },
    );
  const closeChannel = (ch: ClientChannel) => ch.close();
  const exec = (command: string) => {
    if (closedWhy) return Promise.reject(new SshError(closedWhy));
    return opened<ClientChannel>(
      'a channel for a command',
      (done, fail) => client.exec(command, (err, channel) => (err ? fail(new SshError(`cannot start a remote command: ${err.message}`)) : done(channel))),
      closeChannel,
    );
  };
  const conn: SshConnection = {
    id: randomBytes(6).toString('hex'),
    url: `ssh://${ep.username}@${ep.host}:${ep.port}`,
    endpoint: ep,
    exec,
    async run(command, stdin, limits = {}) {
      const ch = await exec(command);
      const timeoutMs = limits.timeoutMs ?? REMOTE_COMMAND_TIMEOUT_MS;
      const what = limits.what ?? `\`${command.length > 80 ? `${command.slice(0, 80)}…` : command}\``;
      return new Promise<ExecResult>((done, fail) => {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        const size = { out: 0, err: 0 };
        let code: number | null = null;
        let signal: string | null = null;
        let over: string | null = null;
        const stop = (why: string) => {
          if (over) return;
          over = why;
          clearTimeout(timer);
          try {
            ch.signal('KILL');
          } catch {
            /* the channel may be gone */
          }
          ch.close();
          fail(new SshError(why));
        };
        const timer = setTimeout(
          () =>
            stop(`${what} on ${ep.host} did not finish within ${seconds(timeoutMs)} and was stopped (${limits.hint ?? 'is the board hung or overloaded?'})`),
          timeoutMs,
        );
        const collect = (into: Buffer[], key: 'out' | 'err') => (d: Buffer) => {
          if (over) return;
          size[key] += d.byteLength;
          if (size[key] > REMOTE_OUTPUT_MAX_BYTES) return stop(`${what} on ${ep.host} printed more than ${mib(REMOTE_OUTPUT_MAX_BYTES)} and was stopped`);
          into.push(d);
        };
        ch.on('data', collect(out, 'out'));
        ch.stderr.on('data', collect(err, 'err'));
        ch.on('exit', (c: number | null, s?: string) => {
          code = c;
          signal = s ?? null;
        });
        ch.on('close', () => {
          clearTimeout(timer);
          if (!over) done({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
        });
        if (stdin !== undefined) ch.end(stdin);
        else ch.end();
      });
    },
    // (SFTPWrapper's own close() closes a file handle: a late session is ended with end().)
    sftp: () =>
      opened<SFTPWrapper>(
        'an SFTP session',
        (done, fail) =>
          client.sftp((err, sftp) =>
            err ? fail(new SshError(`the board refused SFTP (${err.message}); enable the sftp subsystem in its sshd_config`)) : done(sftp),
          ),
        (late) => late.end(),
      ),
    forwardOut: (remotePort) =>
      opened<ClientChannel>(
        `a forward to its port ${remotePort}`,
        (done, fail) =>
          client.forwardOut('127.0.0.1', 0, '127.0.0.1', remotePort, (err, ch) =>
            err ? fail(new SshError(`cannot forward to port ${remotePort} on the board's loopback (${err.message}); is AllowTcpForwarding on?`)) : done(ch),
          ),
        closeChannel,
      ),
    forwardIn: (onConnection) =>
      withTimeLimit(
        new Promise<number>((done, fail) => {
          client.on('tcp connection', (_info, accept) => onConnection(accept()));
          client.forwardIn('127.0.0.1', 0, (err, port) =>
            err
              ? fail(
                  new SshError(
                    `the board refused a reverse forward on its loopback (${err.message}); set AllowTcpForwarding yes (or remote) in its sshd_config`,
                  ),
                )
              : done(port),
          );
        }),
        CHANNEL_OPEN_TIMEOUT_MS,
        `${where} did not open a reverse forward within ${seconds(CHANNEL_OPEN_TIMEOUT_MS)} (the board or its sshd is hung or overloaded)`,
      ),
    closedReason: () => closedWhy,
    closed,
    close: () => client.end(),
  };
  return conn;
}
