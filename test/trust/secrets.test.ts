/**
 * No credential leaks, whole or in part, through the real CLI: a fake W3C server (loopback,
 * free port) answers every request with an error that echoes the requested capabilities and
 * the Authorization header after a long preamble, placed so that each cut limit falls inside a
 * secret. Credentials come from `${env:…}`, from literal secret-looking capability keys and
 * from the URL's `user:password@`. Every file the run writes and everything it prints is
 * scanned for every 6-character run of every secret. A config error never shows a URL's
 * password either.
 */
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliAsync, STACK } from '../helpers/cli.ts';
import { isSecretKey, redactAndCut, redactDeep, redactText, redactUrl, SECRET_FRAGMENT, secretsOf } from '../../contract/secrets.ts';
import { SUMMARY_MAX_CHARS } from '../../runners/webdriver-client.ts';

const made: string[] = [];
after(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
});

function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `mnb-secrets-${tag}-`));
  made.push(d);
  return d;
}

/** A random letters-and-digits secret (no words a retry or lost-session rule reacts to). */
function secret(n = 22): string {
  const abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let s = '';
  for (let i = 0; i < n; i++) s += abc[randomInt(abc.length)];
  return s;
}

/** Every place in `text` that holds SECRET_FRAGMENT or more characters of `s`, with context. */
function leaks(text: string, s: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + SECRET_FRAGMENT <= s.length; i++) {
    const at = text.indexOf(s.slice(i, i + SECRET_FRAGMENT));
    if (at >= 0) found.push(`"${s.slice(i, i + SECRET_FRAGMENT)}" in …${text.slice(Math.max(0, at - 60), at + 30)}…`);
  }
  return found;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * A fake W3C server that refuses and echoes. POST /session, by attempt: an error whose echo of
 * the request puts `cutAt[i]` characters of secret `aim[i]` before the summary limit; later
 * attempts open a session whose /url command fails the same way (JSON error, then a proxy's
 * non-JSON page) and whose preamble is longer than every cut limit.
 */
function fakeFarm(aims: Array<{ secret: string; before: number; body: 'json' | 'html' }>) {
  let sessions = 0;
  let attempt = 0;
  /** What opened the current session: its /url command echoes that request. */
  let opening = '';
  const requests: string[] = [];
  const reply = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
  };
  /** The echo: preamble, then what was sent, placed so the aim's secret straddles the summary limit. */
  const echo = (sent: string, aim: (typeof aims)[number], prefix: string) => {
    // Not asserted here (a throw would only kill the server): the results' checks see a missing echo.
    const at = Math.max(0, sent.indexOf(aim.secret));
    // Where the summary is cut: the preamble pads until `before` characters of the secret precede the limit.
    const pad = Math.max(0, SUMMARY_MAX_CHARS - prefix.length - at - aim.before);
    return `${'the farm could not start the session, here is what it received: '.padEnd(pad, '.')}${sent}`;
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      // Some servers log the credentials they were given, decoded: so does this one.
      const auth = req.headers.authorization ?? '';
      const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString();
      const sent = `${body} authorization=${auth} (user ${decoded})`;
      if (req.method === 'DELETE') return reply(res, 200, '{"value":null}');
      if (req.method === 'POST' && /\/session$/.test(req.url ?? '')) {
        const aim = aims[attempt++ % aims.length];
        // Every other attempt opens a session: its /url command is the next echo.
        if (attempt % 2 === 0) {
          opening = sent;
          const id = `s${++sessions}`;
          return reply(res, 200, JSON.stringify({ value: { sessionId: id, capabilities: { browserName: 'chrome', browserVersion: '1' } } }));
        }
        return reply(res, 500, JSON.stringify({ value: { error: 'session not created', message: echo(sent, aim, '') } }));
      }
      if (req.method === 'POST' && /\/timeouts$/.test(req.url ?? '')) return reply(res, 200, '{"value":null}');
      if (req.method === 'POST' && /\/url$/.test(req.url ?? '')) {
        const aim = aims[(attempt - 1) % aims.length];
        if (aim.body === 'html') {
          // A proxy's page, not JSON: the client keeps it as "HTTP 502 Bad Gateway: <page>".
          return reply(res, 502, `<html><body>${echo(opening, aim, 'HTTP 502 Bad Gateway: <html><body>')}</body></html>`, 'text/html');
        }
        return reply(res, 500, JSON.stringify({ value: { error: 'unknown error', message: echo(opening, aim, '') } }));
      }
      return reply(res, 404, JSON.stringify({ value: { error: 'unknown command', message: `no ${req.method} ${req.url}: ${'.'.repeat(5000)}${sent}` } }));
    });
  });
  return {
    requests,
    start: () => new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port))),
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

test('a farm that echoes the request after a long preamble leaves no 6-character run of any credential in any file of the run or in its output', {
  timeout: 300_000,
}, async () => {
  const envKey = secret();
  const urlPassword = secret();
  const literal = { lt: secret(), perfecto: secret(), client: secret(), api: secret(), bearer: secret() };
  // What a client makes of the URL's credentials: servers echo the header too.
  const basic = Buffer.from(`farmuser:${urlPassword}`).toString('base64');
  // The summary limit falls 8 characters into each secret (the "8 of 19"), JSON and non-JSON replies.
  const aims = [
    { secret: envKey, before: 8, body: 'json' as const },
    { secret: urlPassword, before: 8, body: 'json' as const },
    { secret: literal.perfecto, before: 8, body: 'json' as const },
    { secret: envKey, before: 10, body: 'html' as const },
    { secret: literal.client, before: 7, body: 'json' as const },
    { secret: basic, before: 9, body: 'html' as const },
  ];
  const farm = fakeFarm(aims);
  const port = await farm.start();
  try {
    const cwd = tempDir('run');
    const out = join(cwd, 'run');
    writeFileSync(
      join(cwd, 'bench.config.json'),
      JSON.stringify({
        targets: [
          {
            type: 'webdriver',
            name: 'farm',
            url: `http://farmuser:${urlPassword}@127.0.0.1:${port}/wd/hub`,
            implementations: ['reference'],
            capabilities: {
              browserName: 'chrome',
              // A value from the environment under a key nothing calls secret: redacted because of where it came from.
              'appium:deviceName': '${env:FAKE_FARM_KEY}',
              'goog:chromeOptions': { args: ['--farm-tag=${env:FAKE_FARM_KEY}'] },
              'sauce:options': { username: 'farmuser', accessKey: '${env:FAKE_FARM_KEY}' },
              'LT:Options': { accessKey: literal.lt },
              'perfecto:options': { securityToken: literal.perfecto },
              clientSecret: literal.client,
              apiToken: literal.api,
              authorization: `Bearer ${literal.bearer}`,
            },
          },
        ],
        variants: { alpha: [0.25, 0.5], resolution: [128, 160, 192] },
        sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 2, minTimeMs: 0, maxSamples: 4, maxTimeMs: 1000 },
        accuracy: { samples: 2 },
      }),
    );
    const r = await runCliAsync(['run', '-o', out], { cwd, env: { FAKE_FARM_KEY: envKey, ORT_DISABLE_TELEMETRY: '1' }, timeoutMs: 240_000 });
    const md = await runCliAsync(['report', out, '--format', 'markdown'], { cwd });
    assert.equal(r.status, 1, `every job fails, the run completes (exit 1)\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, STACK);
    assert.equal(md.status, 0, md.stderr);

    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; error: string; device?: { serverUrl?: string; model?: string } });
    assert.equal(lines.length, 6, 'one line per job');
    // The echoes reached the results (the test exercises the cut), redacted: a server's words, its preamble, a marker.
    for (const l of lines) {
      assert.equal(l.status, 'failed');
      assert.match(l.error, /the farm could not start the session|HTTP 502 Bad Gateway/, l.error);
      assert.match(l.error, /\*\*\*/, `the redaction shows: ${l.error}`);
      assert.equal(l.device?.serverUrl, `http://***@127.0.0.1:${port}/wd/hub`);
    }
    assert.ok(
      lines.some((l) => /could not open a WebDriver session/.test(l.error)),
      'refused sessions are among the failures',
    );
    assert.ok(
      lines.some((l) => /HTTP 502 Bad Gateway/.test(l.error)),
      'a non-JSON reply is among the failures',
    );
    assert.ok(
      farm.requests.some((q) => /\/url$/.test(q)),
      'opened sessions got as far as loading the page',
    );
    // The user name is no secret; the placeholder stays so --resume can expand it again.
    const runJson = readFileSync(join(out, 'run.json'), 'utf8');
    assert.match(runJson, /"username": ?"farmuser"/);
    assert.match(runJson, /\$\{env:FAKE_FARM_KEY\}/);

    const files = filesUnder(out);
    assert.ok(files.some((f) => f.endsWith('report.html')) && files.some((f) => f.endsWith('report.md')), `reports written: ${files.join(', ')}`);
    const secrets = { envKey, urlPassword, basic, ...literal };
    const found: string[] = [];
    for (const [name, s] of Object.entries(secrets)) {
      for (const f of files) for (const l of leaks(readFileSync(f, 'utf8'), s)) found.push(`${name} in ${f}: ${l}`);
      for (const [stream, text] of [
        ['stdout', r.stdout],
        ['stderr', r.stderr],
        ['report stdout', md.stdout],
        ['report stderr', md.stderr],
      ]) {
        for (const l of leaks(text, s)) found.push(`${name} in ${stream}: ${l}`);
      }
    }
    assert.deepEqual(found, [], 'no 6-character run of a secret anywhere');
  } finally {
    await farm.stop();
  }
});

test("a config error never prints a URL's credentials or a literal secret, mistyped scheme or bad JSON alike", () => {
  const password = secret();
  const token = secret();
  const refused = (config: string, message: RegExp) => {
    const cwd = tempDir('cfg');
    writeFileSync(join(cwd, 'bench.config.json'), config);
    const r = runCli(['run'], { cwd });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, STACK);
    for (const s of [password, token]) assert.deepEqual([...leaks(r.stderr, s), ...leaks(r.stdout, s)], [], r.stderr);
  };
  const target = (url: string, extra: Record<string, unknown> = {}) => ({
    targets: [{ type: 'webdriver', url, capabilities: { 'perfecto:options': { securityToken: token } }, ...extra }],
  });
  // The example: a mistyped scheme, quoted back in the message.
  refused(
    JSON.stringify(target(`htps://user:${password}@hub.example.com/wd/hub`)),
    /url: expected an http:\/\/ or https:\/\/ URL \(got "htps:\/\/\*\*\*@hub\.example\.com\/wd\/hub"\)/,
  );
  refused(
    JSON.stringify(target(`user:${password}@hub.example.com/wd/hub`)),
    /url: expected an http:\/\/ or https:\/\/ URL \(got "\*\*\*@hub\.example\.com\/wd\/hub"\)/,
  );
  // A wrong key beside them: the message quotes the target, literal secrets redacted.
  refused(
    JSON.stringify({
      targets: [{ type: 'webdriverr', url: `https://user:${password}@hub.example.com/`, capabilities: { 'perfecto:options': { securityToken: token } } }],
    }),
    /targets\.0/,
  );
  // Bad JSON: the parser quotes a snippet of the file.
  refused(
    `{"targets": [{"type": "webdriver", "url": "https://user:${password}@hub.example.com/" "capabilities": {"apiToken": "${token}"}}]}`,
    /not valid JSON/,
  );
});

test("which keys are secret: the farms' names and anything with token, secret, password, auth, credential or a last word key; user names are not", () => {
  for (const k of [
    'accessKey',
    'securityToken',
    'apiKey',
    'apiToken',
    'clientSecret',
    'authorization',
    'password',
    'passwd',
    'x-api-key',
    'auth_token',
    'credentials',
    'appium:keystorePassword',
    'sauce:options.accessKey',
    'bstack:options.accessKey',
    'LT:Options.accessKey',
    'perfecto:options.securityToken',
  ]) {
    assert.equal(isSecretKey(k), true, k);
  }
  for (const k of ['username', 'userName', 'user', 'deviceName', 'browserName', 'hostKeySha256', 'appium:unicodeKeyboard', 'knownHosts', 'platformVersion'])
    assert.equal(isSecretKey(k), false, k);
  // Literal values of secret keys are redacted, placeholders and user names kept, an ssh key file's path kept.
  assert.deepEqual(
    redactDeep({
      targets: [
        {
          type: 'webdriver',
          capabilities: { 'perfecto:options': { securityToken: 'lit', userName: 'me' }, clientSecret: 'c', apiToken: '${env:T}', authorization: 'Bearer x' },
        },
        { type: 'ssh', privateKey: '/home/me/.ssh/id' },
      ],
    }),
    {
      targets: [
        {
          type: 'webdriver',
          capabilities: { 'perfecto:options': { securityToken: '***', userName: 'me' }, clientSecret: '***', apiToken: '${env:T}', authorization: '***' },
        },
        { type: 'ssh', privateKey: '/home/me/.ssh/id' },
      ],
    },
  );
});

test('redaction before cutting, and of what a cut elsewhere left: no 6-character run of a secret survives', () => {
  const key = 'Qm7TzR4wKp9sXc2VbN6h';
  // The case: a message cut before redaction ends in 8 of the key's characters.
  assert.equal(redactText(`echo: {"accessKey":"${key.slice(0, 8)}…`, [key]), 'echo: {"accessKey":"***…');
  // Any run of 6 or more, anywhere; 5 are left (they identify nothing).
  assert.equal(redactText(`a ${key.slice(3, 9)} b ${key.slice(10, 15)} c`, [key]), `a *** b ${key.slice(10, 15)} c`);
  // JSON-escaped and URL-encoded forms of a secret are removed whole.
  assert.equal(redactText('{"k":"a\\"b/c+"} https://h/?x=a%22b%2Fc%2B', ['a"b/c+']), '{"k":"***"} https://h/?x=***');
  // Cut after redaction: the limit counts the redacted text, the secret never shows in part.
  const cut = redactAndCut(`${'.'.repeat(590)}${key} and more`, 600, [key]);
  assert.equal(cut, `${'.'.repeat(590)}*** and mo…`);
  // URL credentials with a mistyped or missing scheme, key=value pairs, Authorization headers.
  assert.equal(
    redactText('got "htps//me:pw12@h.example/x", me:pw12@h.example, ?accessKey=abc&x=1, Authorization: Basic Zm9vOmJhcg=='),
    'got "htps//***@h.example/x", ***@h.example, ?accessKey=***&x=1, Authorization: Basic ***',
  );
  // A config's secrets: set placeholders, URL passwords (and their Basic header), literal secret keys.
  const found = secretsOf([{ url: 'https://me:${env:P}@h/', capabilities: { a: '${env:Q}', 'x:o': { accessKey: 'lit-key', userName: 'me' } } }], {
    P: 'from-env-p',
    Q: 'from-env-q',
  });
  assert.deepEqual(found.sort(), ['from-env-p', 'from-env-q', 'lit-key', Buffer.from('me:from-env-p').toString('base64')].sort());
});

test('URL user info: a password or a token in the user slot is redacted; an ssh login name is not a credential and stays', () => {
  assert.equal(redactText('connect ssh://pi@10.77.0.2:22 failed'), 'connect ssh://pi@10.77.0.2:22 failed');
  assert.equal(redactText('connect ssh://pi:hunter22@10.77.0.2:22 failed'), 'connect ssh://***@10.77.0.2:22 failed');
  assert.equal(redactText('GET https://ghp_token123@example.test/x'), 'GET https://***@example.test/x');
  assert.equal(redactUrl('ssh://root@board.local:22'), 'ssh://root@board.local:22');
  assert.equal(redactUrl('https://user:key@hub.example.test/wd/hub'), 'https://***@hub.example.test/wd/hub');
  // Bare user info is redacted; an A/B side's package spec has its shape and is kept.
  assert.equal(redactText('login admin:hunter22@10.0.0.1 refused'), 'login ***@10.0.0.1 refused');
  assert.equal(redactText('"spec": "pkg:onnxruntime-web@1.29.0,onnxruntime-node@1.30.0"'), '"spec": "pkg:onnxruntime-web@1.29.0,onnxruntime-node@1.30.0"');
});
