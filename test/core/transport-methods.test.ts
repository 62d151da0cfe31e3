import { inspect } from 'node:util';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientOptionsError } from '../../src/core/errors.js';
import { resolveClientOptions } from '../../src/core/options.js';
import { createTransport, type SignedRequest, type TransportConfig } from '../../src/core/transport.js';
import { MswDispatcher } from '../support/msw-dispatcher.js';

const SECRET = 'sk_live_s3cret-signing-key';
const signature = ({ method, url, body }: SignedRequest) => createHmac('sha256', SECRET).update(`${method}\n${new URL(url).pathname}${new URL(url).search}\n${body ?? ''}`).digest('hex');

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  signature: string | undefined;
  body: string;
}

/** A real 127.0.0.1 server that records each request with its body, and answers `answers` in turn (then 200). */
async function startServer(answers: number[] = []): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    seen.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], signature: req.headers['x-signature'] as string | undefined, body });
    const status = answers[seen.length - 1] ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? { echo: body ? JSON.parse(body) : null } : { error: 'busy' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function transportTo(baseUrl: string, extra: Partial<TransportConfig> = {}) {
  return createTransport({
    ...resolveClientOptions({ baseUrl, retryDelay: { baseMs: 1, maxMs: 5 }, maxRetries: 2 }, 'https://unused.example', 'test options'),
    provider: 'acme',
    authHeaders: () => ({ authorization: `Bearer ${SECRET}` }),
    secrets: () => [SECRET],
    ...extra,
  });
}

let close: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(close.map((fn) => fn()));
  close = [];
});

describe('transport: any method, with a body', () => {
  it('POSTs a JSON body over a real socket and returns the parsed answer', async () => {
    const server = await startServer();
    const transport = transportTo(server.url);
    close.push(server.close, () => transport.close());
    const query = { where: { ip: '10.0.0.1' }, first: 50 };
    const response = await transport.send({ method: 'post', path: '/search', query: [['v', '2']], body: query });
    expect(response.body).toEqual({ echo: query });
    expect(server.seen).toEqual([{ method: 'POST', url: '/search?v=2', contentType: 'application/json', signature: undefined, body: JSON.stringify(query) }]);
  });

  it('a GET still carries no body and no content type', async () => {
    const server = await startServer();
    const transport = transportTo(server.url);
    close.push(server.close, () => transport.close());
    await transport.getJson('/list', [['page', '1']]);
    expect(server.seen).toEqual([{ method: 'GET', url: '/list?page=1', contentType: undefined, signature: undefined, body: '' }]);
  });

  it('retries a POST with the same body and a signature made for each attempt', async () => {
    const server = await startServer([503, 503]);
    let signed = 0;
    const transport = transportTo(server.url, {
      sign: (request) => {
        signed++;
        return { 'x-signature': signature(request) };
      },
    });
    close.push(server.close, () => transport.close());
    const response = await transport.send({ method: 'POST', path: '/search', body: { first: 10 } });
    expect(response.body).toEqual({ echo: { first: 10 } });
    expect(signed).toBe(3);
    expect(server.seen.map((seen) => seen.body)).toEqual(Array(3).fill('{"first":10}'));
    for (const seen of server.seen) {
      expect(seen.signature).toBe(signature({ method: 'POST', url: `${server.url}${seen.url}`, body: seen.body }));
    }
  });

  it('a signing hook that throws is a ClientOptionsError at once, redacted, with no request sent and no retry', async () => {
    const server = await startServer();
    let calls = 0;
    const transport = transportTo(server.url, {
      sign: () => {
        calls++;
        throw new TypeError(`invalid key ${SECRET}`);
      },
    });
    close.push(server.close, () => transport.close());
    const error = await transport.send({ method: 'POST', path: '/search', body: { first: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientOptionsError);
    expect(calls).toBe(1);
    expect(server.seen).toEqual([]);
    expect(JSON.stringify(error) + String(error) + inspect(error)).not.toContain(SECRET);
  });

  it('names the method in errors', async () => {
    const server = await startServer([400]);
    const transport = transportTo(server.url);
    close.push(server.close, () => transport.close());
    await expect(transport.send({ method: 'POST', path: '/search', body: {} })).rejects.toMatchObject({ status: 400, method: 'POST' });
  });

  it('sends the body through an undici Dispatcher too (msw handlers, in-process)', async () => {
    const bodies: unknown[] = [];
    const dispatcher = new MswDispatcher([
      http.post('*/search', async ({ request }) => {
        bodies.push({ contentType: request.headers.get('content-type'), body: await request.json() });
        return HttpResponse.json({ ok: true });
      }),
    ]);
    const transport = createTransport({
      ...resolveClientOptions({ baseUrl: 'https://fake.test', dispatcher, maxRetries: 0 }, 'https://unused.example', 'test options'),
      provider: 'acme',
      authHeaders: () => ({}),
      secrets: () => [],
    });
    expect((await transport.send({ method: 'POST', path: '/search', body: { first: 3, after: 'c1' } })).body).toEqual({ ok: true });
    expect(bodies).toEqual([{ contentType: 'application/json', body: { first: 3, after: 'c1' } }]);
  });
});
