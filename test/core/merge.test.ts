import { describe, expect, it } from 'vitest';
import { mergeEvents } from '../../src/core/merge.js';

function source(times: number[], options: { failFirst?: boolean } = {}) {
  const state = { closed: false };
  const iterable: AsyncIterable<{ time: Date; n: number }> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next() {
          if (options.failFirst) throw new Error('first page failed');
          return i < times.length ? { value: { time: new Date(times[i]!), n: times[i++]! }, done: false } : { value: undefined, done: true };
        },
        async return() {
          state.closed = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { iterable, state };
}

describe('mergeEvents', () => {
  it('interleaves newest first, or oldest first when asked', async () => {
    const out: number[] = [];
    for await (const e of mergeEvents([source([9, 5, 1]).iterable, source([8, 7, 2]).iterable])) out.push(e.n);
    expect(out).toEqual([9, 8, 7, 5, 2, 1]);
    const asc: number[] = [];
    for await (const e of mergeEvents([source([1, 5]).iterable, source([2, 3]).iterable], { order: 'asc' })) asc.push(e.n);
    expect(asc).toEqual([1, 2, 3, 5]);
  });

  it('closes every other input when one fails on its first page', async () => {
    const good = source([3, 2, 1]);
    const bad = source([], { failFirst: true });
    await expect(mergeEvents([good.iterable, bad.iterable]).next()).rejects.toThrow('first page failed');
    expect(good.state.closed).toBe(true);
  });

  it('closes every input when the consumer breaks', async () => {
    const a = source([3, 2, 1]);
    const b = source([4]);
    for await (const e of mergeEvents([a.iterable, b.iterable])) if (e.n === 3) break;
    expect(a.state.closed).toBe(true);
  });
});

describe('mergeEvents combined checkpoint', () => {
  it('resumes follow streams merged by arrival without losing the events the merge had read ahead', async () => {
    const { followStream } = await import('../../src/core/follow.js');
    const { virtualClock } = await import('../support/arrival-fake.js');
    const { memorySource } = await import('../support/follow-source.js');
    const T0 = Date.parse('2026-11-22T00:00:00Z');
    const make = (prefix: string) => Array.from({ length: 250 }, (_, i) => ({ id: `${prefix}${i}`, time: T0 + i * 1000, visibleAt: 0 }));
    const clock = virtualClock(T0 + 3_600_000);
    const a = memorySource(make('a'), clock.now, { pageSize: 7 });
    const b = memorySource(make('b'), clock.now, { pageSize: 11 });
    const options = { from: T0, lagMs: 0, overlapMs: 60_000, intervalMs: 1000, clock };
    // Fails fast instead of waiting for events that will never come.
    const give = setTimeout(() => controller.abort(), 5000);
    const delivered: string[] = [];
    const controller = new AbortController();
    const first = mergeEvents([followStream(a.spec, options), followStream(b.spec, options)], { order: 'arrival' });
    for await (const e of first) {
      delivered.push(e.id);
      if (delivered.length === 123) break;
    }
    const [ca, cb] = first.checkpoint().inputs as [never, never];
    const second = mergeEvents([followStream(a.spec, { ...options, from: ca, signal: controller.signal }), followStream(b.spec, { ...options, from: cb, signal: controller.signal })], { order: 'arrival' });
    for await (const e of second) {
      delivered.push(e.id);
      if (delivered.length === 500) controller.abort();
    }
    clearTimeout(give);
    expect(new Set(delivered).size).toBe(500);
  });
});
