import { inspect } from 'node:util';
import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  FilterValidationError,
  ServerError,
  createGcoreClient,
  type GcoreClientOptions,
  type GcoreEvent,
} from '../../../src/index.js';
import { eventCoreSchema } from '../../../src/providers/registry.js';
import { FAULT_HEADER } from '../../support/faults.js';
import { gcoreFake, makeGcoreRecords, type GcoreFakeOptions } from '../../support/gcore-fake.js';
import { startTarget, TARGET_KINDS, type FakeTarget, type TargetKind } from '../../support/transports.js';

const KEY = 'gc-4f1e-secret-api-key';
const T0 = Date.parse('2026-11-20T00:00:00Z');
const START = new Date(T0 - 1).toISOString();
const FAST_RETRY = { baseMs: 1, maxMs: 5 };

let target: FakeTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function setup(kind: TargetKind, fake: Omit<GcoreFakeOptions, 'apiKey'>, client: Partial<GcoreClientOptions> = {}) {
  const served = gcoreFake({ apiKey: KEY, ...fake });
  target = await startTarget(kind, served.handlers);
  const waap = createGcoreClient({ apiKey: KEY, baseUrl: target.baseUrl, dispatcher: target.dispatcher, retryDelay: FAST_RETRY, ...client });
  return { served, waap, target };
}

/** The fake's order: newest first; within one millisecond, the reverse of its (time, id) sort. */
const newestFirst = (records: readonly { id: string; request_time: number }[]) =>
  [...records].sort((a, b) => b.request_time - a.request_time || (a.id < b.id ? 1 : -1)).map((r) => r.id);

describe.each(TARGET_KINDS)('Gcore client over %s', (kind) => {
  it('drains several pages, newest first, every record exactly once, with a pinned end', async () => {
    const records = makeGcoreRecords(1234, { startMs: T0, stepMs: 1000, sameMsEvery: 3 });
    const { waap, served } = await setup(kind, { records });
    const events = await waap.requests({ start: START }).toArray();
    expect(events.map((e) => e.id)).toEqual(newestFirst(records));
    // One pinned end for the whole stream.
    expect(new Set(served.requests.map((r) => new URL(r.url).searchParams.get('end'))).size).toBe(1);
    expect(served.requests.length).toBe(13);
    eventCoreSchema.parse(events[0]);
    await waap.close();
  });

  it('sends filters as repeated keys and gets only what they select', async () => {
    const records = makeGcoreRecords(600, { startMs: T0, stepMs: 10 });
    const { waap, served } = await setup(kind, { records });
    const events = await waap.requests({ start: START, decision: ['blocked', 'monitored'], countries: ['DE'] }).toArray();
    const want = records.filter((r) => (r.decision === 'blocked' || r.decision === 'monitored') && r.country === 'DE');
    expect(events.map((e) => e.id).sort()).toEqual(want.map((r) => r.id).sort());
    expect(new URL(served.requests[0]!.url).searchParams.getAll('decision')).toEqual(['blocked', 'monitored']);
    expect(events.every((e) => e.disposition === 'blocked' || e.disposition === 'challenged' || e.disposition === 'logged')).toBe(true);
  });

  it('recovers from 429 + Retry-After, 503, a socket reset and a truncated body without losing or repeating a record', async () => {
    const records = makeGcoreRecords(700, { startMs: T0, stepMs: 7 });
    const faults: Record<number, () => Response> = {
      2: () => HttpResponse.json({ title: 'Too Many Requests' }, { status: 429, headers: { 'retry-after': '0' } }),
      3: () => HttpResponse.json({ title: 'Service Unavailable' }, { status: 503 }),
      5: () => new HttpResponse(null, { headers: { [FAULT_HEADER]: 'reset' } }),
      6: () => HttpResponse.json({ results: 'x'.repeat(4000) }, { headers: { [FAULT_HEADER]: 'truncate' } }),
    };
    const { waap, served } = await setup(kind, { records, intercept: (_, n) => faults[n]?.() }, { concurrency: 2 });
    const ids = (await waap.requests({ start: START }).toArray()).map((e) => e.id);
    expect(ids).toEqual(newestFirst(records));
    // Pages overlap by one record (issue 8: a shifted page edge must show), so 700 records take ceil(699 / 99) = 8.
    expect(served.requests.length).toBe(8 + 4);
  });

  it('surfaces 401 as AuthenticationError at once, with no retry and no key in any form', async () => {
    const records = makeGcoreRecords(10, { startMs: T0, stepMs: 1 });
    const served = gcoreFake({ apiKey: 'the-right-key', records });
    target = await startTarget(kind, served.handlers);
    const logs: string[] = [];
    const waap = createGcoreClient({
      apiKey: KEY,
      baseUrl: target.baseUrl,
      dispatcher: target.dispatcher,
      logger: { warn: (m) => logs.push(m), debug: (m) => logs.push(m) },
    });
    const error = await waap.requests({ start: START }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, provider: 'gcore' });
    expect(served.requests).toHaveLength(1);
    for (const form of [String(error), JSON.stringify(error), inspect(error, { depth: 10 }), (error as Error).stack, inspect(waap), JSON.stringify(waap), ...logs]) {
      expect(form).not.toContain(KEY);
    }
  });

  it('fails the iteration loudly after all retries, and resumes from the checkpoint once the provider is back', async () => {
    const records = makeGcoreRecords(450, { startMs: T0, stepMs: 3 });
    let down = false;
    const { waap } = await setup(kind, { records, intercept: () => (down ? HttpResponse.json({ title: 'down' }, { status: 502 }) : undefined) }, { maxRetries: 2, concurrency: 1 });
    const stream = waap.requests({ start: START });
    const got: string[] = [];
    const error = await (async () => {
      for await (const e of stream) {
        got.push(e.id);
        if (got.length === 250) down = true;
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(got.length).toBeGreaterThanOrEqual(250);
    down = false;
    const rest = await waap.requests({ start: START }, { resume: JSON.parse(JSON.stringify(stream.checkpoint())) }).toArray();
    expect([...got, ...rest.map((e) => e.id)]).toEqual(newestFirst(records));
  });
});

describe('Gcore client', () => {
  it('reads more than 100 100 records completely by splitting the window, exact where records share a millisecond', async () => {
    // 150 000 records, 250 per millisecond: every split instant cuts through a crowd of equal timestamps.
    const records = makeGcoreRecords(150_000, { startMs: T0, stepMs: 1, sameMsEvery: 250 });
    for (const [kind, edges] of [
      ['loopback', { startInclusive: true, endInclusive: true }],
      ['msw', { startInclusive: false, endInclusive: false }],
    ] as const) {
      const { waap, served } = await setup(kind, { records, ...edges });
      const start = new Date(T0 - 1).toISOString();
      const end = new Date(T0 + 600).toISOString();
      let count = 0;
      const seen = new Set<string>();
      let previous = Infinity;
      for await (const event of waap.requests({ start, end })) {
        seen.add(event.id);
        count++;
        expect(event.time.getTime()).toBeLessThanOrEqual(previous);
        previous = event.time.getTime();
      }
      expect(count).toBe(150_000);
      expect(seen.size).toBe(150_000);
      const offsets = served.requests.map((r) => Number(new URL(r.url).searchParams.get('offset')));
      expect(Math.max(...offsets)).toBeLessThanOrEqual(100_000);
      await waap.close();
      await target!.close();
      target = undefined;
    }
  }, 120_000); // 150 000 records through both bridges: about 16 s alone, more on a loaded 2-core CI machine

  it('resumes from a checkpoint taken mid-page with the next record', async () => {
    const records = makeGcoreRecords(530, { startMs: T0, stepMs: 5, sameMsEvery: 2 });
    const { waap } = await setup('msw', { records });
    const first = waap.requests({ start: START, end: new Date(T0 + 10_000) });
    const head: GcoreEvent[] = [];
    for await (const e of first) {
      head.push(e);
      if (head.length === 137) break;
    }
    const saved = JSON.stringify(first.checkpoint());
    const tail = await waap.requests({ start: START, end: new Date(T0 + 10_000) }, { resume: JSON.parse(saved) }).toArray();
    expect([...head, ...tail].map((e) => e.id)).toEqual(newestFirst(records));
    // Another query cannot use it.
    expect(() => waap.requests({ start: START, decision: ['blocked'] }, { resume: JSON.parse(saved) })).toThrow(FilterValidationError);
  });

  it('rejects bad filters with the field named, before any request', async () => {
    const { waap, served } = await setup('msw', { records: [] });
    const cases: Array<[unknown, string]> = [
      [{}, 'start'],
      [{ start: 'yesterday' }, 'start'],
      [{ start: START, end: '2020-01-01T00:00:00Z' }, 'end'],
      [{ start: START, limit: 101 }, 'limit'],
      [{ start: START, countries: ['DEU'] }, 'countries[0]'],
      [{ start: START, status_codes: [99] }, 'status_codes[0]'],
      [{ start: START, decision: ['denied'] }, 'decision[0]'],
      [{ start: START, tags: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'tags'],
      [{ start: START, ja3: 'xyz' }, 'ja3'],
      [{ start: START, ips: ['999.1.1.1'] }, 'ips[0]'],
      [{ start: START, desicion: ['blocked'] }, 'desicion'],
    ];
    for (const [filters, field] of cases) {
      const error = (() => {
        try {
          waap.requests(filters as never);
        } catch (e) {
          return e;
        }
      })() as FilterValidationError;
      expect(error, JSON.stringify(filters)).toBeInstanceOf(FilterValidationError);
      expect(error.issues.map((i) => i.path).join(' ')).toContain(field);
      expect(error.message).toContain(field);
    }
    expect(served.requests).toHaveLength(0);
  });

  it('pins an end still in the future to the moment iteration starts', async () => {
    const records = makeGcoreRecords(50, { startMs: T0, stepMs: 1000 });
    const { waap, served } = await setup('msw', { records });
    const before = Date.now();
    await waap.requests({ start: START, end: new Date(Date.now() + 86_400_000) }).toArray();
    const sent = Date.parse(new URL(served.requests[0]!.url).searchParams.get('end')!);
    expect(sent).toBeGreaterThanOrEqual(before);
    expect(sent).toBeLessThanOrEqual(Date.now());
  });

  it('rejects bad client options with the field named', () => {
    expect(() => createGcoreClient({ apiKey: '' })).toThrow(/apiKey/);
    expect(() => createGcoreClient({ apiKey: KEY, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => createGcoreClient({ apiKey: KEY, baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
    // A misspelt option is refused by name, not silently ignored.
    expect(() => createGcoreClient({ apiKey: KEY, timeout: 5 } as never)).toThrow(/timeout: is not a known field/);
  });

  it('a break with pages in flight cancels them and leaves no request open', async () => {
    const records = makeGcoreRecords(2000, { startMs: T0, stepMs: 1 });
    const { waap } = await setup('loopback', { records, latencyMs: 40 }, { concurrency: 4 });
    const server = target!;
    for await (const e of waap.requests({ start: START })) {
      expect(e.id).toBeTruthy();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests().length).toBeLessThanOrEqual(5);
    await waap.close();
  });

  it('merges with other streams by time through mergeEvents', async () => {
    const { mergeEvents } = await import('../../../src/index.js');
    const a = makeGcoreRecords(150, { startMs: T0, stepMs: 2 });
    const b = makeGcoreRecords(150, { startMs: T0 + 1, stepMs: 2 }).map((r) => ({ ...r, id: `b${r.id}` }));
    const one = await setup('msw', { records: a });
    const served2 = gcoreFake({ apiKey: KEY, records: b });
    const target2 = await startTarget('msw', served2.handlers);
    const two = createGcoreClient({ apiKey: KEY, baseUrl: target2.baseUrl, dispatcher: target2.dispatcher });
    const merged: number[] = [];
    for await (const e of mergeEvents([one.waap.requests({ start: START }), two.requests({ start: START })])) merged.push(e.time.getTime());
    expect(merged).toHaveLength(300);
    expect(merged).toEqual([...merged].sort((x, y) => y - x));
  });
});
