import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { rateLimitingEventSchema, wafEventSchema, wafPageSchema } from '../../../src/providers/transactcdn/response.js';
import { makeRateLimitingEvents, makeWafEvents, transactCdnFake, type TransactCdnFakeOptions } from '../../support/transactcdn-fake.js';

const TOKEN = 'fake-test-token';
const NOW = Date.parse('2026-11-20T12:00:00Z');
const T0 = NOW - 3_600_000;
const api = (ms: number) => new Date(ms).toISOString().slice(0, 19);

function setup(extra: Partial<TransactCdnFakeOptions> = {}) {
  return transactCdnFake({
    token: TOKEN,
    accountNumber: '0001',
    now: () => NOW,
    waf: makeWafEvents(250, { startMs: T0, stepMs: 1000 }),
    rateLimiting: makeRateLimitingEvents(30, { startMs: T0, stepMs: 1000 }),
    ...extra,
  });
}

async function get(fake: ReturnType<typeof setup>, path: string, query: [string, string][] = [], auth = `TOK:${TOKEN}`) {
  const url = `http://fake.test/v2/mcc/customers/${path}${query.length ? `?${new URLSearchParams(query)}` : ''}`;
  const response = await getResponse(fake.handlers, new Request(url, { headers: { authorization: auth } }));
  if (!response) throw new Error('no handler answered');
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const window: [string, string][] = [['start_time', api(T0)], ['end_time', api(NOW)]];

describe('TransactCDN fake', () => {
  it('generates events that match the response schemas, with distinct ids', () => {
    const fake = setup();
    for (const event of fake.waf) wafEventSchema.parse(event);
    for (const event of fake.rateLimiting) rateLimitingEventSchema.parse(event);
    expect(new Set(fake.waf.map((e) => e['Event ID'])).size).toBe(250);
  });

  it('answers 401 to a wrong or bare token, and 404 to another account', async () => {
    const fake = setup();
    expect((await get(fake, '0001/waf/eventlogs', window, 'TOK:nope')).status).toBe(401);
    expect((await get(fake, '0001/waf/eventlogs', window, TOKEN)).status).toBe(401);
    expect((await get(fake, '0002/waf/eventlogs', window)).status).toBe(404);
  });

  it('pages newest first with page and page_of, 100 per page by default', async () => {
    const fake = setup();
    const first = wafPageSchema.parse((await get(fake, '0001/waf/eventlogs', window)).body);
    expect(first).toMatchObject({ page: 1, page_of: 3, time_from: T0 / 1000, time_to: NOW / 1000 });
    expect(first.events).toHaveLength(100);
    expect(first.events[0]!['Epoch Time']!).toBeGreaterThan(first.events[99]!['Epoch Time']!);
    const last = wafPageSchema.parse((await get(fake, '0001/waf/eventlogs', [...window, ['page', '3'], ['page_size', '100']])).body);
    expect(last.events).toHaveLength(50);
    expect((await get(fake, '0001/defend/rate_limiting/eventlogs', [...window, ['per_page', '7']])).body).toMatchObject({ page_of: 5 });
  });

  it.each<[string, string, [string, string][]]>([
    ['page_size 1001', '0001/waf/eventlogs', [...window, ['page_size', '1001']]],
    ['page_size 0', '0001/waf/eventlogs', [...window, ['page_size', '0']]],
    ['per_page 1001', '0001/defend/rate_limiting/eventlogs', [...window, ['per_page', '1001']]],
    ['a start_time older than 30 days', '0001/waf/eventlogs', [['start_time', api(NOW - 31 * 86_400_000)], ['end_time', api(NOW)]]],
    ['a start_time alone', '0001/waf/eventlogs', [['start_time', api(T0)]]],
    ['an end_time before start_time', '0001/waf/eventlogs', [['start_time', api(NOW)], ['end_time', api(T0)]]],
    ['a time with milliseconds', '0001/waf/eventlogs', [['start_time', `${api(T0)}.500`], ['end_time', api(NOW)]]],
  ])('answers 400 to %s', async (_name, path, query) => {
    expect((await get(setup(), path, query)).status).toBe(400);
  });

  it.each(['{"Host":"www.example.com","secure.example.com"}', '{"Host":[]}', '["Host"]', '{"Host":{"a":1}}'])(
    'answers 500 to the invalid filter syntax %s',
    async (filters) => {
      expect((await get(setup(), '0001/waf/eventlogs', [...window, ['filters', filters]])).status).toBe(500);
    },
  );

  it('applies filters, and the end second only when endInclusive is set', async () => {
    const events = makeWafEvents(10, { startMs: T0, stepMs: 500 }); // two per second
    const query: [string, string][] = [['start_time', api(T0)], ['end_time', api(T0 + 2000)]];
    const exclusive = await get(setup({ waf: events }), '0001/waf/eventlogs', query);
    const inclusive = await get(setup({ waf: events, endInclusive: true }), '0001/waf/eventlogs', query);
    expect((exclusive.body.events as unknown[]).length).toBe(4);
    expect((inclusive.body.events as unknown[]).length).toBe(6);
    const filtered = await get(setup({ waf: events }), '0001/waf/eventlogs', [...query, ['filters', '{"Host":["secure.example.com"]}']]);
    expect((filtered.body.events as Array<{ Host: string }>).map((e) => e.Host)).toEqual(['secure.example.com', 'secure.example.com']);
  });

  it('serves one entry by Event ID and 404 for an unknown one', async () => {
    const fake = setup();
    const id = String(fake.waf[3]!['Event ID']);
    expect((await get(fake, `0001/waf/eventlogs/${id}`)).body).toEqual(fake.waf[3]);
    expect((await get(fake, '0001/waf/eventlogs/123')).status).toBe(404);
  });
});
