import { afterEach, describe, expect, it } from 'vitest';
import { FilterValidationError, PaginationError, ResponseValidationError } from '../../src/core/errors.js';
import { drain, reader, type Reader } from '../support/moving/clients.js';
import { movingRecords, startMovingServer, type Knobs, type MovingRecord, type MovingServer, type Style } from '../support/moving/server.js';

/**
 * One test per row of issue 8's table, each against a moving-server fake on a real socket, asserting exact id
 * sets: what existed from the first request to the last is delivered exactly once, nothing twice.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const WINDOW = { startMs: T0, endMs: T0 + 1_000_000 };

let server: MovingServer | undefined;
let client: Reader | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(style: Style, records: readonly MovingRecord[], knobs: Knobs = {}) {
  server = await startMovingServer(style, records, knobs);
  client = reader(style, server);
  return { server, client };
}

function sorted(ids: Iterable<string>): string[] {
  return [...ids].sort();
}

/** Every id once: no duplicate, and exactly the expected set. */
function expectExactly(ids: string[], expected: Iterable<string>) {
  expect(ids.length - new Set(ids).size).toBe(0);
  expect(sorted(ids)).toEqual(sorted(expected));
}

const idsOf = (records: readonly MovingRecord[]) => records.map((r) => r.id);

describe('moving server: the page size the server serves wins', () => {
  it('Gcore serves at most 50 where 100 were asked: all 500, in about twice the pages at most', async () => {
    const records = movingRecords(500, T0, 997);
    const { server, client } = await setup('offset', records, { pageCap: 50 });
    const stream = client.stream({ ...WINDOW, pageSize: 100 });
    const { ids, error } = await drain(stream);
    expect(error).toBeUndefined();
    expectExactly(ids, idsOf(records));
    // 500 records at 49 new per page need 11 pages; the first pages at the asked size are the only waste.
    expect(server.requests()).toBeLessThanOrEqual(2 * 11);
    expect(stream.stats()).toMatchObject({ events: 500, total: 500, skipped: 0 });
    // Counted when answered, so a prefetch dropped after the page size changed may be missing from the count.
    expect(stream.stats().requests).toBeLessThanOrEqual(server.requests());
    expect(stream.stats().repairs).toBeGreaterThanOrEqual(1);
  });

  it('TransactCDN serves at most 250 where 1000 were asked: all 500', async () => {
    const records = movingRecords(500, T0, 1500);
    const { server, client } = await setup('page', records, { pageCap: 250 });
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 1000 }));
    expect(error).toBeUndefined();
    expectExactly(ids, idsOf(records));
    expect(server.requests()).toBeLessThanOrEqual(2 * 2 + 1);
  });

  it.each(['offset', 'page'] as const)('%s: one page longer than asked delivers no duplicate', async (style) => {
    const records = movingRecords(400, T0, 1100);
    const { client } = await setup(style, records, { longPage: { request: 2, extra: 50 } });
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 100 }));
    expect(error).toBeUndefined();
    expectExactly(ids, idsOf(records));
  });
});

describe('moving server: data that moves inside the closed window', () => {
  it.each(['offset', 'page', 'cursor'] as const)('%s: 7 late records land inside the window after page 2', async (style) => {
    const records = movingRecords(400, T0, 1100);
    // Late arrivals spread across the window, in the part already read and the part still to come.
    const late = Array.from({ length: 7 }, (_, i) => ({ id: `late${i}`, t: T0 + 3_000 + i * 60_000 + 7 }));
    const { server, client } = await setup(style, records, { beforeRequest: (n, data) => n === 3 && data.insert(...late) });
    // Default concurrency for every style (TransactCDN reads time shards, so pages in flight cannot hide a shift).
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 50 }));
    expect(error).toBeUndefined();
    const lateIds = new Set(late.map((r) => r.id));
    expectExactly(ids.filter((id) => !lateIds.has(id)), idsOf(records));
    expect(ids.length - new Set(ids).size).toBe(0);
    expect(server.requests()).toBeLessThanOrEqual(2 * 9 + 4);
  });

  it.each(['offset', 'page', 'cursor'] as const)('%s: the 7 oldest records expire after page 1', async (style) => {
    const records = movingRecords(400, T0, 1100);
    let expired: string[] = [];
    const { server, client } = await setup(style, records, { beforeRequest: (n, data) => void (n === 2 && (expired = idsOf(data.expireOldest(7)))) });
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 50 }));
    expect(error).toBeUndefined();
    const gone = new Set(expired);
    expectExactly(ids.filter((id) => !gone.has(id)), idsOf(records).filter((id) => !gone.has(id)));
    expect(server.requests()).toBeLessThanOrEqual(2 * 9 + 4);
  });

  it.each(['offset', 'page', 'cursor'] as const)('%s: 100 records deleted mid-read', async (style) => {
    const records = movingRecords(500, T0, 1100);
    const doomed = idsOf(records).filter((_, i) => i % 5 === 2);
    const { client } = await setup(style, records, { beforeRequest: (n, data) => n === 3 && data.delete(doomed) });
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 100 }));
    expect(error).toBeUndefined();
    const gone = new Set(doomed);
    expectExactly(ids.filter((id) => !gone.has(id)), idsOf(records).filter((id) => !gone.has(id)));
  });
});

describe('moving server: TransactCDN page numbers that shift without a sign (read by time shards instead)', () => {
  it('a delete ahead of a page boundary that leaves page_of unchanged loses nothing, with pages in flight', async () => {
    // 400 records, 40 a page: 10 pages before and after the delete (enough for shards in flight, over twice the
    // concurrency). The record deleted lies in the newest 40.
    const records = movingRecords(400, T0, 1100);
    const doomed = records[389]!.id;
    const { client } = await setup('page', records, { beforeRequest: (n, data) => n === 3 && data.delete([doomed]) });
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 40 }));
    expect(error).toBeUndefined();
    expectExactly(ids.filter((id) => id !== doomed), idsOf(records).filter((id) => id !== doomed));
  });

  it('an insert the server applies after answering the next request (answers out of order) loses nothing', async () => {
    // 390 records, 40 a page: 10 pages, still 10 with the insert, so page_of shows nothing.
    const records = movingRecords(390, T0, 1100);
    // Inside the second-newest 40 records (page 2 by number; the first shard below page 1 by time).
    const late = { id: 'late-inside', t: records[320]!.t + 3 };
    let held: number | undefined;
    const { client } = await setup('page', records, {
      // The second request (page 2, or the first time shard) is held while the ones after it are answered...
      holdMs: (n, url) => {
        const page = url.searchParams.get('page');
        if (held !== undefined || !(page === '2' || (page === '1' && n === 2))) return 0;
        held = n;
        return 80;
      },
      // ...and the insert lands just before it is answered.
      beforeRequest: (n, data) => n === held && data.insert(late),
    });
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 40 }));
    expect(error).toBeUndefined();
    expect(held).toBeDefined();
    expectExactly(ids.filter((id) => id !== late.id), idsOf(records));
  });

  it('a server that serves 500 of 1000 but counts page_of by the asked size: a short single page is confirmed, all 700 read', async () => {
    const records = movingRecords(700, T0, 1100);
    const { server, client } = await setup('page', records, { pageCap: 500, pageOfByAsked: true });
    const stream = client.stream({ ...WINDOW, pageSize: 1000 });
    const { ids, error } = await drain(stream);
    expect(error).toBeUndefined();
    expectExactly(ids, idsOf(records));
    // The page, one confirming request at the size served (page_of 2 there), and the rest at 500.
    expect(server.requests()).toBeLessThanOrEqual(4);
  });

  it('a short single page from a server that honours the size costs one confirming request, then ends', async () => {
    const records = movingRecords(120, T0, 1100);
    const { server, client } = await setup('page', records);
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 1000 }));
    expect(error).toBeUndefined();
    expectExactly(ids, idsOf(records));
    expect(server.requests()).toBe(2);
  });
});

describe('moving server: never end silently', () => {
  it.each(['offset', 'page'] as const)('%s: one empty page mid-read while the total says more is re-read, nothing lost', async (style) => {
    const records = movingRecords(400, T0, 1100);
    const { client } = await setup(style, records, { emptyPage: { request: 2 } });
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 100 }));
    expect(error).toBeUndefined();
    expectExactly(ids, idsOf(records));
  });

  it.each(['offset', 'page'] as const)('%s: empty pages from then on end in PaginationError with a resumable checkpoint', async (style) => {
    const records = movingRecords(400, T0, 1100);
    const { server, client } = await setup(style, records, { emptyPage: { request: 3, every: true } });
    const stream = client.stream({ ...WINDOW, pageSize: 100 });
    const head = await drain(stream);
    expect(head.error).toBeInstanceOf(PaginationError);
    expect(server.requests()).toBeLessThanOrEqual(12);
    server.reset(records);
    const tail = await drain(client.stream({ ...WINDOW, pageSize: 100, resume: JSON.parse(JSON.stringify(stream.checkpoint())) }));
    expect(tail.error).toBeUndefined();
    expectExactly([...head.ids, ...tail.ids], idsOf(records));
  });

  it('BotBye ignores the cursor and serves page 1 again: PaginationError before any duplicate', async () => {
    const records = movingRecords(100, T0, 1100);
    const { server, client } = await setup('cursor', records, { ignoreCursorFrom: 2 });
    const { ids, error } = await drain(client.stream({ ...WINDOW, pageSize: 10 }));
    expect(error).toBeInstanceOf(PaginationError);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    expect(server.requests()).toBeLessThanOrEqual(3);
  });
});

describe('stats()', () => {
  it('BotBye total: true is sent, and pageInfo.total is the stream total', async () => {
    const records = movingRecords(45, T0, 1100);
    const { server } = await setup('cursor', records);
    const { createBotByeClient } = await import('../../src/providers/botbye/client.js');
    const bots = createBotByeClient({ apiKey: 'k', accountId: 'acc1', baseUrl: server.url });
    const stream = bots.requests({ projectId: 'proj1', limit: 20, total: true });
    expect(stream.stats()).toEqual({ events: 0, pages: 0, requests: 0, skipped: 0, duplicatesDropped: 0, repairs: 0 });
    expect((await stream.toArray()).length).toBe(45);
    expect(stream.stats()).toEqual({ events: 45, pages: 3, requests: 3, skipped: 0, duplicatesDropped: 0, repairs: 0, total: 45 });
    expect(server.urls.every((url) => new URL(url).searchParams.get('total') === 'true')).toBe(true);
    await bots.close();
  });

  it('TransactCDN reports page_of × page size as an estimated total', async () => {
    const records = movingRecords(230, T0, 1100);
    const { client } = await setup('page', records);
    const stream = client.stream({ ...WINDOW, pageSize: 100 });
    await stream.toArray();
    expect(stream.stats()).toMatchObject({ events: 230, total: 300, totalIsEstimate: true, requests: 3 });
  });
});

describe('moving server: imperfect records', () => {
  it.each(['offset', 'page', 'cursor'] as const)('%s: null optional fields mean absent', async (style) => {
    const records = movingRecords(120, T0, 1100);
    const { client } = await setup(style, records, { nulls: true });
    const events = await client!.stream({ ...WINDOW, pageSize: 50 }).toArray();
    expectExactly(events.map((e) => e.id), idsOf(records));
    for (const event of events) {
      expect(Number.isNaN(event.time.getTime())).toBe(false);
      expect((event as unknown as { request: { referer?: string } }).request.referer).toBeUndefined();
    }
  });

  it.each(['offset', 'page', 'cursor'] as const)('%s: a record with no id: throw names it, the checkpoint points at it, skip resumes right after', async (style) => {
    const records = movingRecords(120, T0, 1100);
    const bad = records[57]!.id;
    const { server, client } = await setup(style, records, { noIdFor: bad });
    const stream = client.stream({ ...WINDOW, pageSize: 50 });
    const head = await drain(stream);
    expect(head.error).toBeInstanceOf(ResponseValidationError);
    expect((head.error as ResponseValidationError).issues[0]!.path).toMatch(/\[\d+\]/);
    const before = server.requests();
    const resumed = client.stream({ ...WINDOW, pageSize: 50, resume: stream.checkpoint(), onInvalidRecord: 'skip' });
    const tail = await drain(resumed);
    expect(tail.error).toBeUndefined();
    expect(resumed.stats().skipped).toBe(1);
    expectExactly([...head.ids, ...tail.ids], idsOf(records).filter((id) => id !== bad));
    expect(server.requests()).toBeGreaterThan(before);

    const seen: unknown[] = [];
    server.reset(records, { noIdFor: bad });
    const hooked = client.stream({ ...WINDOW, pageSize: 50, onInvalidRecord: (info) => seen.push(info.raw) });
    const all = await drain(hooked);
    expect(all.error).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(hooked.stats()).toMatchObject({ skipped: 1, events: 119 });
  });
});

describe('checkpoints are trustworthy', () => {
  async function realCheckpoint(style: Style) {
    const records = movingRecords(300, T0, 1100);
    const { client } = await setup(style, records);
    const stream = client.stream({ ...WINDOW, pageSize: 50 });
    let n = 0;
    for await (const _ of stream) if (++n === 77) break;
    return JSON.parse(JSON.stringify(stream.checkpoint())) as Record<string, unknown>;
  }

  /** Every path to a number inside `value`. */
  function numericPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
    if (typeof value === 'number') return [path];
    if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numericPaths(v, [...path, Array.isArray(value) ? Number(k) : k]));
    return [];
  }

  it.each(['offset', 'page', 'cursor'] as const)('%s: every numeric field edited by ±1 is refused with zero requests', async (style) => {
    const checkpoint = await realCheckpoint(style);
    const paths = numericPaths(checkpoint);
    if (style !== 'cursor') expect(paths.length).toBeGreaterThanOrEqual(4);
    const before = server!.requests();
    for (const path of paths) {
      for (const delta of [1, -1]) {
        const edited = structuredClone(checkpoint);
        let node = edited as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
        node[path.at(-1)!] = (node[path.at(-1)!] as number) + delta;
        expect(() => client!.stream({ ...WINDOW, pageSize: 50, resume: edited }), `${path.join('.')} ${delta}`).toThrow(FilterValidationError);
      }
    }
    // Truncated, foreign, or not a checkpoint at all.
    const { digest: _digest, ...truncated } = checkpoint;
    for (const bad of [truncated, { ...checkpoint, position: {} }, { ...checkpoint, source: 'x' }, 0, '', false, 'checkpoint', [], {}]) {
      expect(() => client!.stream({ ...WINDOW, pageSize: 50, resume: bad })).toThrow(FilterValidationError);
    }
    expect(server!.requests()).toBe(before);
  });

  it.each(['offset', 'page', 'cursor'] as const)('%s: resume null or undefined reads from the beginning', async (style) => {
    const records = movingRecords(60, T0, 1100);
    const { client } = await setup(style, records);
    for (const resume of [null, undefined]) {
      expectExactly((await client.stream({ ...WINDOW, pageSize: 50, resume }).toArray()).map((e) => e.id), idsOf(records));
    }
  });

  it('a checkpoint nested 100 000 deep and a where nested 5 000 deep are FilterValidationError, not RangeError', async () => {
    const { server, client } = await setup('cursor', movingRecords(5, T0, 1));
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(() => client.stream({ ...WINDOW, pageSize: 10, resume: { v: 1, source: 'botbye.requests', query: 'q', position: deep, digest: 'x' } })).toThrow(FilterValidationError);
    const { createBotByeClient } = await import('../../src/providers/botbye/client.js');
    const bots = createBotByeClient({ apiKey: 'k', accountId: 'a', baseUrl: server.url });
    let where: unknown = { predicate: 'eq', fieldPath: 'host', value: 'x' };
    for (let i = 0; i < 5000; i++) where = { predicate: 'and', operands: [where] };
    expect(() => bots.requests({ projectId: 'p', where: where as never })).toThrow(FilterValidationError);
    expect(server.requests()).toBe(0);
    await bots.close();
  });
});
