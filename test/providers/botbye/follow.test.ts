import { afterEach, describe, expect, it } from 'vitest';
import { createBotByeClient } from '../../../src/providers/botbye/client.js';
import { makeArrivals, serveArrivals, virtualClock, type ArrivalFake } from '../../support/arrival-fake.js';

const MIN = 60_000;
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
let fake: ArrivalFake | undefined;
afterEach(async () => fake?.close());

describe('BotBye follow over a loopback fake', () => {
  it('polls createdAt windows joined to the caller where, createdAt ascending: exactly once', async () => {
    const lagMs = MIN;
    const overlapMs = MIN;
    const arrivals = makeArrivals({ startMs: T0, endMs: T0 + 15 * MIN, everyMs: 2000, lagMs, overlapMs, seed: 5 });
    const clock = virtualClock(T0);
    fake = await serveArrivals({ arrivals, now: clock.now });
    const bots = createBotByeClient({ apiKey: 'key', accountId: 'acc', baseUrl: fake.url });
    const controller = new AbortController();
    const sleep = clock.sleep;
    clock.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      if (clock.now() > T0 + 25 * MIN) controller.abort();
    };
    const stream = bots.follow({ projectId: 'p1', where: (w) => w.eq('isProtected', true) }, { from: T0, lagMs, overlapMs, intervalMs: 10_000, clock, signal: controller.signal });
    const ids: string[] = [];
    for await (const event of stream) ids.push(event.id);
    await bots.close();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(arrivals.map((a) => a.id).sort());
    const query = new URL(fake.urls[0]!, 'http://x').searchParams;
    expect(JSON.parse(query.get('order_by')!)).toEqual({ fieldPath: 'createdAt', direction: 'ASC' });
    expect(query.get('where')).toContain('"isProtected"');
    expect(query.get('where')).toContain('"gte"');
  });
});
