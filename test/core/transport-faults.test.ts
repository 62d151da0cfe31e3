/** Issue 9's transport rows, each over a real 127.0.0.1 socket against a server that misbehaves on purpose. */
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, FilterValidationError, ResponseValidationError, ServerError } from '../../src/core/errors.js';
import { resolveClientOptions, type ClientOptions } from '../../src/core/options.js';
import { createTransport, type Transport } from '../../src/core/transport.js';
import { createBotByeClient } from '../../src/providers/botbye/client.js';
import { createGcoreClient } from '../../src/providers/gcore/client.js';
import { createTransactCdnClient } from '../../src/providers/transactcdn/client.js';
import { GCORE_END_MS, gcorePage, serveRaw, sendJson, type RawHandler, type RawServer } from '../support/gateways.js';

const zstd = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
const BODY = JSON.stringify({ results: Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, path: '/login', note: 'x'.repeat(40) })) });

let server: RawServer | undefined;
let transport: Transport | undefined;
const warnings: Array<{ message: string; details: Record<string, unknown> | undefined }> = [];

async function setup(handler: RawHandler, options: ClientOptions = {}) {
  server = await serveRaw(handler);
  transport = createTransport({
    ...resolveClientOptions({ baseUrl: server.url, retryDelay: { baseMs: 1, maxMs: 5 }, maxRetries: 3, ...options }, 'https://unused.example', 'test options'),
    logger: { warn: (message, details) => warnings.push({ message, details }) },
    provider: 'gcore',
    authHeaders: () => ({ authorization: 'APIKey k' }),
    secrets: () => ['k'],
  });
  return server;
}

afterEach(async () => {
  warnings.length = 0;
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

describe('compressed answers', () => {
  const encoders: Array<[string, (b: Buffer) => Buffer]> = [
    ['gzip', (b) => zlib.gzipSync(b)],
    ['deflate', (b) => zlib.deflateSync(b)],
    ['deflate', (b) => zlib.deflateRawSync(b)], // raw, as some servers send it
    ['br', (b) => zlib.brotliCompressSync(b)],
    ...(zstd ? [['zstd', zstd] as [string, (b: Buffer) => Buffer]] : []),
  ];

  it('asks for every coding this Node decodes', async () => {
    await setup((_, res) => sendJson(res, '{}'));
    await transport!.getJson('/thing', []);
    expect(server!.requests[0]!.headers['accept-encoding']).toBe(zstd ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br');
  });

  it.each(encoders)('decodes a %s body as it streams, in one request', async (coding, encode) => {
    const wire = encode(Buffer.from(BODY));
    expect(wire.length).toBeLessThan(BODY.length / 4);
    await setup((_, res) => sendJson(res, wire, 200, { 'content-encoding': coding }));
    expect((await transport!.getJson('/thing', [])).body).toEqual(JSON.parse(BODY));
    expect(server!.requests).toHaveLength(1);
  });

  it('a broken deflate body is refused, not hung on', async () => {
    await setup((_, res) => sendJson(res, Buffer.from('not deflate data at all'), 200, { 'content-encoding': 'deflate' }));
    const error = await transport!.getJson('/thing', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toMatch(/cannot be decoded/);
  });

  it('undoes stacked codings in reverse order (gzip, then br)', async () => {
    const wire = zlib.brotliCompressSync(zlib.gzipSync(Buffer.from(BODY)));
    await setup((_, res) => sendJson(res, wire, 200, { 'content-encoding': 'gzip, br' }));
    expect((await transport!.getJson('/thing', [])).body).toEqual(JSON.parse(BODY));
  });

  it('refuses a compression bomb by its decoded size, without buffering it or retrying', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MiB of spaces, about 50 KiB on the wire
    expect(bomb.length).toBeLessThan(200_000);
    await setup((_, res) => sendJson(res, bomb, 200, { 'content-encoding': 'gzip' }), { maxResponseBytes: 1024 * 1024 });
    const before = process.memoryUsage().arrayBuffers;
    const error = await transport!.getJson('/thing', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toMatch(/maxResponseBytes \(1048576\)/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20 * 1024 * 1024);
    expect(server!.requests).toHaveLength(1);
  });

  it('a compressed error body is decoded for the excerpt too', async () => {
    await setup((_, res) => sendJson(res, zlib.gzipSync(Buffer.from('{"detail":"upstream down"}')), 503, { 'content-encoding': 'gzip' }), { maxRetries: 0 });
    const error = (await transport!.getJson('/thing', []).catch((e: unknown) => e)) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.bodyExcerpt).toBe('{"detail":"upstream down"}');
  });

  it('a body that is not valid for its coding, or in a coding not asked for, is a ResponseValidationError after 1 request', async () => {
    await setup((_, res, { n }) =>
      n === 1 ? sendJson(res, Buffer.from('not gzip at all'), 200, { 'content-encoding': 'gzip' }) : sendJson(res, Buffer.from('{}'), 200, { 'content-encoding': 'compress' }),
    );
    const first = await transport!.getJson('/thing', []).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ResponseValidationError);
    expect((first as Error).message).toMatch(/cannot be decoded/);
    const second = await transport!.getJson('/thing', []).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ResponseValidationError);
    expect((second as Error).message).toMatch(/"compress"/);
    expect(server!.requests).toHaveLength(2);
  });
});

describe('a 200 that is not JSON, and a body cut short', () => {
  it.each([
    ['an HTML block page', 'text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>Access denied</title></head><body>Request blocked by policy. Reference #18.2f</body></html>', /Access denied/],
    ['JSON behind a byte-order mark', 'application/json', '\uFEFF{"results":[]}', /results/],
    ['JSON followed by garbage', 'application/json', '{"results":[]}\n<!-- cache: HIT -->', /cache: HIT/],
    ['an empty body', 'application/json', '', /^/],
  ])('%s: ResponseValidationError after exactly 1 request, naming the content type, with a short excerpt', async (_, type, body, excerpt) => {
    await setup((__, res) => {
      res.writeHead(200, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    });
    const error = (await transport!.getJson('/thing', []).catch((e: unknown) => e)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.contentType).toBe(type);
    expect(error.message).toContain(`content type ${type}`);
    expect(error.bodyExcerpt ?? '').toMatch(excerpt);
    expect((error.bodyExcerpt ?? '').length).toBeLessThanOrEqual(301);
    expect(server!.requests).toHaveLength(1);
  });

  it('a long block page is excerpted, not copied whole', async () => {
    const page = `<html>${'<p>blocked</p>'.repeat(2000)}</html>`;
    await setup((_, res) => sendJson(res, page, 200, { 'content-type': 'text/html' }));
    const error = (await transport!.getJson('/thing', []).catch((e: unknown) => e)) as ResponseValidationError;
    expect(error.bodyExcerpt!.length).toBeLessThanOrEqual(301);
    expect(error.message.length).toBeLessThan(600);
  });

  it('a body shorter than its content-length, the socket then closed, is a ConnectionError, retried', async () => {
    await setup((req, res, { n }) => {
      if (n > 2) return sendJson(res, BODY);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(BODY.length) });
      res.write(BODY.slice(0, 100), () => req.socket.destroy());
    });
    expect((await transport!.getJson('/thing', [])).body).toEqual(JSON.parse(BODY));
    expect(server!.requests).toHaveLength(3);
    expect(warnings.map((w) => w.details?.error)).toEqual(['ConnectionError', 'ConnectionError']);
  });

  it('a chunked body the socket cuts mid-way is a ConnectionError too, with the attempts in the message at the end', async () => {
    await setup((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(BODY.slice(0, 100), () => req.socket.destroy());
    }, { maxRetries: 2 });
    const error = (await transport!.getJson('/thing', []).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/after 3 attempts over \d+\.\d s/);
    expect(server!.requests).toHaveLength(3);
  });
});

describe('Retry-After that is not a delay or an HTTP date', () => {
  it.each(['-5', 'abc', '10, 20', '1.5e3', ''])('"%s" is ignored: the ordinary backoff applies', async (value) => {
    await setup((_, res, { n }) => (n === 1 ? sendJson(res, '{}', 429, value ? { 'retry-after': value } : {}) : sendJson(res, '{"ok":true}')), {
      retryDelay: { baseMs: 400, maxMs: 400 },
    });
    expect((await transport!.getJson('/thing', [])).body).toEqual({ ok: true });
    // Equal jitter on a 400 ms step waits 200..400 ms; a value read as a past date would have waited 0.
    const delay = warnings[0]!.details!.delayMs as number;
    expect(delay).toBeGreaterThanOrEqual(200);
    expect(delay).toBeLessThanOrEqual(400);
  });

  it('delay-seconds and an IMF date are honoured', async () => {
    const date = new Date(Date.now() + 3_000).toUTCString();
    await setup((_, res, { n }) => (n === 1 ? sendJson(res, '{}', 429, { 'retry-after': '0' }) : n === 2 ? sendJson(res, '{}', 503, { 'retry-after': date }) : sendJson(res, '{}')), {
      retryDelay: { baseMs: 400, maxMs: 400, maxRetryAfterMs: 1000 },
    });
    const error = await transport!.getJson('/thing', []).catch((e: unknown) => e);
    expect(warnings[0]!.details!.delayMs).toBe(0);
    // The date is about 3 s away, past maxRetryAfterMs: the error surfaces instead of a wait.
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retryAfterMs).toBeGreaterThan(1000);
  });
});

describe('error messages people can act on', () => {
  it('name the host, the path and the decoded, shortened query, and how many attempts over how long', async () => {
    const s = await setup((_, res) => sendJson(res, '{"detail":"busy"}', 503), { maxRetries: 2 });
    const error = (await transport!.getJson('/waap/v1/thing', [['path', `/a b/${'x'.repeat(500)}`], ['ip', '1.2.3.4']]).catch((e: unknown) => e)) as ServerError;
    const host = new URL(s.url).host;
    expect(error.message).toContain(`${host}/waap/v1/thing?path=/a b/xxx`);
    expect(error.message).toContain('…&ip=1.2.3.4');
    expect(error.message).not.toContain('x'.repeat(100));
    expect(error.message).toMatch(/after 3 attempts over \d+\.\d s/);
    expect(error.path).toMatch(/^\/waap\/v1\/thing\?path=%2Fa\+b/); // the field keeps the exact request target
  });
});

describe('a query longer than a gateway accepts', () => {
  it('is refused before sending once the URL passes 8 KiB, naming the longest field', async () => {
    await setup((_, res) => sendJson(res, '{}'));
    const error = (await transport!.getJson('/thing', [['start', '2026-11-20T00:00:00Z'], ['path', 'p'.repeat(9000)]]).catch((e: unknown) => e)) as FilterValidationError;
    expect(error).toBeInstanceOf(FilterValidationError);
    expect(error.issues[0]!.path).toBe('path');
    expect(error.message).toMatch(/over the 8192/);
    const ok = await transport!.getJson('/thing', [['path', 'p'.repeat(8000)]]);
    expect(ok.status).toBe(200);
    expect(server!.requests).toHaveLength(1);
  });

  it('a 1 MB Gcore path filter never reaches the wire', async () => {
    await setup((_, res) => sendJson(res, '{}'));
    const waap = createGcoreClient({ apiKey: 'k', baseUrl: server!.url, maxRetries: 0 });
    const error = await waap.requests({ start: '2026-11-20T00:00:00Z', path: 'a'.repeat(1_000_000) }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FilterValidationError);
    expect((error as FilterValidationError).issues.map((i) => i.path)).toEqual(['path']);
    expect(server!.requests).toHaveLength(0);
    await waap.close();
  });
});

describe('through each client', () => {
  const clients = {
    gcore: (baseUrl: string) => {
      const c = createGcoreClient({ apiKey: 'gc_9f8e7d6c5b4a', baseUrl });
      return { read: () => c.requests({ start: '2026-11-20T00:00:00Z', end: '2026-11-20T01:00:00Z' }).toArray(), close: () => c.close() };
    },
    transactcdn: (baseUrl: string) => {
      const c = createTransactCdnClient({ token: 'tok_1a2b3c4d5e6f', accountNumber: '0001', baseUrl });
      return { read: () => c.wafEvent('ev-1'), close: () => c.close() };
    },
    botbye: (baseUrl: string) => {
      const c = createBotByeClient({ apiKey: 'bb_0a9b8c7d6e5f', accountId: 'acc_1', baseUrl });
      return { read: () => c.requests({ projectId: 'p1' }).toArray(), close: () => c.close() };
    },
  };

  it.each(Object.keys(clients) as Array<keyof typeof clients>)('%s: an HTML block page is a ResponseValidationError after exactly 1 request', async (name) => {
    const s = await setup((_, res) => sendJson(res, '<html><title>Blocked</title></html>', 200, { 'content-type': 'text/html' }));
    const client = clients[name](s.url);
    const error = (await client.read().catch((e: unknown) => e)) as ResponseValidationError;
    await client.close();
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.contentType).toBe('text/html');
    expect(s.requests).toHaveLength(1);
  });

  it('gcore: a gzip-compressing gateway delivers every record', async () => {
    const s = await setup((req, res, { url }) => {
      expect(req.headers['accept-encoding']).toMatch(/gzip/);
      sendJson(res, zlib.gzipSync(Buffer.from(gcorePage(url, 250))), 200, { 'content-encoding': 'gzip' });
    });
    const waap = createGcoreClient({ apiKey: 'k', baseUrl: s.url });
    const events = await waap.requests({ start: new Date(GCORE_END_MS - 10_000), end: new Date(GCORE_END_MS) }).toArray();
    await waap.close();
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 250 }, (_, i) => `g-${i}`));
  });
});
