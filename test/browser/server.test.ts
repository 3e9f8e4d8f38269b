import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { isLoopback, safeSegments, startStaticServer } from '../../runners/server.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/** A raw GET that sends the path exactly as written (fetch would normalise `..` away). */
function rawGet(base: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function fixture() {
  const dir = tempDir('mnb-server-');
  const root = join(dir, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<p>hi</p>');
  writeFileSync(join(root, 'sub', 'm.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(root, 'app.mjs'), 'export {}');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'escape.txt'));
  symlinkSync(dir, join(root, 'up'));
  writeFileSync(join(root, 'inside-target.txt'), 'fine');
  symlinkSync(join(root, 'inside-target.txt'), join(root, 'inside-link.txt'));
  return { dir, root };
}

test('serves files with COOP/COEP/CORP, and .wasm as application/wasm', async () => {
  const { root } = fixture();
  const server = await startStaticServer({ mounts: { '/': root } });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(server.token, null);
    const page = await fetch(server.url);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), '<p>hi</p>');
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal(page.headers.get('cross-origin-resource-policy'), 'same-origin');
    const wasm = await fetch(`${server.url}sub/m.wasm`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal((await fetch(`${server.url}app.mjs`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal((await fetch(`${server.url}nope.js`)).status, 404);
    // A symlink that stays inside the root is fine.
    assert.equal(await (await fetch(`${server.url}inside-link.txt`)).text(), 'fine');
  } finally {
    await server.close();
  }
});

test('refuses every path outside its root: .., %2e%2e, absolute, backslashes, NUL, symlinks out', async () => {
  const { root } = fixture();
  const server = await startStaticServer({ mounts: { '/files/': root } });
  try {
    const refused = [
      '/files/../secret.txt',
      '/files/sub/../../secret.txt',
      '/files/%2e%2e/secret.txt',
      '/files/%2E%2E/secret.txt',
      '/files/sub/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/files/..%2fsecret.txt',
      '/files/..%5csecret.txt',
      '/files//etc/passwd',
      '/files/%2fetc%2fpasswd',
      '/files/index.html%00.txt',
      '/files/escape.txt',
      '/files/up/secret.txt',
      '//etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
    ];
    for (const path of refused) {
      const r = await rawGet(server.url, path);
      assert.ok(r.status === 403 || r.status === 404, `${path} → ${r.status}`);
      assert.doesNotMatch(r.body, /secret|root:/, path);
    }
    assert.equal((await rawGet(server.url, '/files/escape.txt')).status, 403, 'a symlink out is forbidden');
    assert.equal((await rawGet(server.url, '/files/%2e%2e/secret.txt')).status, 403);
    assert.equal((await rawGet(server.url, '/files/index.html')).status, 200);
    assert.equal((await rawGet(server.url, '/secret.txt')).status, 404, 'nothing outside a mount');
    assert.equal(safeSegments('/a/%2e%2e/b'), null);
    assert.deepEqual(safeSegments('/a/b%20c/'), ['a', 'b c']);
  } finally {
    await server.close();
  }
});

test('in-memory files are served and removed', async () => {
  const server = await startStaticServer();
  try {
    server.put('/jobs/1/weights.bin', new Uint8Array([1, 2, 3]));
    const r = await fetch(`${server.url}jobs/1/weights.bin`);
    assert.deepEqual(new Uint8Array(await r.arrayBuffer()), new Uint8Array([1, 2, 3]));
    assert.equal(r.headers.get('cross-origin-resource-policy'), 'same-origin');
    server.remove('/jobs/1/');
    assert.equal((await fetch(`${server.url}jobs/1/weights.bin`)).status, 404);
  } finally {
    await server.close();
  }
});

test('beyond loopback an unguessable path token is required', async () => {
  const { root } = fixture();
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost') && !isLoopback('0.0.0.0') && !isLoopback('192.168.1.5'));
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  // Listen on all interfaces (what a phone on the LAN needs); reach it over loopback and, when there is one, the LAN address.
  const server = await startStaticServer({ host: '0.0.0.0', mounts: { '/': root } });
  try {
    assert.ok(server.token && server.token.length >= 22, 'token of at least 128 bits');
    assert.ok(server.url.endsWith(`/${server.token}/`));
    const origin = server.url.slice(0, server.url.indexOf(server.token!));
    assert.equal((await rawGet(origin, '/index.html')).status, 404, 'no token → 404');
    assert.equal((await rawGet(origin, '/wrongtoken/index.html')).status, 404);
    assert.equal((await rawGet(origin, `/${server.token}/index.html`)).status, 200);
    assert.equal((await rawGet(origin, `/${server.token}/../${server.token}/index.html`)).status, 403);
    if (lan) {
      const lanOrigin = origin.replace('127.0.0.1', lan);
      assert.equal((await rawGet(lanOrigin, '/index.html')).status, 404);
      assert.equal((await rawGet(lanOrigin, `/${server.token}/index.html`)).status, 200);
    }
    const other = await startStaticServer({ host: '0.0.0.0' });
    assert.notEqual(other.token, server.token, 'a fresh token per server');
    await other.close();
  } finally {
    await server.close();
  }
  // Loopback: no token unless asked for.
  const local = await startStaticServer({ mounts: { '/': root }, requireToken: true });
  try {
    assert.ok(local.token);
    assert.equal((await fetch(local.url.replace(`${local.token}/`, ''))).status, 404);
    assert.equal((await fetch(local.url)).status, 200);
  } finally {
    await local.close();
  }
});
