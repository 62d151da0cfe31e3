import { describe, expect, it } from 'vitest';
import { totalFraction } from '../../src/cli/export.js';
import type { Readable } from '../../src/cli/sources.js';

const stream = (events: number, total?: number): Readable => ({
  checkpoint: () => null,
  stats: () => ({ events, pages: 1, total }),
  async *[Symbol.asyncIterator]() {},
});

describe('export progress from the providers\' totals', () => {
  it('is delivered events over the summed totals when every source tells one', () => {
    expect(totalFraction([stream(25, 100), stream(50, 100)])).toBe(0.375);
  });
  it('is unknown when any source tells no total (the time window is used then), or the total is zero', () => {
    expect(totalFraction([stream(25, 100), stream(5)])).toBeUndefined();
    expect(totalFraction([stream(0, 0)])).toBeUndefined();
  });
});
