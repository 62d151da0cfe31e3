import { PaginationError } from '../errors.js';
import { InvalidRecord } from '../validate.js';
import { strideOf } from './offset-window.js';

/** What a window read does after a page was delivered. */
export type ChainStep = { kind: 'more' } | { kind: 'done' } | { kind: 'repair'; reason: string; size: number };

/**
 * The chain of overlapping pages that reads one window of `total` records at `size` per page: the offsets to
 * fetch, and what each page must show for the read to still be exact. Consecutive pages overlap by one record
 * (page k starts at `k × (size − 1)`), so a page edge that shifted because records were inserted or deleted
 * before it shows as a first record that is not the one the page before ended with. A changed `count` and an
 * empty page show the data moved by themselves; a short page shows the provider serves smaller pages than asked.
 * Each of those ends the chain; the strategy re-anchors the read and starts a new one.
 *
 * Pages are checked in offset order: `broken` before a page is delivered, `settle` after. Holds no records, only
 * the overlap record's key and whether the last page was longer than asked.
 */
export class OffsetChain<Raw> {
  readonly stride: number;
  /** A page of one record cannot overlap; such a chain only has `count` and empty pages to go by. */
  readonly #overlap: boolean;
  /** The key the next page must start with: the last record of the page before. */
  #edge: string | undefined;
  /** The last page held more records than asked: its successor re-serves some, so it is not known fresh. */
  #long = false;

  constructor(
    readonly total: number,
    readonly size: number,
    readonly maxOffset: number,
    readonly keyOf: (item: Raw | InvalidRecord) => string,
  ) {
    this.stride = strideOf(size);
    this.#overlap = this.stride < size;
  }

  /** The offset to prefetch after `offset`, or undefined once past the total or the provider's offset cap. */
  after(offset: number): number | undefined {
    const next = offset + this.stride;
    return next < this.total && next <= this.maxOffset ? next : undefined;
  }

  /** Why the page at `offset` shows that the data moved since the chain began, or undefined when it continues it. */
  broken(offset: number, total: number, items: ReadonlyArray<Raw | InvalidRecord>): string | undefined {
    if (offset === 0) return undefined;
    if (total !== this.total) return `the window's count changed from ${this.total} to ${total} during the read`;
    if (items.length === 0) return `an empty page at offset ${offset} though the count says ${this.total}`;
    if (this.#overlap && this.keyOf(items[0]!) !== this.#edge) {
      return `the page at offset ${offset} did not start with the record that ended the page before it`;
    }
    return undefined;
  }

  /**
   * The index from which the page at `offset` (not `broken`) holds only records the chain has not delivered: 1,
   * past the overlap record. Undefined for the chain's first page and after a long page: each of its records must
   * then go through the frontier.
   */
  freshFrom(offset: number): number | undefined {
    return offset > 0 && this.#overlap && !this.#long ? 1 : undefined;
  }

  /** Records the page at `offset` as delivered and says what comes next. */
  settle(offset: number, items: ReadonlyArray<Raw | InvalidRecord>): ChainStep {
    this.#long = items.length > this.size;
    if (offset + items.length >= this.total) return { kind: 'done' };
    if (items.length < this.size) {
      // More remain, yet the page is short: the provider serves smaller pages than asked. Its size wins.
      return { kind: 'repair', reason: `the provider served ${items.length} records where ${this.size} were asked`, size: Math.max(1, items.length) };
    }
    this.#edge = this.#overlap ? this.keyOf(items[this.stride]!) : undefined;
    if (offset + this.stride > this.maxOffset) {
      throw new PaginationError(
        `records ${offset + this.stride}..${this.total - 1} of a window lie past the provider's offset cap (${this.maxOffset}); the data changed under a closed window`,
      );
    }
    return { kind: 'more' };
  }
}

/** The key the overlap compares: a record's id, or the whole body of a record that has no readable id. */
export function overlapKey<Raw>(idOf: (raw: Raw) => string): (item: Raw | InvalidRecord) => string {
  return (item) => (item instanceof InvalidRecord ? `invalid:${JSON.stringify(item.raw)}` : `id:${idOf(item)}`);
}
