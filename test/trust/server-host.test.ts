/**
 * DNS rebinding: a page of another site whose name is made to resolve to 127.0.0.1 sends its own
 * name as Host. The static server answers only requests whose Host is its own address (and a
 * configured tunnel's), so such a page cannot read served files; everything else works as before.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { startStaticServer } from '../../runners/server.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

/** GET `path` from 127.0.0.1:port with the given Host header. */
function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => done({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

function root(): string {
  const dir = tempDir('mnb-host-');
  writeFileSync(join(dir, 'secret.txt'), 'served file');
  return dir;
}

test('loopback server: its own address, localhost and [::1] are answered; a rebinding name is refused with 421', async () => {
  const server = await startStaticServer({ mounts: { '/': root() } });
  try {
    const port = Number(new URL(server.url).port);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      assert.deepEqual(await get(port, '/secret.txt', host), { status: 200, body: 'served file' }, host);
    }
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${port + 1}`, `127.0.0.1.nip.io:${port}`]) {
      const r = await get(port, '/secret.txt', host);
      assert.equal(r.status, 421, host);
      assert.doesNotMatch(r.body, /served file/);
    }
  } finally {
    await server.close();
  }
});

test("a tunnel or reverse forward (allowedHosts / the page host's publicUrl) is answered under its own address", async () => {
  const server = await startStaticServer({ mounts: { '/': root() }, allowedHosts: ['127.0.0.1:40001'] });
  try {
    const port = Number(new URL(server.url).port);
    assert.equal((await get(port, '/secret.txt', '127.0.0.1:40001')).status, 200);
    assert.equal((await get(port, '/secret.txt', '127.0.0.1:40002')).status, 421);
  } finally {
    await server.close();
  }
});

test("listening beyond loopback (a configured LAN host, or 0.0.0.0): this machine's addresses are answered, with the token", async () => {
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  const server = await startStaticServer({ host: '0.0.0.0', mounts: { '/': root() } });
  try {
    const port = Number(new URL(server.url).port);
    const path = `/${server.token}/secret.txt`;
    assert.equal((await get(port, path, `127.0.0.1:${port}`)).status, 200);
    if (lan) assert.equal((await get(port, path, `${lan}:${port}`)).status, 200, `the LAN address ${lan}`);
    assert.equal((await get(port, path, `phone-farm.attacker.example:${port}`)).status, 421);
  } finally {
    await server.close();
  }
});
