import { describe, expect, it } from 'vitest';
import { PaginationError, ResponseValidationError } from '../../../src/core/errors.js';
import { OffsetChain, overlapKey } from '../../../src/core/strategies/offset-chain.js';
import { InvalidRecord } from '../../../src/core/validate.js';

interface Rec {
  id: string;
}

const keyOf = overlapKey<Rec>((r) => r.id);
/** Records `from`..`to - 1` of a provider's result set, as one page. */
const recs = (from: number, to: number): Rec[] => Array.from({ length: to - from }, (_, i) => ({ id: `r${from + i}` }));
const chain = (total: number, size: number, maxOffset = 100_000) => new OffsetChain<Rec>(total, size, maxOffset, keyOf);

describe('offset chain: the offsets', () => {
  it('steps by size − 1 below the total', () => {
    const c = chain(25, 10);
    expect(c.stride).toBe(9);
    expect([c.after(0), c.after(9), c.after(18)]).toEqual([9, 18, undefined]);
  });

  it('never plans past the provider’s offset cap', () => {
    const c = chain(1_000, 10, 20);
    expect([c.after(9), c.after(18)]).toEqual([18, undefined]);
  });

  it('a page of one record steps by one', () => {
    expect(chain(3, 1).after(0)).toBe(1);
  });
});

describe('offset chain: a page that continues the chain', () => {
  it('starts with the record the page before ended with; the rest is fresh', () => {
    const c = chain(25, 10);
    expect(c.broken(0, 25, recs(0, 10))).toBeUndefined();
    expect(c.freshFrom(0)).toBeUndefined(); // the first page: every record meets the frontier
    expect(c.settle(0, recs(0, 10))).toEqual({ kind: 'more' });
    expect(c.broken(9, 25, recs(9, 19))).toBeUndefined();
    expect(c.freshFrom(9)).toBe(1);
    expect(c.settle(9, recs(9, 19))).toEqual({ kind: 'more' });
    expect(c.broken(18, 25, recs(18, 25))).toBeUndefined();
    expect(c.settle(18, recs(18, 25))).toEqual({ kind: 'done' });
  });

  it('a window that fits one page is done after it', () => {
    expect(chain(7, 10).settle(0, recs(0, 7))).toEqual({ kind: 'done' });
  });
});

describe('offset chain: the signs that the data moved', () => {
  const started = (total = 25) => {
    const c = chain(total, 10);
    c.settle(0, recs(0, 10));
    return c;
  };

  it('a record inserted before the edge: the page starts one record early', () => {
    expect(started().broken(9, 26, recs(8, 18))).toMatch(/count changed from 25 to 26/);
  });

  it('one inserted and one deleted before the edge (same count): the overlap record does not match', () => {
    expect(started().broken(9, 25, recs(10, 20))).toBe('the page at offset 9 did not start with the record that ended the page before it');
  });

  it('an empty page while the count says more', () => {
    expect(started().broken(9, 25, [])).toBe('an empty page at offset 9 though the count says 25');
  });

  it('a short page: the provider’s page size wins', () => {
    const c = started();
    expect(c.settle(9, recs(9, 14))).toEqual({ kind: 'repair', reason: 'the provider served 5 records where 10 were asked', size: 5 });
  });

  it('a short first page too', () => {
    expect(chain(25, 10).settle(0, recs(0, 4))).toEqual({ kind: 'repair', reason: 'the provider served 4 records where 10 were asked', size: 4 });
  });

  it('a page of one record has no overlap to compare: only the count and empty pages count', () => {
    const c = chain(3, 1);
    c.settle(0, recs(0, 1));
    expect(c.broken(1, 3, recs(5, 6))).toBeUndefined();
    expect(c.freshFrom(1)).toBeUndefined();
    expect(c.broken(1, 4, recs(1, 2))).toMatch(/count changed/);
  });

  it('records more than the cap can reach though the count fit: PaginationError', () => {
    const c = chain(30, 10, 9);
    expect(() => c.settle(0, recs(0, 10))).not.toThrow();
    expect(() => c.settle(9, recs(9, 19))).toThrow(PaginationError);
    expect(() => chain(30, 10, 9).settle(9, recs(9, 19))).toThrow(/records 18\.\.29 of a window lie past the provider's offset cap \(9\)/);
  });
});

describe('offset chain: a page longer than asked', () => {
  it('its successor starts on the grid record, but is not known fresh: the frontier checks every record', () => {
    const c = chain(40, 10);
    expect(c.settle(0, recs(0, 15))).toEqual({ kind: 'more' });
    expect(c.broken(9, 40, recs(9, 19))).toBeUndefined(); // the edge is the record at the stride, not the page's last
    expect(c.freshFrom(9)).toBeUndefined();
    c.settle(9, recs(9, 19));
    expect(c.freshFrom(18)).toBe(1);
  });
});

describe('offset chain: the overlap key', () => {
  it('an id, or the whole body of a record without a readable id', () => {
    const bad = new InvalidRecord({ t: 5 }, [{ path: 'id', message: 'is required' }], new ResponseValidationError('gcore', '/p', []));
    expect(keyOf({ id: 'a' })).toBe('id:a');
    expect(keyOf(bad)).toBe('invalid:{"t":5}');
    // An id that happens to spell like a body never matches a record without one.
    expect(keyOf({ id: 'invalid:{"t":5}' })).not.toBe(keyOf(bad));
  });

  it('a record without an id ending a page continues the chain when the same record starts the next', () => {
    const bad = new InvalidRecord({ t: 5 }, [], new ResponseValidationError('gcore', '/p', []));
    const c = chain(25, 3);
    c.settle(0, [{ id: 'a' }, { id: 'b' }, bad]);
    expect(c.broken(2, 25, [new InvalidRecord({ t: 5 }, [], new ResponseValidationError('gcore', '/p', [])), { id: 'c' }, { id: 'd' }])).toBeUndefined();
  });
});
