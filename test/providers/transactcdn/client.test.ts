import { inspect } from 'node:util';
import { delay, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, NotFoundError, ServerError } from '../../../src/core/errors.js';
import { createTransactCdnClient, type TransactCdnClientOptions } from '../../../src/providers/transactcdn/client.js';
import { normalizeWafEvent } from '../../../src/providers/transactcdn/normalize.js';
import { wafEventSchema } from '../../../src/providers/transactcdn/response.js';
import { FAULT_HEADER } from '../../support/faults.js';
import { makeRateLimitingEvents, makeWafEvents, transactCdnFake, type FakeEvent, type TransactCdnFakeOptions } from '../../support/transactcdn-fake.js';
import { startTarget, TARGET_KINDS, type FakeTarget, type TargetKind } from '../../support/transports.js';

const TOKEN = 'tok-9f8e7d6c-5ecret-token';
const ACCOUNT = '0001';
const HOUR = 3_600_000;
/** A whole second two hours ago: inside the 30 days, and complete. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 2 * HOUR;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of cleanup.splice(0)) await close();
});

async function setup(kind: TargetKind, fakeOptions: Partial<TransactCdnFakeOptions>, clientOptions: Partial<TransactCdnClientOptions> = {}) {
  const fake = transactCdnFake({ token: TOKEN, accountNumber: ACCOUNT, ...fakeOptions });
  const target: FakeTarget = await startTarget(kind, fake.handlers);
  const cdn = createTransactCdnClient({
    token: TOKEN,
    accountNumber: ACCOUNT,
    baseUrl: target.baseUrl,
    dispatcher: target.dispatcher,
    retryDelay: { baseMs: 1, maxMs: 5 },
    ...clientOptions,
  });
  cleanup.push(() => cdn.close(), () => target.close());
  return { fake, target, cdn };
}

const params = (request: Request) => new URL(request.url).searchParams;
const apiTime = (ms: number) => new Date(ms).toISOString().slice(0, 19);
/** The fake's events inside [startMs, endMs), newest first (the fake's order). Test fractions are exact in binary. */
const within = (events: readonly FakeEvent[], startMs: number, endMs: number) =>
  events.filter((e) => e['Epoch Time'] * 1000 >= startMs && e['Epoch Time'] * 1000 < endMs);
const randomLatency = async () => {
  await delay(Math.floor(Math.random() * 12));
  return undefined;
};

describe.each(TARGET_KINDS)('TransactCDN client over %s', (kind) => {
  it('drains a multi-page WAF window once, newest first, fetching pages concurrently', async () => {
    const { fake, target, cdn } = await setup(kind, { waf: makeWafEvents(2500, { startMs: T0, stepMs: 137.25 }), intercept: randomLatency }, { concurrency: 4 });
    const end = T0 + 400_000;
    const events = await cdn.wafEvents({ start: new Date(T0), end: new Date(end), pageSize: 300 }).toArray();

    expect(events.map((e) => e.id)).toEqual(fake.waf.map((e) => e['Event ID']));
    const requests = target.requests();
    // Read as disjoint time shards of one page each (page numbers shift invisibly when the data moves; issue 8):
    // the first request asks the whole window, the others whole-second windows inside it, at most a few more
    // than the 9 pages the window needs.
    expect(Object.fromEntries(params(requests[0]!))).toMatchObject({ start_time: apiTime(T0), end_time: apiTime(end), page: '1', page_size: '300' });
    expect(requests.length).toBeLessThanOrEqual(9 + 2);
    for (const request of requests) {
      expect(request.headers.get('authorization')).toBe(`TOK:${TOKEN}`);
      expect(new URL(request.url).pathname).toBe('/v2/mcc/customers/0001/waf/eventlogs');
      expect(Object.fromEntries(params(request))).toMatchObject({ page: '1', page_size: '300' });
      expect(params(request).get('start_time')! >= apiTime(T0) && params(request).get('end_time')! <= apiTime(end)).toBe(true);
    }
    if (kind === 'loopback') expect(target.maxInFlight()).toBeGreaterThan(1);
  });

  it('trusts a short single page without a confirming request once this client saw the server serve a full page', async () => {
    const { fake, target, cdn } = await setup(kind, { waf: makeWafEvents(900, { startMs: T0, stepMs: 500 }) });
    const short = { start: new Date(T0 + 400_000), end: new Date(T0 + 420_000), pageSize: 300 };
    const expected = within(fake.waf, T0 + 400_000, T0 + 420_000).map((e) => e['Event ID']);
    // Alone, a short page could be a capped one: one more request below it confirms the window is complete.
    const before = target.requests().length;
    expect((await cdn.wafEvents(short).toArray()).map((e) => e.id)).toEqual(expected);
    expect(target.requests().length - before).toBe(2);
    // A read with full pages of 300 shows the server honours the size; the same short read then costs one request.
    await cdn.wafEvents({ start: new Date(T0), end: new Date(T0 + 450_000), pageSize: 300 }).toArray();
    const after = target.requests().length;
    expect((await cdn.wafEvents(short).toArray()).map((e) => e.id)).toEqual(expected);
    expect(target.requests().length - after).toBe(1);
  });

  it('drains the rate-limiting log with per_page and filters sent as the doc JSON', async () => {
    const { fake, target, cdn } = await setup(kind, { rateLimiting: makeRateLimitingEvents(1234, { startMs: T0, stepMs: 250 }) });
    const filters = { 'Rate Limiting Enforcement Type': ['DROP_REQUEST', 'ALERT'], Host: 'www.example.com' };
    const end = T0 + HOUR;
    const events = await cdn.rateLimitingEvents({ start: new Date(T0).toISOString(), end: new Date(end).toISOString(), filters, perPage: 50 }).toArray();

    const expected = fake.rateLimiting.filter((e) => filters['Rate Limiting Enforcement Type'].includes(String(e['Rate Limiting Enforcement Type'])) && e.Host === 'www.example.com');
    expect(expected.length).toBeGreaterThan(50 * 4);
    expect(events.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect(events.every((e) => e.source === 'transactcdn.rate_limiting' && (e.disposition === 'dropped' || e.disposition === 'logged'))).toBe(true);
    const first = target.requests()[0]!;
    expect(new URL(first.url).pathname).toBe('/v2/mcc/customers/0001/defend/rate_limiting/eventlogs');
    expect(JSON.parse(params(first).get('filters')!)).toEqual(filters);
    expect(params(first).get('per_page')).toBe('50');
    expect(target.requests()).toHaveLength(Math.ceil(expected.length / 50));
  });

  it('sends the issue example filters and page_size 1000 by default', async () => {
    const { fake, target, cdn } = await setup(kind, { waf: makeWafEvents(3000, { startMs: T0, stepMs: 100 }) });
    const filters = { Host: ['www.example.com'], 'Profile Name': 'My Profile' };
    const events = await cdn.wafEvents({ start: new Date(T0), end: new Date(T0 + HOUR), filters }).toArray();
    const expected = fake.waf.filter((e) => e.Host === 'www.example.com' && e['Profile Name'] === 'My Profile');
    expect(expected.length).toBeGreaterThan(400);
    expect(expected.length).toBeLessThan(1000);
    expect(events.map((e) => e.id)).toEqual(expected.map((e) => e['Event ID']));
    expect(params(target.requests()[0]!).get('filters')).toBe('{"Host":["www.example.com"],"Profile Name":"My Profile"}');
    expect(params(target.requests()[0]!).get('page_size')).toBe('1000');
  });

  it('resumes mid-page from a JSON checkpoint with the pinned window, repeating and skipping nothing', async () => {
    const { fake, target, cdn } = await setup(kind, { waf: makeWafEvents(1000, { startMs: T0, stepMs: 1000 }) }, { concurrency: 3 });
    const query = { start: new Date(T0), pageSize: 150 };
    const all = fake.waf.map((e) => e['Event ID']);
    const stream = cdn.wafEvents(query);
    const first: string[] = [];
    for await (const event of stream) {
      first.push(event.id);
      if (first.length === 400) break; // page 3, index 99
    }
    const checkpoint = JSON.parse(JSON.stringify(stream.checkpoint())) as unknown;
    const endTime = params(target.requests()[0]!).get('end_time');
    const before = target.requests().length;

    // Later, with the clock moved on: the window stays the one pinned by the first run.
    const later = Date.now() + 90_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    const rest = (await cdn.wafEvents(query, { resume: checkpoint as never }).toArray()).map((e) => e.id);

    expect([...first, ...rest]).toEqual(all);
    // The resumed read goes on from the last delivered record's second, inside the window the first run pinned.
    const resumed = target.requests().slice(before);
    expect(resumed.length).toBeGreaterThan(0);
    for (const request of resumed) expect(params(request).get('end_time')! <= endTime!).toBe(true);
  });

  it('retries 500s, resets and truncated bodies per page, and still delivers every event once', async () => {
    // Requests are told apart by their window and page, numbered in the order they first arrive.
    const seen = new Map<string, number>();
    const intercept = (request: Request) => {
      const p = params(request);
      const key = `${p.get('start_time')}|${p.get('end_time')}|${p.get('page')}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      const which = [...seen.keys()].indexOf(key) + 1;
      if (which === 2 && n <= 2) return HttpResponse.json({ Message: 'Internal Server Error' }, { status: 500 });
      if (which === 3 && n === 1) return new HttpResponse(null, { headers: { [FAULT_HEADER]: 'reset' } });
      if (which === 4 && n === 1) return HttpResponse.json({ page: 1, page_of: 5, events: [] }, { headers: { [FAULT_HEADER]: 'truncate' } });
      return undefined;
    };
    const { fake, cdn } = await setup(kind, { waf: makeWafEvents(500, { startMs: T0, stepMs: 1000 }), intercept });
    const events = await cdn.wafEvents({ start: new Date(T0), end: new Date(T0 + HOUR), pageSize: 100 }).toArray();
    expect(events.map((e) => e.id)).toEqual(fake.waf.map((e) => e['Event ID']));
    expect([...seen.values()].slice(0, 5)).toEqual([1, 3, 2, 2, 1]);
    expect([...seen.values()].slice(5).every((n) => n === 1)).toBe(true);
  });

  it('ends with ServerError after the retries, and resumes from the checkpoint once the API recovers', async () => {
    let broken = true;
    // The third distinct request (window and page) fails while `broken`.
    const keys: string[] = [];
    const intercept = (request: Request) => {
      const p = params(request);
      const key = `${p.get('start_time')}|${p.get('end_time')}|${p.get('page')}`;
      if (!keys.includes(key)) keys.push(key);
      return broken && keys.indexOf(key) === 2 ? HttpResponse.json({ Message: 'down' }, { status: 503 }) : undefined;
    };
    const { fake, target, cdn } = await setup(kind, { waf: makeWafEvents(500, { startMs: T0, stepMs: 1000 }), intercept }, { maxRetries: 2, concurrency: 1 });
    const query = { start: new Date(T0), end: new Date(T0 + HOUR), pageSize: 100 };
    const stream = cdn.wafEvents(query);
    const got: string[] = [];
    await expect(async () => {
      for await (const event of stream) got.push(event.id);
    }).rejects.toBeInstanceOf(ServerError);
    expect(got.length).toBeGreaterThanOrEqual(100);
    expect(got).toEqual(fake.waf.slice(0, got.length).map((e) => e['Event ID']));
    const third = (r: Request) => `${params(r).get('start_time')}|${params(r).get('end_time')}|${params(r).get('page')}` === keys[2];
    expect(target.requests().filter(third)).toHaveLength(3);
    broken = false;
    const rest = await cdn.wafEvents(query, { resume: stream.checkpoint() }).toArray();
    expect([...got, ...rest.map((e) => e.id)]).toEqual(fake.waf.map((e) => e['Event ID']));
  });

  it('fetches one entry by Event ID, and maps a missing one to NotFoundError', async () => {
    const { fake, target, cdn } = await setup(kind, { waf: makeWafEvents(20, { startMs: T0, stepMs: 1000 }) });
    const entry = fake.waf[7]!;
    const event = await cdn.wafEvent(String(entry['Event ID']));
    expect(event).toStrictEqual(normalizeWafEvent(wafEventSchema.parse(entry)));
    expect(new URL(target.requests()[0]!.url).pathname).toBe(`/v2/mcc/customers/0001/waf/eventlogs/${String(entry['Event ID'])}`);
    await expect(cdn.wafEvent('54973727612018659117005509529321564774')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a wrong token with AuthenticationError, once, and never shows the token', async () => {
    const wrong = 'tok-wrong-0000-5ecret';
    // A server that echoes the credential back must not leak it either.
    const intercept = (request: Request) =>
      request.headers.get('authorization') === `TOK:${TOKEN}` ? undefined : HttpResponse.json({ Message: `bad ${request.headers.get('authorization')}` }, { status: 401 });
    const { target, cdn } = await setup(kind, { waf: makeWafEvents(5, { startMs: T0, stepMs: 1000 }), intercept }, { token: wrong });
    const error = await cdn.wafEvents({ start: new Date(T0) }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(target.requests()).toHaveLength(1);
    for (const text of [(error as Error).message, String(error), JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(wrong);
      expect(text).toContain('401');
    }
    for (const text of [JSON.stringify(cdn), inspect(cdn, { depth: 10, showHidden: true }), String(Object.values(cdn))]) {
      expect(text).not.toContain(wrong);
    }
  });
});

describe('TransactCDN windows at second resolution', () => {
  const S = T0 + 10_000;
  const E = T0 + 20_000;
  /** 250 events in each of the seconds around both edges (more than two pages of 100), and one exactly on each edge. */
  const crowd = (second: number, tag: string): FakeEvent[] =>
    Array.from({ length: 250 }, (_, i) => ({ ...makeWafEvents(1, { startMs: second + i * 3.5, stepMs: 0 })[0]!, 'Event ID': `${tag}-${i}`, id: `${tag}-${i}` }));
  const dataset = [
    ...crowd(S - 1000, 'before-start'),
    ...crowd(S, 'start-second'),
    ...crowd(E - 1000, 'last-second'),
    ...crowd(E, 'end-second'),
    ...makeWafEvents(30, { startMs: S + 1500, stepMs: 250 }),
  ];

  describe.each(TARGET_KINDS)('over %s', (kind) => {
    it.each([false, true])('is exact for whole-second bounds when the server end second inclusive=%s', async (endInclusive) => {
      const { fake, target, cdn } = await setup(kind, { waf: dataset, endInclusive, intercept: randomLatency });
      const events = await cdn.wafEvents({ start: new Date(S), end: new Date(E), pageSize: 100 }).toArray();
      expect(events.map((e) => e.id)).toEqual(within(fake.waf, S, E).map((e) => e['Event ID']));
      expect(events.some((e) => e.id === 'start-second-0')).toBe(true);
      expect(events.some((e) => e.id.startsWith('end-second') || e.id.startsWith('before-start'))).toBe(false);
      expect(Object.fromEntries(params(target.requests()[0]!))).toMatchObject({ start_time: apiTime(S), end_time: apiTime(E) });
    });

    it.each([false, true])('is exact for sub-second bounds when the server end second inclusive=%s', async (endInclusive) => {
      const { fake, target, cdn } = await setup(kind, { waf: dataset, endInclusive });
      const start = S + 500;
      const end = E + 250;
      const events = await cdn.wafEvents({ start: new Date(start), end: new Date(end), pageSize: 100 }).toArray();
      const expected = within(fake.waf, start, end);
      expect(expected.some((e) => String(e['Event ID']).startsWith('end-second'))).toBe(true);
      expect(events.map((e) => e.id)).toEqual(expected.map((e) => e['Event ID']));
      expect(events.every((e) => e.time.getTime() >= start && e.time.getTime() < end)).toBe(true);
      // The enclosing whole seconds are queried; the surplus is dropped client-side.
      expect(Object.fromEntries(params(target.requests()[0]!))).toMatchObject({ start_time: apiTime(S), end_time: apiTime(E + 1000) });
    });

    it('resumes exactly from a checkpoint taken on a page the window trimmed', async () => {
      const { fake, cdn } = await setup(kind, { waf: dataset, endInclusive: true }, { concurrency: 2 });
      const query = { start: new Date(S + 500), end: new Date(E + 250), pageSize: 100 };
      const expected = within(fake.waf, S + 500, E + 250).map((e) => e['Event ID']);
      const stream = cdn.wafEvents(query);
      const first: string[] = [];
      for await (const event of stream) if (first.push(event.id) === 120) break;
      const rest = await cdn.wafEvents(query, { resume: stream.checkpoint() }).toArray();
      expect([...first, ...rest.map((e) => e.id)]).toEqual(expected);
    });
  });
});

describe('TransactCDN open windows', () => {
  it('pins an omitted end when iteration starts (not when the stream is made) to the last complete second', async () => {
    const created = Date.now();
    const now = created + 7_250; // mid-second, later than creation
    const recent = makeWafEvents(12, { startMs: Math.floor(now / 1000) * 1000 - 3_000, stepMs: 250 });
    const { fake, target, cdn } = await setup('msw', { waf: recent, endInclusive: true });
    const stream = cdn.wafEvents({});
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    const events = await stream.toArray();
    const pinnedEnd = Math.floor(now / 1000) * 1000 - 1000;
    const sent = Object.fromEntries(params(target.requests()[0]!));
    expect(sent).toMatchObject({ start_time: apiTime(pinnedEnd - 86_400_000), end_time: apiTime(pinnedEnd) });
    expect(events.map((e) => e.id)).toEqual(within(fake.waf, pinnedEnd - 86_400_000, pinnedEnd).map((e) => e['Event ID']));
    expect(events).toHaveLength(8); // 12 events 250 ms apart over the last 3 s; the last 4 are after the pinned end
    expect(stream.checkpoint().position).toMatchObject({ start: pinnedEnd - 86_400_000, end: pinnedEnd });
    clock.mockRestore();
  });

  it('pins the end for a start alone, and clamps an end not yet reached', async () => {
    const { target, cdn } = await setup('msw', { rateLimiting: makeRateLimitingEvents(3, { startMs: T0, stepMs: 1000 }) });
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now);
    const pinnedEnd = Math.floor(now / 1000) * 1000 - 1000;
    expect(await cdn.rateLimitingEvents({ start: new Date(T0) }).toArray()).toHaveLength(3);
    const first = target.requests().length;
    expect(await cdn.rateLimitingEvents({ start: new Date(T0), end: new Date(now + HOUR) }).toArray()).toHaveLength(3);
    // Each read asks its pinned window first; a short single page is then confirmed below its last record (issue 8).
    for (const request of [target.requests()[0]!, target.requests()[first]!]) expect(params(request).get('end_time')).toBe(apiTime(pinnedEnd));
    for (const request of target.requests()) expect(params(request).get('end_time')! <= apiTime(pinnedEnd)).toBe(true);
  });

  it('stops reading when the consumer aborts', async () => {
    const { target, cdn } = await setup('msw', { waf: makeWafEvents(300, { startMs: T0, stepMs: 1000 }) });
    const controller = new AbortController();
    const got: string[] = [];
    let sentBeforeAbort = 0;
    const run = async () => {
      for await (const event of cdn.wafEvents({ start: new Date(T0), pageSize: 10 }, { signal: controller.signal })) {
        got.push(event.id);
        if (got.length === 15) {
          sentBeforeAbort = target.requests().length;
          controller.abort();
        }
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    // Pages already fetched may still be handed over (the core does not re-check the signal between them),
    // but no request goes out after the abort.
    expect(got.length).toBeLessThan(300);
    expect(target.requests()).toHaveLength(sentBeforeAbort);
  });
});
