import { describe, expect, it } from 'vitest';
import { PaginationError } from '../../../src/core/errors.js';
import { createEventStream, readCheckpoint } from '../../../src/core/pager.js';
import { offsetPages, offsetPositionSchema, offsetStart, type OffsetRequest, type OffsetResponse } from '../../../src/core/strategies/offset.js';

interface Rec {
  id: number;
  t: number;
}

/**
 * An in-memory offset API with the provider's rules: a hard offset cap, `count` as the total, and
 * start/end inclusivity as a switch, because the real API does not document it.
 */
function memoryApi(records: Rec[], options: { startInclusive: boolean; endInclusive: boolean; maxOffset: number; direction: 'asc' | 'desc'; jitterMs?: number }) {
  const sorted = [...records].sort((a, b) => (options.direction === 'desc' ? b.t - a.t || a.id - b.id : a.t - b.t || a.id - b.id));
  const calls: OffsetRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (req: OffsetRequest): Promise<OffsetResponse<Rec>> => {
    calls.push(req);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (options.jitterMs) await new Promise((r) => setTimeout(r, Math.random() * options.jitterMs!));
      if (req.offset > options.maxOffset) throw new Error(`offset ${req.offset} over the cap`);
      const inWindow = sorted.filter(
        (r) =>
          (options.startInclusive ? r.t >= req.startMs : r.t > req.startMs) &&
          (options.endInclusive ? r.t <= req.endMs : r.t < req.endMs),
      );
      return { items: inWindow.slice(req.offset, req.offset + req.limit), total: inWindow.length, raw: { offset: req.offset } };
    } finally {
      inFlight--;
    }
  };
  return { fetch, calls, maxInFlight: () => maxInFlight };
}

/** Records spread over [0, 10 000) ms with bursts of many records in the same millisecond. */
function dataset(n: number, burstEvery = 7): Rec[] {
  const out: Rec[] = [];
  let t = 10;
  for (let id = 0; id < n; id++) {
    out.push({ id, t });
    if (id % burstEvery !== 0) t += 1 + (id % 5);
  }
  return out;
}

function stream(api: ReturnType<typeof memoryApi>, opts: { start: number; end: number; limit: number; maxOffset: number; direction: 'asc' | 'desc'; concurrency: number; resume?: unknown }) {
  return createEventStream({
    source: 'gcore.waap',
    query: 'q',
    start: () => offsetStart(opts.start, opts.end),
    resume: opts.resume === undefined ? undefined : readCheckpoint(opts.resume, 'gcore.waap', 'q', offsetPositionSchema),
    open: offsetPages({ ...opts, fetch: api.fetch, timeOf: (r) => r.t }),
    normalize: (r: Rec) => r,
    signals: [],
  });
}

function expected(records: Rec[], start: number, end: number, inclusive: { startInclusive: boolean; endInclusive: boolean }, direction: 'asc' | 'desc') {
  return records
    .filter((r) => (inclusive.startInclusive ? r.t >= start : r.t > start) && (inclusive.endInclusive ? r.t <= end : r.t < end))
    .sort((a, b) => (direction === 'desc' ? b.t - a.t : a.t - b.t))
    .map((r) => r.id);
}

const edges = [
  { startInclusive: true, endInclusive: true },
  { startInclusive: true, endInclusive: false },
  { startInclusive: false, endInclusive: true },
  { startInclusive: false, endInclusive: false },
];

describe('offset strategy', () => {
  it('drains a window in order, once, with several pages in flight', async () => {
    const records = dataset(437);
    const api = memoryApi(records, { ...edges[0]!, maxOffset: 100_000, direction: 'desc', jitterMs: 5 });
    const ids = (await stream(api, { start: 0, end: 100_000, limit: 10, maxOffset: 100_000, direction: 'desc', concurrency: 4 }).toArray()).map((r) => r.id);
    expect(ids).toEqual(expected(records, 0, 100_000, edges[0]!, 'desc'));
    expect(api.maxInFlight()).toBeGreaterThan(1);
    expect(api.maxInFlight()).toBeLessThanOrEqual(4);
  });

  for (const edge of edges) {
    for (const direction of ['desc', 'asc'] as const) {
      it(`splits past the offset cap exactly (start ${edge.startInclusive ? 'incl' : 'excl'}, end ${edge.endInclusive ? 'incl' : 'excl'}, ${direction})`, async () => {
        const records = dataset(3000, 3);
        const end = records.at(-1)!.t; // a record sits exactly on the outer end
        const start = records[0]!.t; // and one exactly on the outer start
        const api = memoryApi(records, { ...edge, maxOffset: 200, direction });
        const got = (await stream(api, { start, end, limit: 20, maxOffset: 200, direction, concurrency: 3 }).toArray()).map((r) => r.id);
        const want = expected(records, start, end, edge, direction);
        expect(new Set(got).size).toBe(got.length);
        expect([...got].sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
        // Order by time holds across windows (ties may come in any order the server likes).
        const t = new Map(records.map((r) => [r.id, r.t]));
        for (let i = 1; i < got.length; i++) {
          const [a, b] = [t.get(got[i - 1]!)!, t.get(got[i]!)!];
          expect(direction === 'desc' ? a >= b : a <= b).toBe(true);
        }
        expect(api.calls.length).toBeGreaterThan(3000 / 220); // it really had to split
      });
    }
  }

  it('reads every record when the page size does not divide the offset cap', async () => {
    const records = dataset(1000, 2);
    const api = memoryApi(records, { ...edges[0]!, maxOffset: 200, direction: 'desc' });
    const got = (await stream(api, { start: 0, end: 100_000, limit: 30, maxOffset: 200, direction: 'desc', concurrency: 2 }).toArray()).map((r) => r.id);
    expect(got.sort((a, b) => a - b)).toEqual(records.map((r) => r.id));
    expect(Math.max(...api.calls.map((c) => c.offset))).toBeLessThanOrEqual(200);
  });

  it('widens windows again after a burst, so one crowded moment does not make the rest of the query crawl', async () => {
    // A burst of 25 records in 1 ms, then one record every 100 ms for 100 s; the reach is 30.
    const burst = Array.from({ length: 25 }, (_, id) => ({ id, t: 100_000 }));
    const sparse = Array.from({ length: 1000 }, (_, i) => ({ id: 100 + i, t: i * 100 }));
    const records = [...burst, ...sparse];
    const api = memoryApi(records, { ...edges[0]!, maxOffset: 20, direction: 'desc' });
    const got = (await stream(api, { start: 0, end: 100_000, limit: 10, maxOffset: 20, direction: 'desc', concurrency: 1 }).toArray()).map((r) => r.id);
    expect(got.sort((a, b) => a - b)).toEqual(records.map((r) => r.id).sort((a, b) => a - b));
    // ~1025 records need ~103 pages; a span stuck at the burst's width would need several times that.
    expect(api.calls.length).toBeLessThan(160);
  });

  it('resumes a checkpoint taken after the last record of a window that filled the whole reach', async () => {
    // 30 records in [0, 30): exactly the reach (maxOffset 20 + limit 10) of the first window.
    const records = [...Array.from({ length: 30 }, (_, id) => ({ id, t: 100 + id })), ...Array.from({ length: 5 }, (_, i) => ({ id: 100 + i, t: 10 + i }))];
    const api = memoryApi(records, { ...edges[0]!, maxOffset: 20, direction: 'desc' });
    const opts = { start: 0, end: 200, limit: 10, maxOffset: 20, direction: 'desc' as const, concurrency: 1 };
    const first = stream(api, opts);
    const head: number[] = [];
    for await (const r of first) {
      head.push(r.id);
      if (head.length === 30) break;
    }
    const tail = (await stream(api, { ...opts, resume: JSON.parse(JSON.stringify(first.checkpoint())) }).toArray()).map((r) => r.id);
    expect([...head, ...tail].sort((a, b) => a - b)).toEqual(records.map((r) => r.id).sort((a, b) => a - b));
    expect(Math.max(...api.calls.map((c) => c.offset))).toBeLessThanOrEqual(20);
  });

  it('a short page near the offset cap still reads the whole window, on the page grid', async () => {
    const records = Array.from({ length: 30 }, (_, id) => ({ id, t: 100 + id }));
    const api = memoryApi(records, { ...edges[0]!, maxOffset: 20, direction: 'desc' });
    let shorted = false;
    const flaky = {
      ...api,
      fetch: async (req: OffsetRequest) => {
        const res = await api.fetch(req);
        if (req.offset === 0 && !shorted) {
          shorted = true;
          return { ...res, items: res.items.slice(0, 9) };
        }
        return res;
      },
    };
    const ids = (await stream(flaky, { start: 0, end: 200, limit: 10, maxOffset: 20, direction: 'desc', concurrency: 2 }).toArray()).map((r) => r.id);
    expect(ids).toEqual(expected(records, 0, 200, edges[0]!, 'desc'));
    // Issue 8: a short page means the provider serves smaller pages; the read adopts that size (so offsets leave
    // the grid of 10) and still never asks past the cap.
    expect(api.calls.every((c) => c.offset <= 20)).toBe(true);
  });

  it('refuses, loudly, a millisecond holding more records than the cap can reach', async () => {
    const records = Array.from({ length: 300 }, (_, id) => ({ id, t: 50 }));
    const api = memoryApi(records, { ...edges[0]!, maxOffset: 100, direction: 'desc' });
    await expect(stream(api, { start: 0, end: 100, limit: 10, maxOffset: 100, direction: 'desc', concurrency: 2 }).toArray()).rejects.toBeInstanceOf(PaginationError);
  });

  it('resumes from any checkpoint, split windows included, without repeating or skipping', async () => {
    const records = dataset(900, 4);
    const edge = edges[1]!;
    const api = memoryApi(records, { ...edge, maxOffset: 100, direction: 'desc' });
    const opts = { start: 0, end: 20_000, limit: 10, maxOffset: 100, direction: 'desc' as const, concurrency: 3 };
    const want = expected(records, 0, 20_000, edge, 'desc');
    for (const stopAfter of [1, 9, 10, 11, 105, 333, 899]) {
      const first = stream(api, opts);
      const head: number[] = [];
      for await (const r of first) {
        head.push(r.id);
        if (head.length === stopAfter) break;
      }
      const checkpoint = JSON.parse(JSON.stringify(first.checkpoint()));
      const tail = (await stream(api, { ...opts, resume: checkpoint }).toArray()).map((r) => r.id);
      expect([...head, ...tail].sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
      expect(head.length + tail.length).toBe(want.length);
    }
  });

  it('re-reads from the true next offset when a page comes back short', async () => {
    const records = dataset(95);
    const api = memoryApi(records, { ...edges[0]!, maxOffset: 100_000, direction: 'desc' });
    let shorted = false;
    const flaky = {
      ...api,
      fetch: async (req: OffsetRequest) => {
        const res = await api.fetch(req);
        if (req.offset === 20 && !shorted) {
          shorted = true;
          return { ...res, items: res.items.slice(0, 4) };
        }
        return res;
      },
    };
    const ids = (await stream(flaky, { start: 0, end: 100_000, limit: 10, maxOffset: 100_000, direction: 'desc', concurrency: 4 }).toArray()).map((r) => r.id);
    expect(ids).toEqual(expected(records, 0, 100_000, edges[0]!, 'desc'));
  });
});
