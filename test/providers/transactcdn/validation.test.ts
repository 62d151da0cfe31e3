import { describe, expect, it } from 'vitest';
import { FilterValidationError } from '../../../src/core/errors.js';
import { createTransactCdnClient, type TransactCdnClientOptions } from '../../../src/providers/transactcdn/client.js';
import { MswDispatcher } from '../../support/msw-dispatcher.js';
import { makeWafEvents, transactCdnFake } from '../../support/transactcdn-fake.js';

const TOKEN = 'tok-validation-5ecret';
const DAY = 86_400_000;

function setup() {
  const fake = transactCdnFake({ token: TOKEN, accountNumber: '0001', waf: makeWafEvents(10, { startMs: Date.now() - 3_600_000, stepMs: 1000 }) });
  const dispatcher = new MswDispatcher(fake.handlers);
  const cdn = createTransactCdnClient({ token: TOKEN, accountNumber: '0001', baseUrl: 'https://fake.test', dispatcher });
  return { fake, dispatcher, cdn };
}

/**
 * Runs `act` (sync, or async like `wafEvent`), expecting a FilterValidationError whose issues name `path` and whose
 * message mentions `mention` (default: the path).
 */
async function expectRefused(act: () => unknown, path: string, mention?: string): Promise<FilterValidationError> {
  let caught: unknown;
  try {
    await act();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FilterValidationError);
  const error = caught as FilterValidationError;
  expect(error.issues.map((i) => i.path)).toContain(path);
  expect(error.message).toContain(mention ?? path);
  return error;
}

describe('TransactCDN client options', () => {
  const base: TransactCdnClientOptions = { token: TOKEN, accountNumber: '0001' };
  it.each<[string, Record<string, unknown>, string]>([
    ['a missing token', { token: undefined }, 'token'],
    ['an empty token', { token: '' }, 'token'],
    ['a token with the TOK: prefix', { token: `TOK:${TOKEN}` }, 'token'],
    ['a token with a space (header injection)', { token: `${TOKEN}\r\nx: y` }, 'token'],
    ['a missing account number', { accountNumber: undefined }, 'accountNumber'],
    ['an account number with a slash', { accountNumber: '0001/../0002' }, 'accountNumber'],
    ['a bad base URL', { baseUrl: 'ftp://api.transactcdn.com' }, 'baseUrl'],
    ['a concurrency of 0', { concurrency: 0 }, 'concurrency'],
  ])('refuses %s, naming the field and never showing the token', async (_name, patch, path) => {
    const error = await expectRefused(() => createTransactCdnClient({ ...base, ...patch } as TransactCdnClientOptions), path);
    expect(error.message).not.toContain(TOKEN);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });

  it('refuses a misspelt option by name', async () => {
    await expectRefused(() => createTransactCdnClient({ ...base, acountNumber: '1' } as TransactCdnClientOptions), 'acountNumber');
  });
});

describe('TransactCDN query validation', () => {
  const start = new Date(Date.now() - 3_600_000);
  const cases: Array<[string, (cdn: ReturnType<typeof setup>['cdn']) => unknown, string, string?]> = [
    ['a start older than 30 days', (cdn) => cdn.wafEvents({ start: new Date(Date.now() - 30 * DAY - 60_000) }), 'start'],
    ['an end before start', (cdn) => cdn.wafEvents({ start, end: new Date(start.getTime() - 1) }), 'end'],
    ['an end without a start', (cdn) => cdn.wafEvents({ end: new Date() }), 'end'],
    ['an unreadable start', (cdn) => cdn.wafEvents({ start: '20/11/2026' }), 'start'],
    ['an ISO start without a zone', (cdn) => cdn.wafEvents({ start: '2026-11-20T00:00:00' }), 'start'],
    ['pageSize 0', (cdn) => cdn.wafEvents({ start, pageSize: 0 }), 'pageSize'],
    ['pageSize 1001', (cdn) => cdn.wafEvents({ start, pageSize: 1001 }), 'pageSize'],
    ['pageSize 2.5', (cdn) => cdn.wafEvents({ start, pageSize: 2.5 }), 'pageSize'],
    ['perPage 1001', (cdn) => cdn.rateLimitingEvents({ start, perPage: 1001 }), 'perPage'],
    ['perPage on the WAF log', (cdn) => cdn.wafEvents({ start, perPage: 10 } as never), 'perPage'],
    ['an unknown WAF filter field', (cdn) => cdn.wafEvents({ start, filters: { Hots: 'www.example.com' } as never }), 'filters.Hots'],
    ['a WAF-only field on the rate-limiting log', (cdn) => cdn.rateLimitingEvents({ start, filters: { 'Profile Name': 'My Profile' } as never }), 'filters.Profile Name'],
    ['an empty filter array', (cdn) => cdn.wafEvents({ start, filters: { Host: [] as unknown as [string] } }), 'filters.Host'],
    ['an empty filter string', (cdn) => cdn.wafEvents({ start, filters: { 'Client IP': '' } }), 'filters.Client IP'],
    ['a number as a filter value', (cdn) => cdn.rateLimitingEvents({ start, filters: { 'Client IP': 1 as never } }), 'filters.Client IP'],
    ['a nested array as a filter value', (cdn) => cdn.wafEvents({ start, filters: { Host: [['a']] as never } }), 'filters.Host'],
    ['a control character in a filter value', (cdn) => cdn.wafEvents({ start, filters: { Host: 'a\u0000b' } }), 'filters.Host'],
    ['filters that are not an object', (cdn) => cdn.wafEvents({ start, filters: '{"Host":"a","b"}' as never }), 'filters'],
    ['an empty Event ID', (cdn) => cdn.wafEvent(''), ''],
    ['an Event ID with a slash', (cdn) => cdn.wafEvent('../fields'), '', 'Event ID'],
    ['a checkpoint of the other log', (cdn) => cdn.wafEvents({ start }, { resume: { v: 1, source: 'transactcdn.rate_limiting', query: 'x', position: {}, digest: '' } }), 'resume'],
    ['a checkpoint of another query', (cdn) => cdn.wafEvents({ start }, { resume: { v: 1, source: 'transactcdn.waf', query: 'x', position: {}, digest: '' } }), 'resume'],
  ];

  it.each(cases)('refuses %s before any request', async (_name, act, path, mention) => {
    const { cdn, dispatcher } = setup();
    await expectRefused(() => act(cdn), path, mention);
    expect(dispatcher.requests).toHaveLength(0);
  });

  it('accepts the edge values and sends them as given', async () => {
    const { cdn, dispatcher } = setup();
    expect(await cdn.wafEvents({ start: new Date(Date.now() - 30 * DAY + 60_000), pageSize: 1 }).toArray({ max: 2 })).toHaveLength(2);
    const sent = dispatcher.requests.length;
    expect(sent).toBeGreaterThan(1);
    for (const request of dispatcher.requests) expect(new URL(request.url).searchParams.get('page_size')).toBe('1');
    // An empty window (end = start) needs no request at all.
    expect(await cdn.rateLimitingEvents({ start, end: start, perPage: 1000 }).toArray()).toEqual([]);
    expect(dispatcher.requests).toHaveLength(sent);
  });
});
