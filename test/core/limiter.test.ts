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

  it('halves on 429 (never below 1), counts a burst as one signal, and ramps back up on success', async () => {
    const changes: string[] = [];
    const limiter = new RequestLimiter({ concurrency: 8, onChange: (a, b) => changes.push(`${a}>${b}`) });
    const burst = await Promise.all(Array.from({ length: 8 }, () => limiter.acquire()));
    for (const ticket of burst) limiter.release(ticket, 'rate_limited');
    expect(limiter.limit).toBe(4); // eight 429s from one generation: one halving
    for (const expected of [2, 1, 1]) {
      limiter.release(await limiter.acquire(), 'rate_limited');
      expect(limiter.limit).toBe(expected);
    }
    let successes = 0;
    while (limiter.limit < 8) {
      limiter.release(await limiter.acquire(), 'ok');
      successes++;
    }
    expect(successes).toBe(1 + 2 + 3 + 4 + 5 + 6 + 7); // additive increase: a run as long as the limit per step
    expect(changes).toEqual(['8>4', '4>2', '2>1', '1>2', '2>3', '3>4', '4>5', '5>6', '6>7', '7>8']);
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
