/** Issue 9: option errors, friendly credential messages, https-only base URLs, safe path segments, instants. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientOptionsError, FilterValidationError, isClientOptionsError, isFilterValidationError } from '../../src/core/errors.js';
import { instantSchema } from '../../src/core/time.js';
import { createBotByeClient } from '../../src/providers/botbye/client.js';
import { createGcoreClient } from '../../src/providers/gcore/client.js';
import { createTransactCdnClient } from '../../src/providers/transactcdn/client.js';
import { botByePage, sendJson, serveRaw, type RawServer } from '../support/gateways.js';

function thrown(act: () => unknown): FilterValidationError {
  try {
    act();
  } catch (error) {
    return error as FilterValidationError;
  }
  throw new Error('did not throw');
}

const CLIENTS = {
  gcore: (extra: object) => createGcoreClient({ apiKey: 'k', ...extra } as never),
  transactcdn: (extra: object) => createTransactCdnClient({ token: 't', accountNumber: '0001', ...extra } as never),
  botbye: (extra: object) => createBotByeClient({ apiKey: 'k', accountId: 'acc_1', baseUrl: 'https://api.botbye.example', ...extra } as never),
};

describe('client options', () => {
  it.each(Object.entries(CLIENTS))('%s: a wrong option is a ClientOptionsError (a FilterValidationError subclass) naming it', (_, make) => {
    const error = thrown(() => make({ concurrency: 0 }));
    expect(error).toBeInstanceOf(ClientOptionsError);
    expect(error).toBeInstanceOf(FilterValidationError);
    expect(error.name).toBe('ClientOptionsError');
    expect(isClientOptionsError(error) && isFilterValidationError(error)).toBe(true);
    expect(error.issues.map((i) => i.path)).toEqual(['concurrency']);
  });

  it.each([
    ['gcore', () => createGcoreClient({} as never), 'apiKey: is required (a Gcore API key)'],
    ['transactcdn', () => createTransactCdnClient({ accountNumber: '0001' } as never), 'token: is required (a TransactCDN REST API token)'],
    ['botbye', () => createBotByeClient({ accountId: 'a', baseUrl: 'https://b.example' } as never), 'apiKey: is required (a BotBye API key)'],
    ['botbye', () => createBotByeClient({ apiKey: 'k', baseUrl: 'https://b.example' } as never), 'accountId: is required (a BotBye account id)'],
    ['botbye', () => createBotByeClient({ apiKey: 'k', accountId: 'a' } as never), 'baseUrl: is required'],
  ])('%s: a missing credential says what it is: %s', (_, act, text) => {
    const error = thrown(act);
    expect(error).toBeInstanceOf(ClientOptionsError);
    expect(error.message).toContain(text);
    expect(error.message).not.toMatch(/expected string, received undefined/);
  });

  it.each(Object.entries(CLIENTS))('%s: refuses plain http to a non-loopback host, and allows it on loopback', (_, make) => {
    for (const baseUrl of ['http://api.example.com', 'http://10.0.0.1:8080', 'http://127.0.0.1.example.com']) {
      const error = thrown(() => make({ baseUrl }));
      expect(error).toBeInstanceOf(ClientOptionsError);
      expect(error.issues[0]).toMatchObject({ path: 'baseUrl', message: expect.stringMatching(/must be https/) });
    }
    for (const baseUrl of ['http://127.0.0.1:9', 'http://localhost:3000', 'http://[::1]:4000', 'https://api.example.com']) expect(() => make({ baseUrl })).not.toThrow();
  });
});

describe('path parameters', () => {
  let server: RawServer;
  beforeAll(async () => {
    server = await serveRaw((_, res) => sendJson(res, botByePage(0)));
  });
  afterAll(() => server.close());

  it.each(['..', '.', 'a/b', 'a\\b', 'a%2Fb', 'a b', 'a\nb', 'a\u0000b', 'ü', '?x', '#x'])(
    'BotBye accountId and projectId %j are refused before any request',
    async (bad) => {
      const before = server.requests.length;
      const error = thrown(() => createBotByeClient({ apiKey: 'k', accountId: bad, baseUrl: server.url }));
      expect(error).toBeInstanceOf(ClientOptionsError);
      expect(error.issues.map((i) => i.path)).toEqual(['accountId']);
      const bots = createBotByeClient({ apiKey: 'k', accountId: 'acc_1', baseUrl: server.url });
      const refused = thrown(() => bots.requests({ projectId: bad }));
      expect(refused).toBeInstanceOf(FilterValidationError);
      expect(refused.issues.map((i) => i.path)).toEqual(['projectId']);
      await bots.close();
      expect(server.requests.length).toBe(before);
    },
  );

  it('safe ids reach the documented path', async () => {
    const bots = createBotByeClient({ apiKey: 'k', accountId: 'acc_1', baseUrl: server.url });
    await bots.requests({ projectId: '185071d5-d4fe-4bea-93df-19d0bd8c2d0d' }).toArray();
    expect(server.requests.at(-1)!.url.pathname).toBe('/api/v1/acc_1/projects/185071d5-d4fe-4bea-93df-19d0bd8c2d0d/requests');
    await bots.close();
  });

  it.each(['..', 'a/b', '0001/../x', ' 0001', '00\n01'])('TransactCDN accountNumber %j is refused', (bad) => {
    const error = thrown(() => createTransactCdnClient({ token: 't', accountNumber: bad }));
    expect(error).toBeInstanceOf(ClientOptionsError);
    expect(error.issues.map((i) => i.path)).toEqual(['accountNumber']);
  });

  it.each(['..', '.', 'a/b', '../../customers/0002', 'a%2F', 'a\u0001'])('a TransactCDN WAF event id %j is refused before any request', async (bad) => {
    const before = server.requests.length;
    const cdn = createTransactCdnClient({ token: 't', accountNumber: '0001', baseUrl: server.url });
    await expect(cdn.wafEvent(bad)).rejects.toBeInstanceOf(FilterValidationError);
    expect(server.requests.length).toBe(before);
    await cdn.close();
  });
});

describe('instants and required filters', () => {
  it('refuses an epoch number in seconds, saying what an instant is', () => {
    const result = instantSchema.safeParse(1763700000);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/epoch milliseconds, ISO 8601 strings or Dates/);
    expect(instantSchema.parse(1763700000000)).toEqual(new Date(1763700000000));
    const error = thrown(() => createGcoreClient({ apiKey: 'k' }).requests({ start: 1763700000 }));
    expect(error.issues).toEqual([{ path: 'start', message: expect.stringMatching(/looks like epoch seconds/) }]);
    const cdn = thrown(() => createTransactCdnClient({ token: 't', accountNumber: '0001' }).wafEvents({ start: 1763700000 }));
    expect(cdn.issues.map((i) => i.path)).toEqual(['start']);
  });

  it('a missing required filter says "is required"', () => {
    const error = thrown(() => createGcoreClient({ apiKey: 'k' }).requests({} as never));
    expect(error.issues).toContainEqual({ path: 'start', message: 'is required' });
    const bots = thrown(() => createBotByeClient({ apiKey: 'k', accountId: 'a', baseUrl: 'https://b.example' }).requests({} as never));
    expect(bots.issues).toContainEqual({ path: 'projectId', message: 'is required (a BotBye project id)' });
  });
});
