import { describe, expect, it } from 'vitest';
import { PaginationError, ResponseValidationError } from '../../../src/core/errors.js';
import { advance, anchor, narrow, placer, queryBounds, reachOf, strideOf, within, type OffsetWindow } from '../../../src/core/strategies/offset-window.js';
import { InvalidRecord } from '../../../src/core/validate.js';

interface Rec {
  id: string;
  t: number;
}

const whole: OffsetWindow = { start: 1_000, end: 2_000, lo: 1_000, hi: 2_000 };
const place = (win: OffsetWindow) => placer<Rec>(win, (r) => r.t, (r) => r.id);
const invalid = new InvalidRecord({ t: 1_500 }, [{ path: 'id', message: 'is required' }], new ResponseValidationError('gcore', '/p', []));

describe('offset window: the page grid', () => {
  it('pages of more than one record overlap by one; a page of one cannot', () => {
    expect(strideOf(100)).toBe(99);
    expect(strideOf(2)).toBe(1);
    expect(strideOf(1)).toBe(1);
  });

  it('the reach ends with the full page that starts at the last grid point under the offset cap', () => {
    // Grid 0, 99, …, 99 990 (the last multiple of 99 <= 100 000): that page holds records 99 990..100 089.
    expect(reachOf(100, 100_000)).toBe(100_090);
    // A cap on the grid: the page at the cap itself is readable.
    expect(reachOf(10, 99)).toBe(109);
    expect(reachOf(1, 20)).toBe(21);
  });
});

describe('offset window: query bounds and the inner-edge trim', () => {
  it('sends the caller’s outer edges as they are and an inner lower edge one millisecond wider', () => {
    expect(queryBounds(whole)).toEqual({ startMs: 1_000, endMs: 2_000 });
    expect(queryBounds({ ...whole, lo: 1_500, hi: 1_800 })).toEqual({ startMs: 1_499, endMs: 1_800 });
  });

  it('keeps records on the outer edges (the provider decides there) and trims inner edges half-open, [lo, hi)', () => {
    const outer = place(whole);
    expect(outer({ id: 'a', t: 1_000 })).toEqual({ t: 1_000, id: 'a' });
    expect(outer({ id: 'b', t: 2_000 })).toEqual({ t: 2_000, id: 'b' });

    const inner = place({ ...whole, lo: 1_500, hi: 1_800 });
    expect(inner({ id: 'c', t: 1_499 })).toBeUndefined(); // the widened millisecond: the next window's
    expect(inner({ id: 'd', t: 1_500 })).toEqual({ t: 1_500, id: 'd' });
    expect(inner({ id: 'e', t: 1_799 })).toEqual({ t: 1_799, id: 'e' });
    expect(inner({ id: 'f', t: 1_800 })).toBeUndefined(); // a split instant belongs to the window on its newer side
  });

  it('within: a sorted page lies inside when its first (from `from` on) and last records do', () => {
    const where = place({ ...whole, lo: 1_500, hi: 1_800 });
    const page = [{ id: 'x', t: 1_800 }, { id: 'y', t: 1_700 }, { id: 'z', t: 1_500 }];
    expect(within(page, 0, where)).toBe(false); // x sits on the exclusive inner hi
    expect(within(page, 1, where)).toBe(true);
    expect(within([...page, { id: 'w', t: 1_499 }], 1, where)).toBe(false);
    expect(within([page[1]!, invalid], 0, where)).toBe(false); // an invalid record has no time to go by
    expect(within([invalid, page[1]!], 0, where)).toBe(false);
    expect(within(page, 3, where)).toBe(false); // nothing from `from` on
  });
});

describe('offset window: narrow', () => {
  it('aims at 80 % of the reach, assuming an even spread, from the side read last', () => {
    // 1 000 ms holding 10 000 records, reach 1 000: 80 ms hold about 800.
    expect(narrow(whole, 10_000, 1_000, 'desc')).toEqual({ ...whole, lo: 1_920, hi: 2_000 });
    expect(narrow(whole, 10_000, 1_000, 'asc')).toEqual({ ...whole, lo: 1_000, hi: 1_080 });
  });

  it('at least halves, however little the total exceeds the reach', () => {
    expect(narrow(whole, 1_001, 1_000, 'desc')).toEqual({ ...whole, lo: 1_500 });
    expect(narrow(whole, 1_001, 1_000, 'asc')).toEqual({ ...whole, hi: 1_500 });
  });

  it('keeps at least one millisecond, and refuses a millisecond holding more than the reach', () => {
    expect(narrow({ ...whole, lo: 1_000, hi: 1_002 }, 1e9, 10, 'desc')).toEqual({ ...whole, lo: 1_001, hi: 1_002 });
    expect(() => narrow({ ...whole, lo: 1_500, hi: 1_501 }, 11, 10, 'desc')).toThrow(PaginationError);
    expect(() => narrow({ ...whole, lo: 1_500, hi: 1_501 }, 11, 10, 'desc')).toThrow(/more than 10 records fall within a millisecond of 1970-01-01T00:00:01.500Z/);
  });
});

describe('offset window: anchor', () => {
  const win = { ...whole, lo: 1_200, hi: 1_800 };

  it('without a frontier the window stays as it is', () => {
    expect(anchor(win, undefined, 'desc')).toBe(win);
  });

  it('desc: the rest lies below the frontier, its own millisecond included', () => {
    expect(anchor(win, 1_500, 'desc')).toEqual({ ...win, hi: 1_501 });
    expect(anchor(win, 1_900, 'desc')).toEqual(win); // above the window: nothing to cut
    expect(anchor(win, 1_100, 'desc')).toEqual({ ...win, hi: 1_200 }); // below it: an empty rest, lo == hi
  });

  it('asc: the rest lies from the frontier on, its own millisecond included', () => {
    expect(anchor(win, 1_500, 'asc')).toEqual({ ...win, lo: 1_500 });
    expect(anchor(win, 1_100, 'asc')).toEqual(win);
    expect(anchor(win, 1_900, 'asc')).toEqual({ ...win, lo: 1_800 });
  });
});

describe('offset window: advance', () => {
  it('desc walks down to the caller’s start, then ends', () => {
    const win = { ...whole, lo: 1_800, hi: 2_000 };
    expect(advance(win, 900, 1_000, 'desc')).toEqual({ ...whole, lo: 1_600, hi: 1_800 });
    expect(advance({ ...whole, lo: 1_100, hi: 1_300 }, 900, 1_000, 'desc')).toEqual({ ...whole, lo: 1_000, hi: 1_100 });
    expect(advance({ ...whole, lo: 1_000, hi: 1_100 }, 900, 1_000, 'desc')).toBeUndefined();
  });

  it('asc walks up to the caller’s end, then ends', () => {
    const win = { ...whole, lo: 1_000, hi: 1_200 };
    expect(advance(win, 900, 1_000, 'asc')).toEqual({ ...whole, lo: 1_200, hi: 1_400 });
    expect(advance({ ...whole, lo: 1_700, hi: 1_900 }, 900, 1_000, 'asc')).toEqual({ ...whole, lo: 1_900, hi: 2_000 });
    expect(advance({ ...whole, lo: 1_900, hi: 2_000 }, 900, 1_000, 'asc')).toBeUndefined();
  });

  it('widens after a sparse window: 4× under a quarter of the reach, 2× under half, else the same span', () => {
    const win = { ...whole, lo: 1_900, hi: 1_910 };
    expect(advance(win, 249, 1_000, 'desc')).toEqual({ ...whole, lo: 1_860, hi: 1_900 });
    expect(advance(win, 250, 1_000, 'desc')).toEqual({ ...whole, lo: 1_880, hi: 1_900 });
    expect(advance(win, 499, 1_000, 'desc')).toEqual({ ...whole, lo: 1_880, hi: 1_900 });
    expect(advance(win, 500, 1_000, 'desc')).toEqual({ ...whole, lo: 1_890, hi: 1_900 });
  });

  it('an empty window (lo == hi, after an anchor) still moves on by at least a millisecond', () => {
    expect(advance({ ...whole, lo: 1_500, hi: 1_500 }, 0, 1_000, 'asc')).toEqual({ ...whole, lo: 1_500, hi: 1_501 });
  });
});
