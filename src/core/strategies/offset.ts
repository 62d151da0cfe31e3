import { z } from 'zod';
import { PaginationError } from '../errors.js';
import { OrderedQueue } from '../ordered.js';
import { InvalidRecord, type OpenPages, type Page, type PagingContext } from '../pager.js';
import { admitFresh, admitPage, Frontier, frontierSchema, MAX_STALLS, stallDelay, type Direction, type Place } from './frontier.js';

/**
 * Offset/limit paging over a closed time window, split into consecutive sub-windows whenever the
 * provider's offset cap would hide part of a window.
 *
 * A sub-window is half-open on its inner edges: a record at exactly a split instant belongs to the
 * window on its newer side. Because the provider may treat `start`/`end` as inclusive or exclusive,
 * an inner edge is queried one millisecond wider and the surplus is dropped here, by the record's own
 * time. The caller's outer `start`/`end` are sent exactly as given, so the provider's own semantics
 * hold there.
 *
 * Exact under moving data: consecutive pages overlap by one record (page k starts at `k × (size − 1)`), so a
 * shifted page edge shows as a mismatched id; a changed `count`, an empty or short page show by themselves.
 * Any of them re-anchors the rest of the read on the last delivered record's time (the frontier), and the
 * frontier drops what was delivered already. The overlap costs one record per page: 1 % at 100 per page.
 */
export const offsetPositionSchema = z
  .strictObject({
    /** The caller's window, in epoch ms; `end` is pinned when the caller gave none. */
    start: z.number().int(),
    end: z.number().int(),
    /** The current sub-window. */
    lo: z.number().int(),
    hi: z.number().int(),
    /** The last delivered record's time and the ids delivered at that time; null before the first. */
    front: frontierSchema.nullable(),
  })
  .refine((p) => p.start <= p.lo && p.lo <= p.hi && p.hi <= p.end, 'window edges must satisfy start <= lo <= hi <= end')
  .refine((p) => !p.front || (p.front.t >= p.start && p.front.t <= p.end), 'the frontier must lie inside the window');
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
  items: ReadonlyArray<Raw | InvalidRecord>;
  /** The total number of records matching the request's window, across all pages. */
  total: number;
  raw: unknown;
}

export interface OffsetStrategy<Raw> {
  limit: number;
  /** The largest offset the provider accepts. */
  maxOffset: number;
  /** `desc`: newest first, windows walk back from `end`; `asc`: oldest first. */
  direction: Direction;
  /** Pages fetched at once once a window's total is known. */
  concurrency: number;
  fetch(request: OffsetRequest): Promise<OffsetResponse<Raw>>;
  /** The record's time in epoch ms, to place it on the right side of a split. */
  timeOf(raw: Raw): number;
  /** The record's id (default: its `id` field). */
  idOf?: ((raw: Raw) => string) | undefined;
  /** The first wait between re-reads that brought nothing new (doubling). Default 250 ms. */
  stallBackoffMs?: number | undefined;
}

type Window = Omit<OffsetPosition, 'front'>;

/** The starting position of a window. */
export function offsetStart(startMs: number, endMs: number): OffsetPosition {
  return { start: startMs, end: endMs, lo: startMs, hi: endMs, front: null };
}

type Outcome = { kind: 'done'; total: number } | { kind: 'narrow'; win: Window } | { kind: 'repair'; reason: string; size?: number };

export function offsetPages<Raw>(strategy: OffsetStrategy<Raw>): OpenPages<Raw, OffsetPosition> {
  const { limit, maxOffset, direction } = strategy;
  const idOf = strategy.idOf ?? defaultId;
  const backoff = strategy.stallBackoffMs ?? 250;

  return async function* (from, context) {
    const front = new Frontier(direction, from.front);
    let win: Window = anchor({ start: from.start, end: from.end, lo: from.lo, hi: from.hi }, front.t);
    let size = limit;
    let stalls = 0;
    while (true) {
      const outcome: Outcome = yield* readWindow(win, size, front, context);
      if (outcome.kind === 'done') {
        const next = advance(win, outcome.total, reachOf(size));
        if (!next) return;
        win = next;
        continue;
      }
      if (outcome.kind === 'narrow') {
        win = outcome.win;
        continue;
      }
      context.stats.repairs++;
      stalls = front.progress() > 0 ? 0 : stalls + 1;
      if (stalls >= MAX_STALLS) {
        throw new PaginationError(`${outcome.reason}; ${stalls} re-reads in a row brought no new record, so the read stops here (resume from the stream's checkpoint)`);
      }
      await stallDelay(stalls, backoff, context);
      if (outcome.size !== undefined) size = outcome.size;
      win = anchor(win, front.t);
    }
  };

  /** Pages sit on a grid of `size − 1`; the last readable page starts at the largest grid point <= maxOffset. */
  function reachOf(size: number): number {
    const stride = strideOf(size);
    return Math.floor(maxOffset / stride) * stride + size;
  }

  async function* readWindow(win: Window, size: number, front: Frontier, context: PagingContext): AsyncGenerator<Page<Raw, OffsetPosition>, Outcome> {
    const { signal, stats } = context;
    const stride = strideOf(size);
    const reach = reachOf(size);
    const overlap = stride < size;
    const probe = await fetchPage(win, 0, size, signal, context);
    const total = probe.response.total;
    if (win.lo === win.start && win.hi === win.end && front.t === undefined) stats.total = total;
    if (total > reach) return { kind: 'narrow', win: narrow(win, total, reach) };

    const queue = new OrderedQueue<Fetched<Raw>>(signal);
    let nextOffset = stride;
    const fill = () => {
      while (queue.size < strategy.concurrency && nextOffset < total && nextOffset <= maxOffset) {
        const offset = nextOffset;
        queue.push((taskSignal) => fetchPage(win, offset, size, taskSignal, context));
        nextOffset += stride;
      }
    };
    try {
      let current = probe;
      let edge: string | undefined;
      let long = false;
      while (true) {
        const { items } = current.response;
        if (current.offset > 0) {
          if (current.response.total !== total) return { kind: 'repair', reason: `the window's count changed from ${total} to ${current.response.total} during the read` };
          if (items.length === 0) return { kind: 'repair', reason: `an empty page at offset ${current.offset} though the count says ${total}` };
          if (overlap && keyOf(items[0]!) !== edge) return { kind: 'repair', reason: `the page at offset ${current.offset} did not start with the record that ended the page before it` };
        }
        fill();
        const where = place(win);
        // A page whose overlap matched holds, after its first record, only records not delivered yet.
        const admitted =
          current.offset > 0 && overlap && !long && inside(items, 1, where) ? admitFresh(items, 1, front, where) : admitPage(items, front, where);
        // Past a page longer than asked, the next page re-serves what it held: that one goes through the frontier.
        long = items.length > size;
        stats.duplicatesDropped += admitted.dropped;
        if (admitted.items.length) {
          yield {
            items: admitted.items as readonly Raw[],
            raw: current.response.raw,
            positionAfter: (index) => ({ ...win, front: admitted.frontAfter(index) }),
          };
        }
        const end = current.offset + items.length;
        if (end >= total) return { kind: 'done', total };
        if (items.length < size) {
          // More remain, yet the page is short: the provider serves smaller pages than asked. Its size wins.
          return { kind: 'repair', reason: `the provider served ${items.length} records where ${size} were asked`, size: Math.max(1, items.length) };
        }
        edge = overlap ? keyOf(items[stride]!) : undefined;
        if (current.offset + stride > maxOffset) {
          throw new PaginationError(`records ${current.offset + stride}..${total - 1} of a window lie past the provider's offset cap (${maxOffset}); the data changed under a closed window`);
        }
        current = await queue.shift();
      }
    } finally {
      queue.clear();
    }
  }

  async function fetchPage(win: Window, offset: number, size: number, signal: AbortSignal, context: PagingContext): Promise<Fetched<Raw>> {
    const innerLo = win.lo !== win.start;
    const response = await strategy.fetch({ startMs: innerLo ? win.lo - 1 : win.lo, endMs: win.hi, offset, limit: size, signal });
    // Counted once answered: a prefetch dropped before it was sent cost the provider nothing.
    context.stats.requests++;
    return { offset, response };
  }

  /** Where a record sits, or undefined when it falls outside the sub-window's inner edges. */
  function place(win: Window): (raw: Raw) => Place | undefined {
    const innerLo = win.lo !== win.start;
    const innerHi = win.hi !== win.end;
    return (raw) => {
      const t = strategy.timeOf(raw);
      if ((innerLo && t < win.lo) || (innerHi && t >= win.hi)) return undefined;
      return { t, id: idOf(raw) };
    };
  }

  /** Whether items[from] and the last item are valid and inside the window (pages are sorted: so is all between). */
  function inside(items: ReadonlyArray<Raw | InvalidRecord>, from: number, where: (raw: Raw) => Place | undefined): boolean {
    const first = items[from];
    const last = items[items.length - 1];
    if (first === undefined || last === undefined || first instanceof InvalidRecord || last instanceof InvalidRecord) return false;
    return where(first) !== undefined && where(last) !== undefined;
  }

  function keyOf(item: Raw | InvalidRecord): string {
    return item instanceof InvalidRecord ? `invalid:${JSON.stringify(item.raw)}` : `id:${idOf(item)}`;
  }

  /** Shrinks the window from its far side until the provider's offset cap can reach all of it. */
  function narrow(win: Window, total: number, reach: number): Window {
    const span = win.hi - win.lo;
    if (span <= 1) {
      throw new PaginationError(`more than ${reach} records fall within a millisecond of ${new Date(win.lo).toISOString()}; offset paging cannot read them all`);
    }
    // Aim at 80 % of the reach, assuming records spread evenly, and at least halve.
    const target = Math.max(1, Math.min(Math.floor(span / 2), Math.floor((span * reach * 0.8) / total)));
    return direction === 'desc' ? { ...win, lo: win.hi - target } : { ...win, hi: win.lo + target };
  }

  /** The rest of `win` after the frontier: what a re-read after the data moved must cover. */
  function anchor(win: Window, t: number | undefined): Window {
    if (t === undefined) return win;
    if (direction === 'desc') return { ...win, hi: Math.max(win.lo, Math.min(win.hi, t + 1)) };
    return { ...win, lo: Math.min(win.hi, Math.max(win.lo, t)) };
  }

  /**
   * The next sub-window after `win`, or undefined when the caller's window is done. Its span follows the last
   * window's density: a window that held far less than the reach doubles or quadruples the next, so one burst
   * of records does not leave a long query crawling in tiny windows.
   */
  function advance(win: Window, total: number, reach: number): Window | undefined {
    const growth = total < reach / 4 ? 4 : total < reach / 2 ? 2 : 1;
    const span = Math.max(1, (win.hi - win.lo) * growth);
    if (direction === 'desc') {
      if (win.lo === win.start) return undefined;
      return { ...win, hi: win.lo, lo: Math.max(win.start, win.lo - span) };
    }
    if (win.hi === win.end) return undefined;
    return { ...win, lo: win.hi, hi: Math.min(win.end, win.hi + span) };
  }
}

/** Pages overlap by one record when a page holds more than one. */
function strideOf(size: number): number {
  return size > 1 ? size - 1 : 1;
}

function defaultId(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return String(raw);
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'string' ? id : String(id);
}

interface Fetched<Raw> {
  offset: number;
  response: OffsetResponse<Raw>;
}
