import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGcoreClient } from '../../../src/providers/gcore/client.js';
import { memoryCheckpointStore } from '../../../src/core/checkpoint-store.js';
import { makeArrivals, serveArrivals, virtualClock, type ArrivalFake } from '../../support/arrival-fake.js';

const MIN = 60_000;
// In the wall clock's past: the list methods pin open windows to the system clock, so simulated time stays behind it.
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
let fake: ArrivalFake | undefined;
afterEach(async () => fake?.close());

describe('Gcore follow over a loopback fake', () => {
  it('survives a 10-minute 503 outage in a 30-minute run with late arrivals: every event exactly once', async () => {
    const lagMs = 2 * MIN;
    const overlapMs = MIN;
    const arrivals = makeArrivals({ startMs: T0, endMs: T0 + 30 * MIN, everyMs: 1500, lagMs, overlapMs, seed: 7 });
    const clock = virtualClock(T0);
    fake = await serveArrivals({ arrivals, now: clock.now, down: (now) => now >= T0 + 10 * MIN && now < T0 + 20 * MIN });
    const warn = vi.fn();
    // No transport retries: the follow's own backoff (on the test clock) rides out the outage.
    const waap = createGcoreClient({ apiKey: 'k', baseUrl: fake.url, maxRetries: 0, logger: { warn } });
    const controller = new AbortController();
    const stream = waap.follow({ decision: ['blocked'] }, { from: T0, lagMs, overlapMs, intervalMs: 15_000, clock, signal: controller.signal, store: memoryCheckpointStore() });
    const ids: string[] = [];
    const sleep = clock.sleep;
    clock.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      if (clock.now() > T0 + 45 * MIN) controller.abort();
    };
    for await (const event of stream) {
      expect(event.source).toBe('gcore.waap');
      ids.push(event.id);
    }
    await waap.close();
    expect(fake.failures()).toBeGreaterThan(0);
    expect(stream.stats().retries).toBeGreaterThan(0);
    expect(warn).toHaveBeenCalled();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(arrivals.map((a) => a.id).sort());
    // Oldest first was asked of the API, and the window stayed closed: end ≤ now − lag.
    expect(fake.urls.every((u) => u.includes('ordering=request_time'))).toBe(true);
    expect(stream.stats().behindMs).toBeLessThanOrEqual(15_000 + 1000);
  });

  it('refuses bad filters when follow is called, before any request', async () => {
    const waap = createGcoreClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    expect(() => waap.follow({ decision: ['nope' as 'blocked'] })).toThrow(/decision/);
  });
});

describe('mergeEvents over Gcore list streams', () => {
  it('resumes from a combined checkpoint with all 500 events, the read-ahead one included', async () => {
    const { mergeEvents } = await import('../../../src/core/merge.js');
    // Two sources with interleaved times: whenever the consumer stops, the other input holds a read-ahead event.
    const make = (prefix: string, offset: number) => Array.from({ length: 250 }, (_, i) => ({ id: `${prefix}${i}`, time: T0 + i * 2000 + offset, visibleAt: 0 }));
    const one = await serveArrivals({ arrivals: make('a', 0), now: Date.now });
    fake = await serveArrivals({ arrivals: make('b', 1000), now: Date.now });
    const a = createGcoreClient({ apiKey: 'k', baseUrl: one.url });
    const b = createGcoreClient({ apiKey: 'k', baseUrl: fake.url });
    const window = { start: T0, end: T0 + 500_000 };
    const open = (resume?: unknown[]) =>
      mergeEvents([a.requests(window, { resume: resume?.[0] as never }), b.requests(window, { resume: resume?.[1] as never })]);
    const ids: string[] = [];
    const first = open();
    for await (const e of first) {
      ids.push(e.id);
      if (ids.length === 300) break;
    }
    for await (const e of open(first.checkpoint().inputs)) ids.push(e.id);
    await Promise.all([a.close(), b.close(), one.close()]);
    expect(ids.length).toBe(500);
    expect(new Set(ids).size).toBe(500);
  });
});
