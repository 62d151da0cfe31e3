import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { gcoreRecordSchema, gcoreRequestsPageSchema } from '../../../src/providers/gcore/response.js';
import { gcoreFake, makeGcoreRecords, type GcoreFakeOptions } from '../../support/gcore-fake.js';

const KEY = 'k3y-for-tests';
const T0 = Date.parse('2026-11-20T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function setup(records = makeGcoreRecords(1000, { startMs: T0, stepMs: 1000 }), extra: Partial<GcoreFakeOptions> = {}) {
  return gcoreFake({ baseUrl: 'http://gcore.test', apiKey: KEY, records, ...extra });
}

async function get(fake: ReturnType<typeof setup>, query: [string, string][], auth = `APIKey ${KEY}`) {
  const url = `http://gcore.test/waap/v1/analytics/requests?${new URLSearchParams(query)}`;
  const response = await getResponse(fake.handlers, new Request(url, { headers: { authorization: auth } }));
  if (!response) throw new Error('no handler answered');
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

describe('gcore fake', () => {
  it('generates valid, distinct records, sharing instants when asked', () => {
    const records = makeGcoreRecords(2000, { startMs: T0, stepMs: 5, sameMsEvery: 500 });
    for (const record of records) gcoreRecordSchema.parse(record);
    expect(new Set(records.map((r) => r.id)).size).toBe(2000);
    expect(new Set(records.map((r) => r.request_time))).toEqual(new Set([T0, T0 + 5, T0 + 10, T0 + 15]));
  });

  it('answers 401 problem+json to a wrong key and accepts the scheme in any case', async () => {
    const fake = setup();
    const wrong = await get(fake, [['start', iso(T0)]], 'APIKey nope');
    expect(wrong.status).toBe(401);
    expect(wrong.type).toBe('application/problem+json');
    expect((await get(fake, [['start', iso(T0)]], `Bearer ${KEY}`)).status).toBe(401);
    expect((await get(fake, [['start', iso(T0)]], `apikey ${KEY}`)).status).toBe(200);
  });

  it.each([
    ['limit 101', [['start', iso(T0)], ['limit', '101']]],
    ['offset 100001', [['start', iso(T0)], ['offset', '100001']]],
    ['limit -1', [['start', iso(T0)], ['limit', '-1']]],
    ['no start', [['limit', '10']]],
    ['a bracketed key', [['start', iso(T0)], ['decision[]', 'blocked']]],
    ['an unsupported ordering', [['start', iso(T0)], ['ordering', 'user_agent']]],
  ] as [string, [string, string][]][])('answers 422 problem+json to %s', async (_name, query) => {
    const answer = await get(setup(), query);
    expect(answer.status).toBe(422);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: 422, title: expect.any(String), detail: expect.any(String), type: expect.any(String) });
  });

  it('accepts the edge values limit 100 and offset 100000', async () => {
    const answer = await get(setup(), [['start', iso(T0)], ['limit', '100'], ['offset', '100000']]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ limit: 100, offset: 100000, count: 1000, results: [] });
  });

  it('reports the total as count, newest first by default, and slices by offset', async () => {
    const fake = setup();
    const first = gcoreRequestsPageSchema.parse((await get(fake, [['start', iso(T0)], ['end', iso(T0 + 999_000)], ['limit', '10']])).body);
    expect(first.count).toBe(1000);
    expect(first.results.map((r) => r.request_time)).toEqual(fake.records.slice(-10).reverse().map((r) => r.request_time));
    const later = gcoreRequestsPageSchema.parse(
      (await get(fake, [['start', iso(T0)], ['end', iso(T0 + 999_000)], ['limit', '3'], ['offset', '995'], ['ordering', 'request_time']])).body,
    );
    expect(later.count).toBe(1000);
    expect(later.results.map((r) => r.id)).toEqual(fake.records.slice(995, 998).map((r) => r.id));
  });

  it('filters by window with inclusive edges by default and exclusive ones when asked', async () => {
    const query: [string, string][] = [['start', iso(T0 + 10_000)], ['end', iso(T0 + 20_000)], ['ordering', 'request_time']];
    const inclusive = gcoreRequestsPageSchema.parse((await get(setup(), query)).body);
    expect(inclusive.count).toBe(11);
    expect(inclusive.results[0]!.request_time).toBe(T0 + 10_000);
    expect(inclusive.results.at(-1)!.request_time).toBe(T0 + 20_000);
    const exclusive = gcoreRequestsPageSchema.parse(
      (await get(setup(undefined, { startInclusive: false, endInclusive: false }), query)).body,
    );
    expect(exclusive.count).toBe(9);
    expect(exclusive.results.map((r) => r.request_time)).toEqual(inclusive.results.slice(1, -1).map((r) => r.request_time));
  });

  it('counts every record of a shared millisecond at a window edge', async () => {
    const fake = setup(makeGcoreRecords(3000, { startMs: T0, stepMs: 1, sameMsEvery: 1000 }));
    const answer = gcoreRequestsPageSchema.parse((await get(fake, [['start', iso(T0 + 1)], ['end', iso(T0 + 1)]])).body);
    expect(answer.count).toBe(1000);
    expect(answer.results.every((r) => r.request_time === T0 + 1)).toBe(true);
  });

  it('applies repeated-key list filters and counts only the matches', async () => {
    const fake = setup();
    const query: [string, string][] = [['start', iso(T0)], ['decision', 'blocked'], ['decision', 'passed'], ['countries', 'de'], ['limit', '100']];
    const answer = gcoreRequestsPageSchema.parse((await get(fake, query)).body);
    const expected = fake.records.filter((r) => (r.decision === 'blocked' || r.decision === 'passed') && r.country === 'DE');
    expect(expected.length).toBeGreaterThan(0);
    expect(answer.count).toBe(expected.length);
    expect(answer.results.map((r) => r.id)).toEqual(expected.reverse().slice(0, 100).map((r) => r.id));

    const byIp = gcoreRequestsPageSchema.parse((await get(fake, [['start', iso(T0)], ['ips', fake.records[7]!.client_ip], ['status_codes', String(fake.records[7]!.status_code)]])).body);
    expect(byIp.results.map((r) => r.id)).toEqual([fake.records[7]!.id]);
    const byMethod = gcoreRequestsPageSchema.parse((await get(fake, [['start', iso(T0)], ['http_methods', 'HEAD']])).body);
    expect(byMethod.count).toBe(fake.records.filter((r) => r.method === 'HEAD').length);
  });

  it('lets a test inject a response by request number, and records every request', async () => {
    const fake = setup(undefined, {
      intercept: (_request, n) => (n === 2 ? new Response('busy', { status: 429, headers: { 'retry-after': '0' } }) : undefined),
    });
    const q: [string, string][] = [['start', iso(T0)]];
    expect((await get(fake, q)).status).toBe(200);
    const second = await getResponse(fake.handlers, new Request(`http://x/waap/v1/analytics/requests?start=${iso(T0)}`));
    expect(second?.status).toBe(429);
    expect((await get(fake, q)).status).toBe(200);
    expect(fake.requests).toHaveLength(3);
  });

  it('stays fast on 150 000 records', async () => {
    const fake = setup(makeGcoreRecords(150_000, { startMs: T0, stepMs: 10 }));
    const began = performance.now();
    for (let offset = 0; offset < 20_000; offset += 100) {
      const answer = await get(fake, [['start', iso(T0 + 100_000)], ['end', iso(T0 + 1_400_000)], ['offset', String(offset)]]);
      expect(answer.body.count).toBe(130_001);
    }
    expect(performance.now() - began).toBeLessThan(5000);
  });
});
