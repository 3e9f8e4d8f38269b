import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';
import { fetchOfficialWeights } from '../../models/weights/fetch.ts';
import { loadWeightsFile } from '../../models/weights/load.ts';
import { WEIGHTS_DIR, skipWithoutSharedData } from '../helpers/data.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const skip = skipWithoutSharedData();
const SMALL = [
  { alpha: 0.25, resolution: 224 },
  { alpha: 0.25, resolution: 128 },
];

test('from a mirror: pinned files verified, loadable, then served from the cache', { skip }, async () => {
  const cache = tempDir('mnb-weights-');
  const first = await fetchOfficialWeights({ variants: SMALL, cacheDir: cache, mirror: WEIGHTS_DIR });
  assert.deepEqual(
    first.failures.map((f) => f.what),
    ['0.25_128 float32'],
    'the mirror has no float 0.25_128 tfjs model',
  );
  assert.match(first.failures[0].error, /not in the mirror folder/);
  const models = first.files.filter((f) => /model\.json$|\.tflite$/.test(f.relative));
  assert.deepEqual(
    models.map((f) => [f.relative, f.check]),
    [
      ['tfjs/mobilenet_v1_0.25_224/model.json', 'verified'],
      ['tflite/mobilenet_v1_0.25_224_quant.tflite', 'verified'],
      ['tflite/mobilenet_v1_0.25_128_quant.tflite', 'verified'],
    ],
  );
  const w = await loadWeightsFile(join(cache, 'tfjs/mobilenet_v1_0.25_224/model.json'));
  assert.equal(w.classes, 1000);
  const again = await fetchOfficialWeights({ variants: SMALL, precisions: ['uint8-dequantized'], cacheDir: cache, mirror: WEIGHTS_DIR });
  assert.ok(again.files.every((f) => f.check === 'cached'));
});

test('a corrupt file in the mirror fails its SHA-256 check, named', { skip }, async () => {
  const mirror = tempDir('mnb-badmirror-');
  mkdirSync(join(mirror, 'tflite'));
  const bytes = readFileSync(join(WEIGHTS_DIR, 'tflite/mobilenet_v1_0.25_128_quant.tflite'));
  bytes[5000] ^= 0xff;
  writeFileSync(join(mirror, 'tflite/mobilenet_v1_0.25_128_quant.tflite'), bytes);
  const r = await fetchOfficialWeights({ variants: [SMALL[1]], precisions: ['uint8-dequantized'], cacheDir: tempDir('mnb-c-'), mirror });
  assert.equal(r.files.length, 0);
  assert.match(r.failures[0].error, /mobilenet_v1_0\.25_128_quant\.tflite: SHA-256 [0-9a-f]+ does not match the pinned 3799e7cd/);
});

test('over HTTP with the official layouts (a loopback server): tfjs shards and the TF-slim .tgz', { skip }, async () => {
  // Serve tfjs/<name with 0.50-style α>/… and tflite/<name>.tgz the way the official buckets do.
  const root = tempDir('mnb-http-');
  cpSync(join(WEIGHTS_DIR, 'tfjs/mobilenet_v1_0.25_224'), join(root, 'tfjs/mobilenet_v1_0.25_224'), { recursive: true });
  const work = tempDir('mnb-tgz-');
  copyFileSync(join(WEIGHTS_DIR, 'tflite/mobilenet_v1_0.25_128_quant.tflite'), join(work, 'mobilenet_v1_0.25_128_quant.tflite'));
  writeFileSync(join(work, 'mobilenet_v1_0.25_128_quant_info.txt'), 'release notes\n');
  mkdirSync(join(root, 'tflite'));
  execFileSync('tar', ['czf', join(root, 'tflite/mobilenet_v1_0.25_128_quant.tgz'), '-C', work, '.']);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url!);
    try {
      res.end(readFileSync(join(root, normalize(decodeURIComponent(req.url!)).replace(/^(\.\.[/\\])+/, ''))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const cache = tempDir('mnb-c-');
    const r = await fetchOfficialWeights({
      variants: SMALL,
      cacheDir: cache,
      baseUrls: { tfjs: `http://127.0.0.1:${port}/tfjs`, tflite: `http://127.0.0.1:${port}/tflite` },
    });
    assert.ok(requests.includes('/tflite/mobilenet_v1_0.25_128_quant.tgz'));
    assert.ok(requests.filter((u) => u.startsWith('/tfjs/mobilenet_v1_0.25_224/group')).length === 55, 'every shard fetched');
    const ok = r.files.filter((f) => /model\.json$|\.tflite$/.test(f.relative)).map((f) => [f.relative, f.check]);
    assert.deepEqual(ok, [
      ['tfjs/mobilenet_v1_0.25_224/model.json', 'verified'],
      ['tflite/mobilenet_v1_0.25_128_quant.tflite', 'verified'],
    ]);
    assert.match(r.failures.find((f) => f.what === '0.25_128 float32')!.error, /HTTP 404/);
    assert.equal((await loadWeightsFile(join(cache, 'tflite/mobilenet_v1_0.25_128_quant.tflite'))).precision, 'uint8-dequantized');
  } finally {
    server.close();
  }
});

test('offline: a clear message that names the way out', async () => {
  // A port that was just closed: connection refused, as with no network.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  const r = await fetchOfficialWeights({
    variants: [SMALL[1]],
    precisions: ['uint8-dequantized'],
    cacheDir: tempDir('mnb-c-'),
    baseUrls: { tflite: `http://127.0.0.1:${port}/none` },
  });
  assert.match(r.failures[0].error, /download failed \(ECONNREFUSED\); offline\? use --mirror DIR/);
});
