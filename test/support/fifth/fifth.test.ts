import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createGcoreClient, mergeEvents, type GcoreEvent } from '../../../src/index.js';
import { GCORE_END_MS, gcorePage, sendJson, serveRaw } from '../gateways.js';
import { createAcmeClient, startAcmeServer, type AcmeEvent } from './definition.js';

const START = GCORE_END_MS - 5;
let acme: Awaited<ReturnType<typeof startAcmeServer>>;

beforeAll(async () => {
  acme = await startAcmeServer(50, START);
});
afterAll(() => acme.close());

const client = (concurrency = 1) => createAcmeClient({ key: 'secret-acme-key', baseUrl: acme.url, concurrency });

describe('a fifth provider defined only in test/support', () => {
  it('streams every record exactly once, normalized, with concurrency', async () => {
    for (const concurrency of [1, 4]) {
      const events = await client(concurrency).hits({ pageSize: 7 }).toArray();
      expect(events.map((event) => event.id)).toEqual(acme.hits.map((hit) => hit.hit_id));
      expect(events[0]).toMatchObject({ provider: 'acme', source: 'acme.hits', disposition: 'blocked', client: { ip: '10.0.0.0' } });
    }
  });

  it('resumes from a checkpoint with no record lost or repeated', async () => {
    const seen: string[] = [];
    const first = client().hits({ pageSize: 7 });
    for await (const event of first) {
      seen.push(event.id);
      if (seen.length === 18) break;
    }
    const checkpoint = first.checkpoint();
    expect(checkpoint.source).toBe('acme.hits');
    for await (const event of client().hits({ pageSize: 7 }, { resume: checkpoint })) seen.push(event.id);
    expect(seen).toEqual(acme.hits.map((hit) => hit.hit_id));
  });

  it('pages a second source with signed POST requests whose JSON body carries the filters and cursor', async () => {
    const before = acme.bodies.length;
    const blocked = acme.hits.filter((hit) => hit.blocked).map((hit) => hit.hit_id);
    for (const concurrency of [1, 4]) {
      const events = await client(concurrency).search({ blocked: true, first: 4 }).toArray();
      expect(events.map((event) => event.id)).toEqual(blocked);
      expect(events.every((event) => event.source === 'acme.search' && event.disposition === 'blocked')).toBe(true);
    }
    const pages = Math.ceil(blocked.length / 4);
    expect(acme.bodies.slice(before, before + pages)).toEqual(Array.from({ length: pages }, (_, i) => ({ blocked: true, first: 4, ...(i ? { after: String(i * 4) } : { after: null }) })));
  });

  it('resumes the POST-paged source from its own checkpoint', async () => {
    const first = client().search({ first: 6 });
    const seen: string[] = [];
    for await (const event of first) {
      seen.push(event.id);
      if (seen.length === 9) break;
    }
    expect(first.checkpoint().source).toBe('acme.search');
    for await (const event of client().search({ first: 6 }, { resume: first.checkpoint() })) seen.push(event.id);
    expect(seen).toEqual(acme.hits.map((hit) => hit.hit_id));
  });

  it('rejects a checkpoint of another query before any request', () => {
    const checkpoint = client().hits({ pageSize: 7 }).checkpoint();
    const before = acme.requests.length;
    expect(() => client().hits({ pageSize: 8 }, { resume: checkpoint })).toThrow(/resume/);
    expect(acme.requests.length).toBe(before);
  });

  it('merges with a built-in provider as a typed source of its own', async () => {
    const gateway = await serveRaw((_req, res, { url }) => sendJson(res, gcorePage(url, 30)));
    try {
      const waap = createGcoreClient({ apiKey: 'k', baseUrl: gateway.url });
      const merged = mergeEvents([client().hits({ pageSize: 7 }), waap.requests({ start: new Date(GCORE_END_MS - 3_600_000), end: new Date(GCORE_END_MS) })]);
      expectTypeOf<typeof merged extends AsyncIterable<infer E> ? E : never>().toEqualTypeOf<AcmeEvent | GcoreEvent>();
      const events: Array<AcmeEvent | GcoreEvent> = [];
      for await (const event of merged) {
        if (event.source === 'acme.hits') expectTypeOf(event.raw.hit_id).toEqualTypeOf<string>();
        else expectTypeOf(event.raw).toEqualTypeOf<GcoreEvent['raw']>();
        events.push(event);
      }
      expect(events.filter((event) => event.source === 'acme.hits')).toHaveLength(50);
      expect(events.filter((event) => event.source === 'gcore.waap')).toHaveLength(30);
      const times = events.map((event) => event.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    } finally {
      await gateway.close();
    }
  });
});
