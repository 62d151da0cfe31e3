import { inspect } from 'node:util';
import { delay, http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  WafstreamError,
} from '../../src/core/errors.js';
import { resolveClientOptions, type ClientOptions } from '../../src/core/options.js';
import { createTransport, type Transport } from '../../src/core/transport.js';
import { VERSION } from '../../src/core/version.js';
import { FAULT_HEADER } from '../support/faults.js';
import { startTarget, TARGET_KINDS, type FakeTarget } from '../support/transports.js';

const SECRET = 'sk_live_s3cret-token-value';

describe.each(TARGET_KINDS)('transport over %s', (kind) => {
  let target: FakeTarget;
  let transport: Transport;
  const warnings: string[] = [];

  async function setup(handler: (request: Request, n: number) => Response | Promise<Response>, options: ClientOptions = {}) {
    let n = 0;
    target = await startTarget(kind, [http.get('*/thing', ({ request }) => handler(request, ++n))]);
    transport = createTransport({
      ...resolveClientOptions(
        { baseUrl: target.baseUrl, dispatcher: target.dispatcher, retryDelay: { baseMs: 1, maxMs: 5 }, maxRetries: 3, ...options },
        'https://unused.example',
        'test options',
      ),
      logger: { warn: (message) => warnings.push(message) },
      provider: 'gcore',
      authHeaders: () => ({ authorization: `APIKey ${SECRET}` }),
      secrets: () => [SECRET],
    });
  }

  afterEach(async () => {
    warnings.length = 0;
    await transport?.close();
    await target?.close();
  });

  it('sends auth, accept and user-agent, encodes repeated query keys, and parses JSON', async () => {
    await setup(() => HttpResponse.json({ ok: true }, { headers: { 'x-request-id': 'abc' } }));
    const res = await transport.getJson('/thing', [['ips', '1.1.1.1'], ['ips', '2.2.2.2'], ['path', '/a b']]);
    expect(res).toEqual({ status: 200, body: { ok: true }, requestId: 'abc' });
    const request = target.requests()[0]!;
    expect(request.headers.get('authorization')).toBe(`APIKey ${SECRET}`);
    expect(request.headers.get('user-agent')).toMatch(new RegExp(`^wafstream/${VERSION.replace(/\./g, '\\.')} `));
    expect(new URL(request.url).searchParams.getAll('ips')).toEqual(['1.1.1.1', '2.2.2.2']);
    expect(new URL(request.url).searchParams.get('path')).toBe('/a b');
  });

  it('retries 503 and recovers', async () => {
    await setup((_, n) => (n < 3 ? HttpResponse.text('busy', { status: 503 }) : HttpResponse.json({ n })));
    expect((await transport.getJson('/thing', [])).body).toEqual({ n: 3 });
    expect(target.requests()).toHaveLength(3);
    expect(warnings).toHaveLength(2);
  });

  it('waits out a 429 Retry-After before retrying', async () => {
    await setup((_, n) => (n === 1 ? HttpResponse.text('slow down', { status: 429, headers: { 'retry-after': '1' } }) : HttpResponse.json({ n })));
    const t0 = performance.now();
    expect((await transport.getJson('/thing', [])).body).toEqual({ n: 2 });
    // The configured backoff is 1-5 ms, so only Retry-After explains a wait of a second.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('waits out a Retry-After on 503 too', async () => {
    await setup((_, n) => (n === 1 ? HttpResponse.text('maintenance', { status: 503, headers: { 'retry-after': '1' } }) : HttpResponse.json({ n })));
    const t0 = performance.now();
    expect((await transport.getJson('/thing', [])).body).toEqual({ n: 2 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('an abort whose reason is not an Error still surfaces as an AbortError', async () => {
    await setup(async () => {
      await delay(2000);
      return HttpResponse.json({});
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort('user stopped'), 30);
    const error = (await transport.getJson('/thing', [], { signal: controller.signal }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    expect(error.message).toBe('user stopped');
  });

  it('recovers from a socket reset and from a truncated body', async () => {
    await setup((_, n) =>
      n === 1
        ? new HttpResponse(null, { headers: { [FAULT_HEADER]: 'reset' } })
        : n === 2
          ? HttpResponse.json({ big: 'x'.repeat(2000) }, { headers: { [FAULT_HEADER]: 'truncate' } })
          : HttpResponse.json({ n }),
    );
    expect((await transport.getJson('/thing', [])).body).toEqual({ n: 3 });
    expect(target.requests()).toHaveLength(3);
  });

  it('surfaces 401 as AuthenticationError at once, without retrying', async () => {
    await setup(() => HttpResponse.json({ detail: 'bad key' }, { status: 401, headers: { 'x-request-id': 'req-9' } }));
    const error = await transport.getJson('/thing', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, provider: 'gcore', requestId: 'req-9', name: 'AuthenticationError' });
    expect((error as ApiError).bodyExcerpt).toContain('bad key');
    expect(target.requests()).toHaveLength(1);
  });

  it('does not retry other 4xx', async () => {
    await setup(() => HttpResponse.json({ detail: 'bad param' }, { status: 422 }));
    const error = await transport.getJson('/thing', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect(target.requests()).toHaveLength(1);
  });

  it('gives up after maxRetries with a ServerError carrying status, request id and a short excerpt', async () => {
    await setup(() => HttpResponse.text('x'.repeat(5000), { status: 500, headers: { 'x-request-id': 'r1' } }));
    const error = (await transport.getJson('/thing', []).catch((e: unknown) => e)) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.requestId).toBe('r1');
    expect(error.bodyExcerpt.length).toBeLessThanOrEqual(301);
    expect(target.requests()).toHaveLength(4);
  });

  it('ends a slow attempt with TimeoutError after its retries', async () => {
    await setup(async () => {
      await delay(300);
      return HttpResponse.json({});
    }, { timeoutMs: 50, maxRetries: 1 });
    const error = await transport.getJson('/thing', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(target.requests()).toHaveLength(2);
  });

  it('a caller abort ends the request with AbortError and no retry', async () => {
    await setup(async () => {
      await delay(2000);
      return HttpResponse.json({});
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await transport.getJson('/thing', [], { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(target.requests()).toHaveLength(1);
  });

  it('refuses a body over maxResponseBytes, without retrying', async () => {
    await setup(() => HttpResponse.json({ big: 'x'.repeat(10_000) }), { maxResponseBytes: 2048 });
    const error = await transport.getJson('/thing', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WafstreamError);
    expect((error as Error).message).toMatch(/maxResponseBytes/);
    expect(target.requests()).toHaveLength(1);
  });

  it('never lets the secret out, even when the provider echoes it back', async () => {
    await setup((request) =>
      HttpResponse.json({ detail: `rejected ${request.headers.get('authorization')}` }, { status: 429, headers: { 'retry-after': '0' } }),
    );
    const error = (await transport.getJson('/thing', []).catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(0);
    for (const form of [error.message, error.stack, String(error), JSON.stringify(error), inspect(error, { depth: 10 }), ...warnings]) {
      expect(form).not.toContain(SECRET);
    }
    expect(error.bodyExcerpt).toContain('[redacted]');
    expect(inspect(transport)).not.toContain(SECRET);
  });

  it('maps a refused connection to ConnectionError', async () => {
    await setup(() => HttpResponse.json({}));
    if (kind === 'msw') return; // nothing to refuse in-process
    const closed = target.baseUrl;
    await target.close();
    const lonely = createTransport({
      ...resolveClientOptions({ baseUrl: closed, maxRetries: 1, retryDelay: { baseMs: 1, maxMs: 1 } }, 'https://x', 'test'),
      provider: 'botbye',
      authHeaders: () => ({}),
      secrets: () => [],
    });
    const error = await lonely.getJson('/thing', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('ECONNREFUSED');
    await lonely.close();
  });
});
