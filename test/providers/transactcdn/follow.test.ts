import { afterEach, describe, expect, it } from 'vitest';
import { createTransactCdnClient } from '../../../src/providers/transactcdn/client.js';
import { makeArrivals, serveArrivals, virtualClock, type ArrivalFake } from '../../support/arrival-fake.js';

const MIN = 60_000;
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
let fake: ArrivalFake | undefined;
afterEach(async () => fake?.close());

describe('TransactCDN followWafEvents over a loopback fake', () => {
  it('reads the newest-first log in sorted whole-second sub-windows: exactly once, oldest first per sub-window', async () => {
    const lagMs = 2 * MIN;
    const overlapMs = MIN;
    const arrivals = makeArrivals({ startMs: T0, endMs: T0 + 20 * MIN, everyMs: 400, lagMs, overlapMs, seed: 3 });
    const clock = virtualClock(T0 + 10 * MIN);
    fake = await serveArrivals({ arrivals, now: clock.now });
    const cdn = createTransactCdnClient({ token: 'tok', accountNumber: '0001', baseUrl: fake.url });
    const controller = new AbortController();
    const sleep = clock.sleep;
    clock.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      if (clock.now() > T0 + 30 * MIN) controller.abort();
    };
    const stream = cdn.followWafEvents({}, { from: T0, lagMs, overlapMs, intervalMs: 10_000, clock, signal: controller.signal, maxBufferedEvents: 500 });
    const ids: string[] = [];
    for await (const event of stream) ids.push(event.id);
    await cdn.close();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(arrivals.map((a) => a.id).sort());
    // Whole seconds on the wire.
    expect(fake.urls.every((u) => /start_time=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d&/.test(u))).toBe(true);
  });

  it('one follow per event log, with validated filters', () => {
    const cdn = createTransactCdnClient({ token: 'tok', accountNumber: '0001', baseUrl: 'http://127.0.0.1:9' });
    expect(typeof cdn.followRateLimitingEvents({}).stats).toBe('function');
    expect(() => cdn.followWafEvents({ filters: { Nope: 'x' } as never })).toThrow(/Nope/);
  });
});
