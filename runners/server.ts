/**
 * The static server for browser targets: serves the page bundle, the runtimes' files
 * (onnxruntime-web dist/, tfjs-backend-wasm dist/) and per-job data from mounted folders
 * and in-memory files. Loopback by default; every response carries COOP/COEP/CORP so the
 * page is crossOriginIsolated (SharedArrayBuffer, WASM threads, measureUserAgentSpecificMemory);
 * .wasm is application/wasm. Nothing outside a mount's root is served: `..` (also
 * percent-encoded), absolute paths, NUL bytes and symlinks that lead out are refused. When
 * asked to listen beyond loopback (a phone on the LAN), an unguessable path token is required
 * as the first path segment, and a request without it gets 404 (no hint that it exists).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { extname, isAbsolute, join, sep } from 'node:path';

/** Content types by extension; anything else is application/octet-stream. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
};

/** Headers that make a page cross-origin isolated, sent with every response. */
const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface StaticServerOptions {
  /** URL prefix (e.g. '/ort/') → folder. A mount of '/' serves a folder at the root. */
  mounts?: Record<string, string>;
  /** Address to listen on; default 127.0.0.1. Anything but loopback requires the path token. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
  /** Force a path token even on loopback (always on beyond loopback). */
  requireToken?: boolean;
  /**
   * Further `Host` header values to answer (host:port), e.g. of a tunnel or a reverse forward
   * that reaches this server under another address. Every other Host is refused (DNS rebinding).
   */
  allowedHosts?: string[];
}

/** A running static server. */
export interface StaticServer {
  /** Base URL including the token segment when one is required, ending in '/'. */
  readonly url: string;
  /** The path token, or null when none is required. */
  readonly token: string | null;
  /** Serve `bytes` at `path` (e.g. '/jobs/3/weights.bin') from memory until removed. */
  put(path: string, bytes: Uint8Array, contentType?: string): void;
  /** Forget an in-memory file (or every one under a prefix ending in '/'). */
  remove(pathOrPrefix: string): void;
  close(): Promise<void>;
}

/** Whether an address is loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Turn a request path into segments, or null when it could escape its root: `..` and `.`
 * after percent-decoding, backslashes, NUL bytes, empty or absolute-looking segments ('//x').
 */
export function safeSegments(rawPath: string): string[] | null {
  const parts = rawPath.split('/').slice(1);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    let seg: string;
    try {
      seg = decodeURIComponent(parts[i]);
    } catch {
      return null;
    }
    if (seg === '' && i === parts.length - 1) continue; // trailing slash
    if (
      seg === '' ||
      seg === '.' ||
      seg === '..' ||
      seg.includes('/') ||
      seg.includes('\\') ||
      seg.includes('\0') ||
      isAbsolute(seg) ||
      /^[A-Za-z]:/.test(seg)
    ) {
      return null;
    }
    out.push(seg);
  }
  return out;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

/**
 * The Host header values a server listening on `host`:`port` answers: its address (and, on
 * loopback, localhost / 127.0.0.1 / [::1]); on 0.0.0.0 or :: every address of this machine's
 * interfaces; plus `extra` (a tunnel's or reverse forward's host:port).
 */
function hostHeadersFor(host: string, port: number, extra: string[] = []): Set<string> {
  const out = new Set<string>();
  const add = (h: string) => out.add(`${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`.toLowerCase());
  const everywhere = host === '0.0.0.0' || host === '::';
  if (everywhere || isLoopback(host)) for (const h of ['localhost', '127.0.0.1', '::1']) add(h);
  if (everywhere) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address.split('%')[0]);
  } else add(host);
  for (const e of extra) out.add(e.toLowerCase());
  return out;
}

/** Start the server; resolves once it listens. */
export async function startStaticServer(options: StaticServerOptions = {}): Promise<StaticServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.requireToken || !isLoopback(host) ? randomBytes(18).toString('base64url') : null;
  // Mount roots resolved through symlinks once, so a symlink inside that leads out is caught.
  const mounts = Object.entries(options.mounts ?? {})
    .map(([prefix, dir]) => ({ segments: prefix.split('/').filter(Boolean), root: realpathSync(dir) }))
    .sort((a, b) => b.segments.length - a.segments.length);
  const memory = new Map<string, { bytes: Uint8Array; type: string }>();

  let allowedHost: (value: string | undefined) => boolean = () => false;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // A page of another site that rebinds its DNS name to this address sends its own name as Host: refused.
    if (!allowedHost(req.headers.host)) return send(res, 421, 'misdirected request: this server answers only its own address');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    const rawPath = (req.url ?? '/').split(/[?#]/)[0];
    if (!rawPath.startsWith('/')) return send(res, 400, 'bad request');
    let segments = safeSegments(rawPath);
    if (segments === null) return send(res, 403, 'forbidden');
    if (token !== null) {
      if (segments[0] !== token) return send(res, 404, 'not found');
      segments = segments.slice(1);
    }
    const key = '/' + segments.join('/');
    const inMemory = memory.get(key);
    if (inMemory) {
      res.writeHead(200, {
        ...ISOLATION_HEADERS,
        'Content-Type': inMemory.type,
        'Content-Length': String(inMemory.bytes.byteLength),
        'Cache-Control': 'no-store',
      });
      return res.end(req.method === 'HEAD' ? undefined : inMemory.bytes);
    }
    const mount = mounts.find((m) => m.segments.every((s, i) => segments![i] === s));
    if (!mount) return send(res, 404, 'not found');
    const rest = segments.slice(mount.segments.length);
    let file = join(mount.root, ...rest);
    let real: string;
    try {
      real = realpathSync(file);
      if (statSync(real).isDirectory()) {
        file = join(real, 'index.html');
        real = realpathSync(file);
      }
    } catch {
      return send(res, 404, 'not found');
    }
    if (real !== mount.root && !real.startsWith(mount.root + sep)) return send(res, 403, 'forbidden');
    const stat = statSync(real);
    if (!stat.isFile()) return send(res, 404, 'not found');
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(stat.size),
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(real)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      send(res, 500, (e as Error).message);
    }
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const hosts = hostHeadersFor(host, port, options.allowedHosts ?? []);
  allowedHost = (value) => value !== undefined && hosts.has(value.toLowerCase());
  const url = `http://${urlHost}:${port}/${token ? `${token}/` : ''}`;
  const normalize = (p: string) => '/' + p.split('/').filter(Boolean).join('/');
  return {
    url,
    token,
    put(path, bytes, contentType) {
      memory.set(normalize(path), { bytes, type: contentType ?? CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' });
    },
    remove(pathOrPrefix) {
      if (pathOrPrefix.endsWith('/')) {
        const prefix = normalize(pathOrPrefix) + '/';
        for (const k of [...memory.keys()]) if (k.startsWith(prefix)) memory.delete(k);
      } else memory.delete(normalize(pathOrPrefix));
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
