import { inspect } from 'node:util';
import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, FilterValidationError } from '../../../src/core/errors.js';
import { createBotByeClient, type BotByeClientOptions } from '../../../src/providers/botbye/client.js';
import type { WhereBuilder } from '../../../src/providers/botbye/where.js';
import { TARGET_KINDS } from '../../support/transports.js';
import { ACCOUNT, harness, KEY, KEY_B64, type Harness } from './setup.js';

const base = { apiKey: KEY, accountId: ACCOUNT, baseUrl: 'https://botbye.test' };

/** Every printable form of a value: none may hold the key, raw or base64. */
function expectNoKey(value: unknown) {
  const forms = [
    String(value),
    JSON.stringify(value) ?? '',
    inspect(value, { showHidden: true, depth: 10, getters: true }),
    value instanceof Error ? `${value.message}\n${value.stack ?? ''}\n${inspect(value.cause, { depth: 10 })}` : '',
  ];
  for (const form of forms) {
    expect(form).not.toContain(KEY);
    expect(form).not.toContain(KEY_B64);
  }
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('createBotByeClient options', () => {
  it.each([
    'https://api.botbye.example',
    'https://api.botbye.example/prefix/',
    'http://127.0.0.1:8080',
    'http://127.9.3.1',
    'http://localhost:3000',
    'http://[::1]:4000',
  ])('accepts baseUrl %s', (baseUrl) => {
    expect(() => createBotByeClient({ ...base, baseUrl })).not.toThrow();
  });

  it.each([
    ['no baseUrl', { baseUrl: undefined }, 'baseUrl'],
    ['plain http off loopback', { baseUrl: 'http://api.botbye.example' }, 'baseUrl'],
    ['a host that only starts like loopback', { baseUrl: 'http://127.0.0.1.evil.example' }, 'baseUrl'],
    ['another scheme', { baseUrl: 'ftp://127.0.0.1' }, 'baseUrl'],
    ['an empty key', { apiKey: '' }, 'apiKey'],
    ['a key with a space', { apiKey: `${KEY} x` }, 'apiKey'],
    ['a key with a newline', { apiKey: `${KEY}\n` }, 'apiKey'],
    ['no account', { accountId: '' }, 'accountId'],
    ['an unknown auth mode', { auth: 'basic' }, 'auth'],
    ['a bad shared option', { timeoutMs: -1 }, 'timeoutMs'],
  ])('refuses %s, naming the field and not the key', (_name, over, path) => {
    const error = thrown(() => createBotByeClient({ ...base, ...over } as BotByeClientOptions));
    expect(error).toBeInstanceOf(FilterValidationError);
    expect((error as FilterValidationError).issues.map((i) => i.path)).toContain(path);
    expectNoKey(error);
  });

  it.each(['bearer', 'x-api-key'] as const)('keeps the key off the client and its streams (%s)', (auth) => {
    const client = createBotByeClient({ ...base, auth });
    expectNoKey(client);
    expectNoKey(client.requests({ projectId: 'p' }));
    expectNoKey(client.follow({ projectId: 'p' }));
    expect(Object.keys(client).sort()).toEqual(['close', 'follow', 'requests']);
  });
});

describe('requests() validation, before any request', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it.each([
    ['limit over 100', { limit: 101 }, 'limit'],
    ['limit 0', { limit: 0 }, 'limit'],
    ['no projectId', { projectId: '' }, 'projectId'],
    ['an unknown key', { projectID: 'x' }, 'projectID'],
    ['a bad order', { orderBy: { fieldPath: 'createdAt', direction: 'up' } }, 'orderBy.direction'],
    ['an unknown order field', { orderBy: { fieldPath: 'time', direction: 'ASC' } }, 'orderBy.fieldPath'],
    ['an alpha-2 country from the builder', { where: (w: WhereBuilder) => w.or(w.eq('isBanByRule', true), w.eq('country', 'DE')) }, 'where.operands[1].value'],
    ['a bad plain tree', { where: { predicate: 'and', opearands: [{ predicate: 'gte', fieldPath: 'createdAt', value: 'soon' }] } }, 'where.opearands[0].value'],
  ])('refuses %s', async (_name, over, path) => {
    h = await harness('msw');
    const error = thrown(() => h!.client.requests({ projectId: 'proj-1', ...over } as never));
    expect(error).toBeInstanceOf(FilterValidationError);
    expect((error as FilterValidationError).issues.map((i) => i.path)).toContain(path);
    expect(h.fake.requests).toHaveLength(0);
  });

  it('refuses a checkpoint made for another query', async () => {
    h = await harness('msw');
    const stream = h.client.requests({ projectId: 'proj-1', limit: 10 });
    await stream.toArray({ max: 3 });
    const error = thrown(() => h!.client.requests({ projectId: 'proj-1', limit: 20 }, { resume: stream.checkpoint() }));
    expect(error).toBeInstanceOf(FilterValidationError);
  });
});

describe.each(TARGET_KINDS)('requests() on the wire over %s', (kind) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('sends the documented path and one JSON parameter each for cursor, where, order_by, plus limit', async () => {
    h = await harness(kind, { intercept: () => HttpResponse.json({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } }) }, { accountId: 'acc.1~x' });
    const since = new Date('2026-11-19T12:00:00Z');
    await h.client
      .requests({ projectId: 'p_1-2', where: (w) => w.and(w.gte('createdAt', since), w.eq('isBanByRule', true)), orderBy: { fieldPath: 'createdAt', direction: 'DESC' }, limit: 30 })
      .toArray();
    const url = new URL(h.fake.requests[0]!.url);
    // Ids are limited to unreserved characters (issue 9: a slash or `..` is refused), so they go as they are.
    expect(url.pathname).toBe('/api/v1/acc.1~x/projects/p_1-2/requests');
    expect([...url.searchParams.keys()]).toEqual(['cursor', 'where', 'order_by', 'limit']);
    expect(JSON.parse(url.searchParams.get('cursor')!)).toEqual({ first: 30 });
    const leaves = [
      { predicate: 'gte', fieldPath: 'createdAt', value: '2026-11-19T12:00:00.000Z' },
      { predicate: 'eq', fieldPath: 'isBanByRule', value: true },
    ];
    expect(JSON.parse(url.searchParams.get('where')!)).toEqual({ predicate: 'and', opearands: leaves, operands: leaves });
    expect(JSON.parse(url.searchParams.get('order_by')!)).toEqual({ fieldPath: 'createdAt', direction: 'DESC' });
    expect(url.searchParams.get('limit')).toBe('30');
  });

  it('defaults to 100 per page and sends no where or order_by when none is given', async () => {
    h = await harness(kind);
    await h.client.requests({ projectId: 'proj-1' }).toArray();
    expect(h.params()[0]).toEqual({ cursor: '{"first":100}', limit: '100' });
  });

  it.each(['bearer', 'x-api-key'] as const)('authenticates with %s', async (auth) => {
    h = await harness(kind, { auth }, { auth });
    const events = await h.client.requests({ projectId: 'proj-1', limit: 100 }).toArray({ max: 5 });
    expect(events).toHaveLength(5);
    const headers = h.fake.requests[0]!.headers;
    if (auth === 'bearer') {
      expect(headers.get('authorization')).toBe(`Bearer ${KEY}`);
      expect(headers.has('x-api-key')).toBe(false);
    } else {
      expect(headers.get('x-api-key')).toBe(KEY_B64);
      expect(headers.has('authorization')).toBe(false);
    }
  });

  it.each(['bearer', 'x-api-key'] as const)('a wrong key (%s) ends in AuthenticationError without the key anywhere', async (auth) => {
    // The fake echoes the credential it received in its 401 body.
    h = await harness(kind, { auth, apiKey: 'the-right-key' }, { auth });
    const stream = h.client.requests({ projectId: 'proj-1' });
    const error = await stream.toArray().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as AuthenticationError).bodyExcerpt).toContain('[redacted]');
    expect(h.fake.requests).toHaveLength(1);
    expectNoKey(error);
    expectNoKey(stream.checkpoint());
  });
});
