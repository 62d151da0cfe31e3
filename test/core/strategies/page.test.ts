import { describe, expect, it } from 'vitest';
import { createEventStream } from '../../../src/core/pager.js';
import { pagePages, pageStart, type PagePosition, type PageRequest, type PageServerKnowledge } from '../../../src/core/strategies/page.js';

function memoryPages(total: number, size: number, jitterMs = 0) {
  const calls: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (req: PageRequest) => {
    calls.push(req.page);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Later pages answer faster, so completions arrive out of order.
    if (jitterMs) await new Promise((r) => setTimeout(r, Math.max(0, jitterMs - req.page)));
    inFlight--;
    const first = (req.page - 1) * size;
    const items = Array.from({ length: Math.max(0, Math.min(size, total - first)) }, (_, i) => first + i);
    return { items, pageCount: Math.ceil(total / size), raw: { page: req.page } };
  };
  return { fetch, calls, maxInFlight: () => maxInFlight };
}

const stream = (api: ReturnType<typeof memoryPages>, concurrency: number, resume?: PagePosition) =>
  createEventStream({
    source: 'transactcdn.waf',
    query: 'q',
    start: () => pageStart(0, 1),
    resume,
    open: pagePages({ concurrency, fetch: api.fetch }),
    normalize: (n: number) => n,
    signals: [],
  });

describe('page strategy', () => {
  it('delivers every record in order with up to `concurrency` pages in flight, whatever order they complete in', async () => {
    const api = memoryPages(1234, 50, 12);
    expect(await stream(api, 4).toArray()).toEqual(Array.from({ length: 1234 }, (_, i) => i));
    expect(api.maxInFlight()).toBe(4);
    expect([...api.calls].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('stops fetching when the consumer breaks, and resumes mid-page', async () => {
    const api = memoryPages(500, 10);
    const first = stream(api, 3);
    const head: number[] = [];
    for await (const n of first) {
      head.push(n);
      if (n === 123) break;
    }
    expect(api.calls.length).toBeLessThanOrEqual(13 + 3);
    const position = first.checkpoint().position as PagePosition;
    expect(position).toMatchObject({ page: 13, skip: 4 });
    const tail = await stream(memoryPages(500, 10), 3, position).toArray();
    expect([...head, ...tail]).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('handles an empty window', async () => {
    expect(await stream(memoryPages(0, 10), 4).toArray()).toEqual([]);
  });
});

/** Records `{ id, t }` served the way TransactCDN pages them: whole-second windows, newest first, page and page_of. */
function timedPages(records: ReadonlyArray<{ id: string; t: number }>, jitterMs = 0) {
  const sorted = [...records].sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1));
  const calls: PageRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (req: PageRequest) => {
    calls.push(req);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (jitterMs) await new Promise((r) => setTimeout(r, Math.floor(Math.random() * jitterMs)));
    inFlight--;
    const lo = Math.floor(req.startMs / 1000) * 1000;
    const hi = Math.ceil(req.endMs / 1000) * 1000;
    const all = sorted.filter((r) => r.t >= lo && r.t < hi);
    const items = all.slice((req.page - 1) * req.size, req.page * req.size);
    return { items, pageCount: Math.ceil(all.length / req.size), raw: null };
  };
  return { fetch, calls, maxInFlight: () => maxInFlight, expected: sorted.map((r) => r.id) };
}

const timedStream = (api: ReturnType<typeof timedPages>, start: number, end: number, size: number, concurrency = 4, server?: PageServerKnowledge) =>
  createEventStream({
    source: 'transactcdn.waf',
    query: 'q',
    start: () => pageStart(start, end),
    open: pagePages({ concurrency, size, fetch: api.fetch, timeOf: (r: { t: number }) => r.t, idOf: (r: { id: string }) => r.id, server }),
    normalize: (r: { id: string }) => r.id,
    signals: [],
  });

describe('page strategy with record times and ids: time shards', () => {
  const DAY = 86_400_000;
  const T = 1_800_000_000_000;

  it('reads an uneven day (a busy last ten minutes, sparse hours, an empty stretch) in order, with shards in flight', async () => {
    const busy = Array.from({ length: 2000 }, (_, i) => ({ id: `b${i}`, t: T + DAY - 600_000 + Math.floor(i * 299.7) }));
    const sparse = Array.from({ length: 1000 }, (_, i) => ({ id: `s${i}`, t: T + i * 40_000 + i * i * 30 }));
    const api = timedPages([...busy, ...sparse], 4);
    const stream = timedStream(api, T, T + DAY, 100);
    expect(await stream.toArray()).toEqual(api.expected);
    expect(api.maxInFlight()).toBeGreaterThan(1);
    expect(api.maxInFlight()).toBeLessThanOrEqual(4);
    // Every request is page 1 of a window inside the read's, on whole seconds inside it.
    for (const call of api.calls) {
      expect(call.page).toBe(1);
      expect(call.startMs >= T && call.endMs <= T + DAY).toBe(true);
    }
    // 30 pages' worth: the shards' slack, the density changes and the empty stretch cost a bounded few more.
    expect(api.calls.length).toBeLessThanOrEqual(45);
    expect(stream.stats().repairs).toBe(0);
  });

  it('reads a second that holds more than a page by page number, then goes on by time', async () => {
    const crowd = Array.from({ length: 350 }, (_, i) => ({ id: `c${i}`, t: T + 50_000 + (i % 997) }));
    const around = Array.from({ length: 300 }, (_, i) => ({ id: `a${i}`, t: T + i * 333 }));
    const api = timedPages([...crowd, ...around]);
    expect(await timedStream(api, T, T + 200_000, 100).toArray()).toEqual(api.expected);
    expect(api.calls.some((c) => c.page > 1)).toBe(true);
  });

  it('a short single page needs no confirming request once an earlier read of the same server saw a full page at that size', async () => {
    const records = Array.from({ length: 250 }, (_, i) => ({ id: `r${i}`, t: T + i * 1000 }));
    const short = (server?: PageServerKnowledge) => {
      const api = timedPages(records);
      return timedStream(api, T + 200_000, T + 250_000, 100, 4, server).toArray().then((ids) => ({ ids, requests: api.calls.length, expected: api.expected }));
    };
    // Alone, a short page cannot be told from a capped one: it is confirmed by one more request.
    const alone = await short();
    expect(alone.requests).toBe(2);
    // A multi-page read at size 100 shows the server serves full pages of 100; the next short read trusts it.
    const server: PageServerKnowledge = { honoured: 0, inclusive: false };
    const wide = timedPages(records);
    expect(await timedStream(wide, T, T + 250_000, 100, 4, server).toArray()).toEqual(wide.expected);
    expect(server.honoured).toBe(100);
    const after = await short(server);
    expect(after.ids).toEqual(alone.ids);
    expect(after.ids).toEqual(records.slice(200).map((r) => r.id).reverse());
    expect(after.requests).toBe(1);
  });
});
