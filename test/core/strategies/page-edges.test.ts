import { describe, expect, it } from 'vitest';
import { createEventStream } from '../../../src/core/pager.js';
import { pagePages, pageStart, type PageRequest, type PageServerKnowledge } from '../../../src/core/strategies/page.js';

// Edge cases of the time-shard read found by a review, each failing before its fix.
type R = { id: string; t: number };
const T = 1_800_000_000_000;

/** Whole-second windows, newest first; `cap` serves at most that many per page while page_of counts the asked size. */
function pagedLog(records: readonly R[], cap = Infinity, mutate?: (request: number, live: R[]) => R[]) {
  let sorted = [...records].sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1));
  const calls: PageRequest[] = [];
  const fetch = async (req: PageRequest) => {
    calls.push(req);
    if (mutate) sorted = mutate(calls.length, sorted).sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1));
    const lo = Math.floor(req.startMs / 1000) * 1000;
    const hi = Math.ceil(req.endMs / 1000) * 1000;
    const all = sorted.filter((r) => r.t >= lo && r.t < hi);
    const served = Math.min(req.size, cap);
    return { items: all.slice((req.page - 1) * served, req.page * served), pageCount: Math.ceil(all.length / req.size), raw: null };
  };
  return { fetch, calls };
}

const read = (log: ReturnType<typeof pagedLog>, start: number, end: number, size: number, concurrency = 4, server?: PageServerKnowledge) =>
  createEventStream({
    source: 'transactcdn.waf',
    query: 'q',
    start: () => pageStart(start, end),
    open: pagePages({ concurrency, size, fetch: log.fetch, timeOf: (r: R) => r.t, idOf: (r: R) => r.id, server, stallBackoffMs: 0 }),
    normalize: (r: R) => r.id,
    signals: [],
  });

describe('page strategy edges', () => {
  it('a read stopped early writes back nothing it did not learn: a cap seen meanwhile by another read stands', async () => {
    const records = Array.from({ length: 400 }, (_, i) => ({ id: `m${i}`, t: T + i * 100 }));
    const log = pagedLog(records, 50);
    const server: PageServerKnowledge = { honoured: 100, inclusive: false };
    const early = read(log, T + 30_000, T + 31_000, 100, 4, server)[Symbol.asyncIterator]();
    await early.next();
    expect(await read(log, T, T + 40_000, 100, 4, server).toArray()).toHaveLength(400);
    expect(server.honoured).toBe(50);
    await early.return!(undefined);
    expect(server.honoured).toBe(50);
    // 80 records in one short page of 50 (page_of 1 by the asked 100): trusted only if the stale 100 came back.
    expect(await read(log, T + 10_000, T + 18_000, 100, 4, server).toArray()).toHaveLength(80);
  });

  it('a dense second above a start inside a second ends the read once a page falls below the start', async () => {
    const dense = Array.from({ length: 30 }, (_, i) => ({ id: `d${String(i).padStart(2, '0')}`, t: T + 1000 + i * 10 }));
    const belowStart = Array.from({ length: 25 }, (_, i) => ({ id: `b${String(i).padStart(2, '0')}`, t: T + i * 10 }));
    const got = await read(pagedLog([...dense, ...belowStart]), T + 500, T + 10_000, 10, 1).toArray();
    expect(new Set(got)).toEqual(new Set(dense.map((r) => r.id)));
    expect(got).toHaveLength(30);
  });

  it.each([1, 4])('static data at concurrency %i reports no dropped duplicates (the continuation overlap is expected)', async (concurrency) => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, t: T + i * 250 }));
    const stream = read(pagedLog(records), T, T + 250_000, 100, concurrency);
    expect(await stream.toArray()).toHaveLength(1000);
    expect(stream.stats().duplicatesDropped).toBe(0);
  });

  it.each([1, 4])('late inserts into a second holding many pages, while it is read (concurrency %i), neither stall nor lose the read', async (concurrency) => {
    const crowd = Array.from({ length: 300 }, (_, i) => ({ id: `c${String(i).padStart(3, '0')}`, t: T + 5000 + (i % 1000) }));
    const around = Array.from({ length: 40 }, (_, i) => ({ id: `a${i}`, t: T + 6000 + i * 100 }));
    let k = 0;
    // Every 4th request, one more record lands at the top of the crowded second, ahead of the read.
    const log = pagedLog([...crowd, ...around], Infinity, (n, live) => (n % 4 === 0 ? [...live, { id: `z${k++}`, t: T + 5999 }] : live));
    const got = await read(log, T, T + 10_000, 10, concurrency).toArray();
    const existing = [...around, ...crowd].map((r) => r.id);
    // Every record that existed throughout, once; the late ones at most once.
    expect(new Set(got.filter((id) => !id.startsWith('z')))).toEqual(new Set(existing));
    expect(new Set(got).size).toBe(got.length);
  });
});
