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
