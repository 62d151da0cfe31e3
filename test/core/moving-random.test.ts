import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPaginationError } from '../../src/core/errors.js';
import { drain, reader, type Reader } from '../support/moving/clients.js';
import { movingRecords, startMovingServer, type Dataset, type MovingRecord, type MovingServer, type Style } from '../support/moving/server.js';

/**
 * Seeded random schedules of inserts and deletes during a read, across the three paging styles. Each asserts:
 * (1) the requests stay bounded, (3) every record that existed from the first request to the last is delivered
 * exactly once and nothing else but records inserted or deleted meanwhile, (4) no id twice, and a read that ends
 * in PaginationError resumes from its checkpoint to the same exact set. Set WAFSTREAM_SEED to replay a failure.
 *
 * Page-number paging (TransactCDN) is read by time shards with the default concurrency (4 in flight), and its
 * server holds some answers a few ms, so answers come back out of order and inserts and deletes land between them.
 * Deletes are left out only where a single second holds a page or more (`dense` schedules): such a second cannot
 * be cut by time and is read by page number, where a delete ahead of a page boundary shifts it without a sign.
 */
const SEED = Number(process.env.WAFSTREAM_SEED ?? Date.now() % 1_000_000_007);
const PER_STYLE = 70;
const T0 = Math.floor(Date.now() / 1000) * 1000 - 7_200_000;

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Schedule {
  records: MovingRecord[];
  pageSize: number;
  span: number;
  events: Array<{ at: number; kind: 'insert' | 'delete' | 'expire'; count: number }>;
  /** Page style: requests held before they are answered (ms), so answers overtake each other. */
  holds: number[];
}

function schedule(style: Style, random: () => number, index: number): Schedule {
  const n = 60 + Math.floor(random() * 200);
  // Some schedules pack several records into one millisecond, to exercise the id tie-breaker.
  const step = random() < 0.3 ? 0.5 : 1 + Math.floor(random() * 1500);
  const records = movingRecords(n, T0, step, `s${index}-`);
  const pageSize = 10 + Math.floor(random() * 30);
  // A second holding a page or more is read by page number (see the note at the top).
  const dense = step * pageSize < 1000;
  const kinds: Array<'insert' | 'delete' | 'expire'> = style === 'page' && dense ? ['insert', 'expire'] : ['insert', 'delete', 'expire'];
  const events = Array.from({ length: Math.floor(random() * 6) }, () => ({
    at: 1 + Math.floor(random() * 10),
    kind: kinds[Math.floor(random() * kinds.length)]!,
    count: 1 + Math.floor(random() * 6),
  }));
  // Late inserts can fill a second to a page too (at most all of them in one second): then no deletes either.
  const late = events.reduce((sum, event) => sum + (event.kind === 'insert' ? event.count : 0), 0);
  if (style === 'page' && Math.ceil(1000 / step) + 1 + late >= pageSize) for (const event of events) if (event.kind === 'delete') event.kind = 'expire';
  const holds = style === 'page' ? Array.from({ length: 12 }, () => (random() < 0.4 ? 1 + Math.floor(random() * 12) : 0)) : [];
  return { records, pageSize, span: Math.max(1, Math.ceil(n * step)) + 1000, events, holds };
}

describe('moving server: random schedules of inserts and deletes', () => {
  const servers = new Map<Style, { server: MovingServer; client: Reader }>();
  beforeAll(async () => {
    for (const style of ['offset', 'page', 'cursor'] as const) {
      const server = await startMovingServer(style, []);
      servers.set(style, { server, client: reader(style, server) });
    }
  });
  afterAll(async () => {
    for (const { server, client } of servers.values()) {
      await client.close();
      await server.close();
    }
  });

  it(`holds invariants 1, 3 and 4 over ${3 * PER_STYLE} schedules (seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    let index = 0;
    for (let round = 0; round < PER_STYLE; round++) {
      for (const style of ['offset', 'page', 'cursor'] as const) {
        const plan = schedule(style, random, index++);
        const { server, client } = servers.get(style)!;
        const pick = mulberry32(SEED + index);
        const inserted = new Set<string>();
        const removed = new Set<string>();
        let serial = 0;
        const mutate = (n: number, data: Dataset) => {
          for (const event of plan.events) {
            if (event.at !== n) continue;
            if (event.kind === 'insert') {
              for (let i = 0; i < event.count; i++) {
                const record = { id: `late-${index}-${serial++}`, t: T0 + Math.floor(pick() * (plan.span - 1000)) };
                inserted.add(record.id);
                data.insert(record);
              }
            } else if (event.kind === 'expire') {
              for (const record of data.expireOldest(event.count)) removed.add(record.id);
            } else {
              const all = data.all;
              const doomed = Array.from({ length: event.count }, () => all[Math.floor(pick() * all.length)]?.id).filter((id): id is string => id !== undefined);
              for (const id of doomed) removed.add(id);
              data.delete(doomed);
            }
          }
        };
        server.reset(plan.records, { beforeRequest: mutate, holdMs: (n) => plan.holds[n - 1] ?? 0 });
        const spec = { startMs: T0, endMs: T0 + plan.span, pageSize: plan.pageSize };
        const context = `seed ${SEED}, schedule ${index} (${style}, ${plan.records.length} records, page ${plan.pageSize}, events ${JSON.stringify(plan.events)}${plan.holds.length ? `, holds ${JSON.stringify(plan.holds)}` : ''})`;

        const delivered: string[] = [];
        let stream = client.stream(spec);
        for (let attempt = 0; ; attempt++) {
          const { ids, error } = await drain(stream);
          delivered.push(...ids);
          if (error === undefined) break;
          expect(isPaginationError(error), `${context}: ${String(error)}`).toBe(true);
          expect(attempt, `${context}: still failing after resumes: ${String(error)}`).toBeLessThan(3);
          stream = client.stream({ ...spec, resume: JSON.parse(JSON.stringify(stream.checkpoint())) });
        }

        expect(delivered.length - new Set(delivered).size, `${context}: duplicates`).toBe(0);
        const got = new Set(delivered);
        const throughout = plan.records.filter((r) => !removed.has(r.id)).map((r) => r.id);
        const missing = throughout.filter((id) => !got.has(id));
        expect(missing, `${context}: records present throughout were not delivered`).toEqual([]);
        const known = new Set([...plan.records.map((r) => r.id), ...inserted]);
        expect(delivered.filter((id) => !known.has(id)), `${context}: unknown ids`).toEqual([]);
        const pages = Math.ceil(plan.records.length / (plan.pageSize - 1)) + 1;
        expect(server.requests(), `${context}: requests`).toBeLessThanOrEqual(2 * pages + 6 * (plan.events.length + 1));
      }
    }
  }, 30_000);
});
