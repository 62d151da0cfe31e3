import { z } from 'zod';
import { PaginationError } from '../errors.js';
import { OrderedQueue } from '../ordered.js';
import type { OpenPages, Page } from '../pager.js';

/**
 * Offset/limit paging over a closed time window, split into consecutive sub-windows whenever the
 * provider's offset cap would hide part of a window.
 *
 * A sub-window is half-open on its inner edges: a record at exactly a split instant belongs to the
 * window on its newer side. Because the provider may treat `start`/`end` as inclusive or exclusive,
 * an inner edge is queried one millisecond wider and the surplus is dropped here, by the record's own
 * time. The caller's outer `start`/`end` are sent exactly as given, so the provider's own semantics
 * hold there.
 */
export const offsetPositionSchema = z.strictObject({
  /** The caller's window, in epoch ms; `end` is pinned when the caller gave none. */
  start: z.number().int(),
  end: z.number().int(),
  /** The current sub-window. */
  lo: z.number().int(),
  hi: z.number().int(),
  /** The provider offset of the next record to read in the sub-window. */
  offset: z.number().int().nonnegative(),
});
export type OffsetPosition = z.infer<typeof offsetPositionSchema>;

export interface OffsetRequest {
  /** Query bounds to send, in epoch ms. */
  startMs: number;
  endMs: number;
  offset: number;
  limit: number;
  signal: AbortSignal;
}

export interface OffsetResponse<Raw> {
  items: readonly Raw[];
  /** The total number of records matching the request's window, across all pages. */
  total: number;
  raw: unknown;
}

export interface OffsetStrategy<Raw> {
  limit: number;
  /** The largest offset the provider accepts. */
  maxOffset: number;
  /** `desc`: newest first, windows walk back from `end`; `asc`: oldest first. */
  direction: 'asc' | 'desc';
  /** Pages fetched at once once a window's total is known. */
  concurrency: number;
  fetch(request: OffsetRequest): Promise<OffsetResponse<Raw>>;
  /** The record's time in epoch ms, to place it on the right side of a split. */
  timeOf(raw: Raw): number;
}

/** The starting position of a window. */
export function offsetStart(startMs: number, endMs: number): OffsetPosition {
  return { start: startMs, end: endMs, lo: startMs, hi: endMs, offset: 0 };
}

export function offsetPages<Raw>(strategy: OffsetStrategy<Raw>): OpenPages<Raw, OffsetPosition> {
  const { limit, maxOffset, direction } = strategy;
  // Pages sit at multiples of `limit`, so the last readable page starts at the largest such multiple <= maxOffset.
  const reach = (Math.floor(maxOffset / limit) + 1) * limit;

  return async function* (from, { signal }) {
    let win = { ...from };
    while (true) {
      // A resumed position may sit mid-page: read its whole page and skip the delivered part, so every
      // page stays on the multiple-of-limit grid the reach was computed for.
      const aligned = win.offset - (win.offset % limit);
      if (aligned > maxOffset) {
        // A checkpoint after the last record of a window that filled the whole reach: nothing is left in it.
        const next = advance(win, reach);
        if (!next) return;
        win = next;
        continue;
      }
      const probe = await fetchPage(win, aligned, signal, win.offset - aligned);
      if (probe.response.total > reach) {
        if (win.offset > 0) {
          throw new PaginationError(`a window that held at most ${reach} records now holds ${probe.response.total}; the data changed under a closed window`);
        }
        win = narrow(win, probe.response.total);
        continue;
      }
      yield* drain(win, probe, signal);
      const next = advance(win, probe.response.total);
      if (!next) return;
      win = next;
    }
  };

  async function* drain(win: OffsetPosition, first: Fetched<Raw>, signal: AbortSignal): AsyncGenerator<Page<Raw, OffsetPosition>> {
    const total = first.response.total;
    const queue = new OrderedQueue<Fetched<Raw>>(signal);
    let nextOffset = first.offset + limit;
    const fill = () => {
      while (queue.size < strategy.concurrency && nextOffset < total && nextOffset <= maxOffset) {
        const offset = nextOffset;
        queue.push((taskSignal) => fetchPage(win, offset, taskSignal));
        nextOffset += limit;
      }
    };
    try {
      let current = first;
      while (true) {
        fill();
        const received = current.response.items.length;
        if (current.page.items.length) yield current.page;
        const end = current.offset + received;
        if (received === 0 || end >= total) return;
        if (end > maxOffset) {
          throw new PaginationError(`records ${end}..${total - 1} of a window lie past the provider's offset cap (${maxOffset}); the data changed under a closed window`);
        }
        if (received < limit) {
          // A short page before the total: the prefetches assumed full pages. Re-read from the true next offset,
          // on the page grid (the page holding it, skipping what was already received), so the reach holds.
          queue.clear();
          const aligned = end - (end % limit);
          queue.push((taskSignal) => fetchPage(win, aligned, taskSignal, end - aligned));
          nextOffset = aligned + limit;
          fill();
        }
        current = await queue.shift();
      }
    } finally {
      queue.clear();
    }
  }

  async function fetchPage(win: OffsetPosition, offset: number, signal: AbortSignal, skip = 0): Promise<Fetched<Raw>> {
    const innerLo = win.lo !== win.start;
    const innerHi = win.hi !== win.end;
    const response = await strategy.fetch({
      startMs: innerLo ? win.lo - 1 : win.lo,
      endMs: win.hi,
      offset,
      limit,
      signal,
    });
    let items = response.items;
    let rawIndex: number[] | undefined;
    if (innerLo || innerHi || skip) {
      const kept: Raw[] = [];
      const indexes: number[] = [];
      for (let index = skip; index < response.items.length; index++) {
        const item = response.items[index]!;
        const t = strategy.timeOf(item);
        if ((innerLo && t < win.lo) || (innerHi && t >= win.hi)) continue;
        kept.push(item);
        indexes.push(index);
      }
      if (kept.length !== items.length) {
        items = kept;
        rawIndex = indexes;
      }
    }
    const page: Page<Raw, OffsetPosition> = {
      items,
      raw: response.raw,
      positionAfter: (index) => ({ ...win, offset: offset + (rawIndex ? rawIndex[index]! : index) + 1 }),
    };
    return { offset, response, page };
  }

  /** Shrinks the window from its far side until the provider's offset cap can reach all of it. */
  function narrow(win: OffsetPosition, total: number): OffsetPosition {
    const span = win.hi - win.lo;
    if (span <= 1) {
      throw new PaginationError(`more than ${reach} records fall within a millisecond of ${new Date(win.lo).toISOString()}; offset paging cannot read them all`);
    }
    // Aim at 80 % of the reach, assuming records spread evenly, and at least halve.
    const target = Math.max(1, Math.min(Math.floor(span / 2), Math.floor((span * reach * 0.8) / total)));
    return direction === 'desc' ? { ...win, lo: win.hi - target } : { ...win, hi: win.lo + target };
  }

  /**
   * The next sub-window after `win`, or undefined when the caller's window is done. Its span follows the last
   * window's density: a window that held far less than the reach doubles or quadruples the next, so one burst
   * of records does not leave a long query crawling in tiny windows.
   */
  function advance(win: OffsetPosition, total: number): OffsetPosition | undefined {
    const growth = total < reach / 4 ? 4 : total < reach / 2 ? 2 : 1;
    const span = Math.max(1, (win.hi - win.lo) * growth);
    if (direction === 'desc') {
      if (win.lo === win.start) return undefined;
      return { ...win, hi: win.lo, lo: Math.max(win.start, win.lo - span), offset: 0 };
    }
    if (win.hi === win.end) return undefined;
    return { ...win, lo: win.hi, hi: Math.min(win.end, win.hi + span), offset: 0 };
  }
}

interface Fetched<Raw> {
  offset: number;
  response: OffsetResponse<Raw>;
  page: Page<Raw, OffsetPosition>;
}
