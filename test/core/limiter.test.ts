import { describe, expect, it } from 'vitest';
import { RequestLimiter } from '../../src/core/limiter.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('RequestLimiter', () => {
  it('lets `concurrency` requests through and queues the rest in arrival order', async () => {
    const limiter = new RequestLimiter({ concurrency: 2 });
    const order: number[] = [];
    const tickets = await Promise.all([limiter.acquire(), limiter.acquire()]);
    const waiting = [3, 4, 5].map((n) => limiter.acquire().then((t) => (order.push(n), t)));
    await tick();
    expect(limiter.inFlight).toBe(2);
    expect(order).toEqual([]);
    limiter.release(tickets[0]!, 'ok');
    await tick();
    expect(order).toEqual([3]);
    limiter.release(tickets[1]!, 'ok');
    limiter.release(await waiting[0]!, 'ok');
    await Promise.all(waiting);
    expect(order).toEqual([3, 4, 5]);
    expect(limiter.inFlight).toBe(2);
  });

  // Issue 9 replaced halving-and-climbing-back (AIMD) with a limiter that remembers the level answered 429.
  it('drops below the level answered 429, once per burst, never below 1', async () => {
    const changes: string[] = [];
    const limiter = new RequestLimiter({ concurrency: 8, onChange: (a, b) => changes.push(`${a}>${b}`) });
    const burst = await Promise.all(Array.from({ length: 8 }, () => limiter.acquire()));
    // Levels 1..8 were sent; the provider refused 6, 7 and 8 (it takes 5 at once).
    for (const ticket of burst.slice(5)) limiter.release(ticket, 'rate_limited');
    for (const ticket of burst.slice(0, 5)) limiter.release(ticket, 'ok');
    expect(limiter.ceiling).toBe(6);
    expect(limiter.limit).toBe(5);
    expect(changes).toEqual(['8>5']); // three 429s of one burst: one step down, to the lowest level refused
    const one = new RequestLimiter({ concurrency: 2 });
    for (let i = 0; i < 3; i++) one.release(await one.acquire(), 'rate_limited');
    expect(one.limit).toBe(1);
  });

  it('climbs one per run of successes below the ceiling, and probes above it only rarely, ever more rarely', async () => {
    const limiter = new RequestLimiter({ concurrency: 4 });
    const held = await Promise.all(Array.from({ length: 4 }, () => limiter.acquire()));
    limiter.release(held[3]!, 'rate_limited'); // level 4 refused: the ceiling is 4
    limiter.release(held[2]!, 'rate_limited'); // level 3 too: ceiling 3, limit 2
    limiter.release(held[1]!, 'ok');
    limiter.release(held[0]!, 'ok');
    expect(limiter.limit).toBe(2);
    /** Runs `n` rounds of `limit` parallel requests; returns how many successes it took to see the limit rise. */
    const successesUntilProbe = async (answer: (level: number) => 'ok' | 'rate_limited') => {
      const before = limiter.limit;
      let successes = 0;
      while (limiter.limit === before && successes < 10_000) {
        const tickets = await Promise.all(Array.from({ length: limiter.limit }, () => limiter.acquire()));
        for (const t of tickets) {
          limiter.release(t, answer(t.level));
          if (answer(t.level) === 'ok') successes++;
        }
      }
      return successes;
    };
    const first = await successesUntilProbe(() => 'ok');
    expect(limiter.limit).toBe(3);
    expect(first).toBeGreaterThanOrEqual(30); // not after 2 successes, as additive increase would
    // The probe at level 3 is refused again: back to 2, and the next probe waits twice as long.
    const probe = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    for (const t of probe) limiter.release(t, t.level >= 3 ? 'rate_limited' : 'ok');
    expect(limiter.limit).toBe(2);
    const second = await successesUntilProbe(() => 'ok');
    expect(second).toBeGreaterThanOrEqual(first * 1.8);
    // This time level 3 is accepted: the ceiling moves up, and the climb to 4 is again a rare probe.
    const accepted = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    for (const t of accepted.reverse()) limiter.release(t, 'ok');
    expect(limiter.ceiling).toBe(4);
    expect(await successesUntilProbe(() => 'ok')).toBeGreaterThanOrEqual(30);
    expect(limiter.limit).toBe(4);
  });

  it('spaces request starts to honour maxRequestsPerSecond', async () => {
    const limiter = new RequestLimiter({ concurrency: 10, maxRequestsPerSecond: 50 });
    const t0 = performance.now();
    for (let i = 0; i < 6; i++) limiter.release(await limiter.acquire(), 'ok');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95); // 5 gaps of 20 ms
  });

  it('an abort while queued rejects with the reason and leaves no waiter behind', async () => {
    const limiter = new RequestLimiter({ concurrency: 1 });
    const held = await limiter.acquire();
    const controller = new AbortController();
    const queued = limiter.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(queued).rejects.toThrow('stop');
    limiter.release(held, 'ok');
    expect(limiter.inFlight).toBe(0);
    limiter.release(await limiter.acquire(), 'ok');
    expect(limiter.inFlight).toBe(0);
  });
});
