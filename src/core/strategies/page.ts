import { z } from 'zod';
import { PaginationError } from '../errors.js';
import { OrderedQueue } from '../ordered.js';
import { InvalidRecord, type OpenPages, type Page, type PagingContext } from '../pager.js';
import { admitFresh, admitPage, Frontier, frontierSchema, MAX_STALLS, stallDelay, type Place } from './frontier.js';
import { readShards, requestEnd, type ShardOutcome, type ShardState } from './page-shards.js';

const floorSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Page-number paging (`page` / `page_of`) over a closed window, newest first.
 *
 * Without record times and ids, page 1 tells the page count and the pages after it are fetched up to
 * `concurrency` at once, delivered in order. With them (`timeOf`, `idOf`: the checked read) page numbers are not
 * trusted across requests, since a record deleted or inserted ahead of a boundary shifts it without a sign: the
 * window is read as disjoint time shards of one page each, several in flight (page-shards.ts), and only a single
 * second that holds a page or more is read by page number, one page at a time, with its page heads checked.
 *
 * Positions: `page` and `skip` place a read inside page numbering (a dense second, or an older build's checkpoint);
 * otherwise (`page` 1, `skip` 0) the read resumes by time from `front`, the last delivered record, whose ties the
 * frontier drops: page 1 of `[start, front.t + 1 ms)`.
 */
export const pagePositionSchema = z
  .strictObject({
    /** The window as sent, in epoch ms (pinned). */
    start: z.number().int(),
    end: z.number().int(),
    /** The page holding the next record, and how many of its records were already delivered. */
    page: z.number().int().min(1),
    skip: z.number().int().nonnegative(),
    /** The end of the window the page numbers refer to (a dense second's end, or an older build's re-anchor). */
    hi: z.number().int().optional(),
    /** The page size the provider actually serves, once it served fewer than asked. */
    size: z.number().int().min(1).optional(),
    /** The last delivered record's time and the ids delivered at that time. */
    front: frontierSchema.nullable().optional(),
  })
  .refine((p) => p.start <= p.end && (p.hi === undefined || (p.hi >= p.start && p.hi <= p.end)), 'window edges must satisfy start <= hi <= end');
export type PagePosition = z.infer<typeof pagePositionSchema>;

export interface PageRequest {
  page: number;
  startMs: number;
  endMs: number;
  /** Records per page to ask for (the caller's size, or the smaller one the provider was seen to serve). */
  size: number;
  signal: AbortSignal;
}

export interface PageResponse<Raw> {
  items: ReadonlyArray<Raw | InvalidRecord>;
  /** Total pages for the window. */
  pageCount: number;
  raw: unknown;
}

export interface PageStrategy<Raw> {
  concurrency: number;
  /** Records per page asked for. Default 1000 (used only to spot short pages when no size is known). */
  size?: number | undefined;
  fetch(request: PageRequest): Promise<PageResponse<Raw>>;
  /**
   * For an API whose window is coarser than the caller's (whole seconds): the record's time in epoch ms,
   * and only records with `start <= time < end` are kept. Paging still follows the provider's own pages, so
   * a page emptied by the trim does not end the stream.
   */
  timeOf?: ((raw: Raw) => number) | undefined;
  /** The record's id; with `timeOf`, turns on the movement checks and repairs. */
  idOf?: ((raw: Raw) => string) | undefined;
  /** The first wait between re-reads that brought nothing new (doubling). Default 250 ms. */
  stallBackoffMs?: number | undefined;
  /**
   * What earlier reads learned about the server, shared by the reads of one client and source and updated by each:
   * once a full page at a size was seen, a later read's short single page at that size needs no confirming
   * request (a follow polls small windows; without this each poll would cost two requests).
   */
  server?: PageServerKnowledge | undefined;
}

/** What a page-numbered server showed about itself (see `PageStrategy.server`). */
export interface PageServerKnowledge {
  /** The largest page size it was seen to serve in full (0: none yet). */
  honoured: number;
  /** It includes its `end_time` second. */
  inclusive: boolean;
}

export function pageStart(startMs: number, endMs: number): PagePosition {
  return { start: startMs, end: endMs, page: 1, skip: 0 };
}

interface Read {
  hi: number;
  /** The end to send, when it differs from `hi` (a server that includes its end second). */
  end?: number;
  page: number;
  skip: number;
  size: number;
}

type Outcome = { kind: 'done' } | { kind: 'repair'; reason: string; size?: number } | { kind: 'left' };

export function pagePages<Raw>(strategy: PageStrategy<Raw>): OpenPages<Raw, PagePosition> {
  const { timeOf, idOf } = strategy;
  const checked = timeOf !== undefined && idOf !== undefined;
  const backoff = strategy.stallBackoffMs ?? 250;
  const askedSize = strategy.size ?? 1000;

  return async function* (from, context) {
    if (from.start >= from.end) return;
    const front = new Frontier('desc', from.front);
    if (!checked) {
      // Without record times and ids there is nothing to check: page numbers, `concurrency` at once.
      yield* readPages({ hi: from.hi ?? from.end, page: from.page, skip: from.skip, size: from.size ?? askedSize }, front, context, from, strategy.concurrency);
      return;
    }
    const { server } = strategy;
    const state: ShardState = { size: from.size ?? askedSize, honoured: Math.max(from.size ?? 0, server?.honoured ?? 0), inclusive: server?.inclusive ?? false };
    const known = { honoured: state.honoured, inclusive: state.inclusive };
    try {
      yield* checkedRead(from, front, state, context);
    } finally {
      // Only what this read learned is written back (a read that learned nothing, or was stopped, writes nothing):
      // a cap it saw lowers what later reads may trust, a full page raises it.
      if (server) {
        if (state.honoured < known.honoured) server.honoured = Math.min(server.honoured, state.honoured);
        else if (state.honoured > known.honoured) server.honoured = Math.max(server.honoured, state.honoured);
        if (state.inclusive && !known.inclusive) server.inclusive = true;
      }
    }
  };

  async function* checkedRead(from: PagePosition, front: Frontier, state: ShardState, context: PagingContext): AsyncGenerator<Page<Raw, PagePosition>, void> {
    // A position inside page numbering (a dense second, or a checkpoint of an older build) goes on by page number
    // until the read leaves the frontier's second; every other read is by time shards (see page-shards.ts).
    let pages: (Read & { below: number | undefined }) | undefined =
      from.page > 1 || from.skip > 0
        ? { hi: from.hi ?? from.end, end: requestEnd(from.hi ?? from.end, state), page: from.page, skip: from.skip, size: state.size, below: front.t === undefined ? undefined : floorSecond(front.t) }
        : undefined;
    let stalls = 0;
    while (true) {
      let outcome: Outcome | ShardOutcome;
      if (pages) {
        outcome = yield* readPages(pages, front, context, from, 1, pages.below);
        pages = undefined;
      } else {
        const top = Math.min(from.hi ?? from.end, front.t === undefined ? Infinity : front.t + 1);
        outcome = yield* readShards({ strategy, timeOf: timeOf!, idOf: idOf!, askedSize }, from, top, state, front, context);
      }
      if (outcome.kind === 'done') return;
      stalls = front.progress() > 0 ? 0 : stalls + 1;
      const reason = outcome.kind === 'repair' ? outcome.reason : outcome.kind === 'dense' ? `one second (${new Date(outcome.second).toISOString()}) holds a page or more` : 'page numbers left the dense second';
      if (stalls >= MAX_STALLS) {
        throw new PaginationError(`${reason}; ${stalls} re-reads in a row brought no new record, so the read stops here (resume from the stream's checkpoint)`);
      }
      if (outcome.kind === 'repair') {
        context.stats.repairs++;
        if (outcome.size !== undefined) state.size = outcome.size;
      }
      await stallDelay(stalls, backoff, context);
      if (outcome.kind === 'dense') {
        // A second that holds a page or more cannot be cut by time: its pages are read by number, one at a time.
        const hi = Math.min(from.hi ?? from.end, outcome.second + 1000);
        pages = { hi, end: requestEnd(hi, state), page: 2, skip: 0, size: state.size, below: outcome.second };
      }
    }
   }

  /**
   * Page numbers over `[from.start, read.hi)`: the unchecked read (`concurrency` at once), and the checked read of
   * a second too dense to cut by time (one page at a time, so an insert always shows at the next page's head).
   * With `below`, returns `left` once a page ends before that instant: the read can go on by time again.
   */
  async function* readPages(
    read: Read,
    front: Frontier,
    context: PagingContext,
    from: PagePosition,
    concurrency: number,
    below?: number,
  ): AsyncGenerator<Page<Raw, PagePosition>, Outcome> {
    const { signal, stats } = context;
    const { hi, size } = read;
    // Counted once answered: a prefetch dropped before it was sent cost the provider nothing.
    const fetchPage = async (page: number, taskSignal: AbortSignal) => {
      const response = await strategy.fetch({ page, startMs: from.start, endMs: read.end ?? hi, size, signal: taskSignal });
      stats.requests++;
      return response;
    };
    const place = (raw: Raw): Place | undefined => {
      const t = timeOf!(raw);
      if (t < from.start || t >= hi) return undefined;
      return { t, id: idOf ? idOf(raw) : '' };
    };
    const inWindow = (raw: Raw | InvalidRecord) => {
      if (raw instanceof InvalidRecord) return true;
      const t = timeOf!(raw);
      return t >= from.start && t < hi;
    };
    const position = (number: number, skip: number): PagePosition => {
      const out: PagePosition = { start: from.start, end: from.end, page: number, skip };
      if (hi !== from.end) out.hi = hi;
      if (size !== (strategy.size ?? 1000)) out.size = size;
      return out;
    };

    let number = read.page;
    let response = await fetchPage(number, signal);
    let pageCount = response.pageCount;
    // One page at a time, each asked after the one before was answered: an insert ahead only pushes delivered
    // records onto the next page's head, where the frontier drops them, so it needs no repair; the latest page
    // count tells where the end now is. (A delete ahead still shifts a record out of sight: see page-shards.ts.)
    const sequential = checked && concurrency === 1;
    if (number === 1 && hi === from.end && front.t === undefined) {
      stats.total = pageCount * size;
      stats.totalIsEstimate = true;
    }
    const queue = new OrderedQueue<PageResponse<Raw>>(signal);
    let nextToFetch = number + 1;
    const fill = () => {
      while (queue.size < concurrency && nextToFetch <= pageCount) {
        const page = nextToFetch++;
        queue.push((taskSignal) => fetchPage(page, taskSignal));
      }
    };
    try {
      let skip = read.skip;
      let first = true;
      // A re-anchored read may re-serve delivered records on several pages (the API's window is whole seconds):
      // page heads are checked only once this read has moved past them.
      let past = front.t === undefined;
      // Pages may be answered out of order, so each page's head is also compared with the page before it.
      let previous: ReadonlyArray<Raw | InvalidRecord> | undefined;
      while (true) {
        const { items } = response;
        // Pages are newest first, so when both ends lie in the window the whole page does (no copy).
        const kept = !timeOf || (items.length && inWindow(items[0]!) && inWindow(items[items.length - 1]!)) ? items : items.filter(inWindow);
        if (checked) {
          if (sequential) pageCount = response.pageCount;
          const moved =
            movement(response, kept, number, pageCount, first || !past, first ? skip : 0, front, sequential) ??
            (!sequential && previous && shiftedDown(items, previous) ? `page ${number} starts with a record of page ${number - 1}: records were inserted before it` : undefined);
          if (moved) return { kind: 'repair', reason: moved };
          previous = items;
        }
        fill();
        let page: Page<Raw, PagePosition>;
        if (checked) {
          // A page inside the window whose head is older than everything delivered holds only new records.
          const head = items[0];
          const fresh = kept === items && head !== undefined && !(head instanceof InvalidRecord) && front.t !== undefined && timeOf!(head) < front.t;
          const admitted = fresh ? admitFresh(items, 0, front, place) : admitPage(items, front, place);
          if (admitted.items.length) past = true;
          const pageNumber = number;
          // The stale records at the head of a resumed page are the expected overlap, not duplicates.
          stats.duplicatesDropped += Math.max(0, admitted.dropped - (first ? skip : 0));
          const base = kept.length - admitted.items.length;
          page = {
            items: admitted.items as readonly Raw[],
            raw: response.raw,
            positionAfter: (index) => ({ ...position(pageNumber, base + index + 1), front: admitted.frontAfter(index) }),
          };
        } else {
          // `skip` counts kept records: the trim is a pure function of the page, so a resumed read sees the same list.
          const pageNumber = number;
          const pageSkip = skip;
          page = {
            items: (pageSkip ? kept.slice(pageSkip) : kept) as readonly Raw[],
            raw: response.raw,
            positionAfter: (index) => position(pageNumber, pageSkip + index + 1),
          };
        }
        if (page.items.length) yield page;
        skip = 0;
        first = false;
        if (number >= pageCount) return { kind: 'done' };
        // Newest first: a page ending below the window's start leaves nothing of the window on later pages.
        if (timeOf && lastTime(items) < from.start) return { kind: 'done' };
        if (below !== undefined && lastTime(items) < below) return { kind: 'left' };
        if (!checked && items.length === 0) return { kind: 'done' };
        if (checked && items.length < size) {
          return { kind: 'repair', reason: `the provider served ${items.length} records on page ${number} of ${pageCount} where ${size} were asked`, size: Math.max(1, items.length) };
        }
        number += 1;
        response = await queue.shift();
      }
    } finally {
      queue.clear();
    }
  }

  /**
   * Why this page shows the data moved, or undefined when it sits where the read expects it. `kept` is the page
   * trimmed to the window. The first page of a read may start with delivered records (a resumed or re-anchored
   * read's overlap); a resumed one must still hold the last delivered record just before its `skip`.
   */
  function movement(
    response: PageResponse<Raw>,
    kept: ReadonlyArray<Raw | InvalidRecord>,
    number: number,
    pageCount: number,
    first: boolean,
    skip: number,
    front: Frontier,
    sequential: boolean,
  ): string | undefined {
    if (response.pageCount !== pageCount) return `the page count changed from ${pageCount} to ${response.pageCount} during the read`;
    if (response.items.length === 0) return number < pageCount ? `page ${number} of ${pageCount} was empty` : undefined;
    if (front.t === undefined) return undefined;
    if (first) {
      if (skip === 0) return undefined;
      const last = kept[skip - 1];
      if (last === undefined) return `page ${number} holds fewer records than the checkpoint says were delivered`;
      if (!(last instanceof InvalidRecord) && !sameAsFront(last, front)) return `the record before the checkpoint is no longer on page ${number}`;
      return undefined;
    }
    const head = kept.find((item): item is Raw => !(item instanceof InvalidRecord));
    if (head === undefined) return undefined;
    const t = timeOf!(head);
    if (!sequential && (t > front.t || sameAsFront(head, front))) return `page ${number} starts with a record already delivered: records were inserted before it`;
    return undefined;
  }

  /** Whether `page` begins with a record that `before` (the page ahead of it) holds: the list shifted down. */
  function shiftedDown(page: ReadonlyArray<Raw | InvalidRecord>, before: ReadonlyArray<Raw | InvalidRecord>): boolean {
    const head = page.find((item): item is Raw => !(item instanceof InvalidRecord));
    if (head === undefined) return false;
    const id = idOf!(head);
    const t = timeOf!(head);
    // Newest first: walking back from the tail, a record newer than the head means the head is not on the page.
    for (let i = before.length - 1; i >= 0; i--) {
      const item = before[i]!;
      if (item instanceof InvalidRecord) continue;
      if (idOf!(item) === id) return true;
      if (timeOf!(item) > t) return false;
    }
    return false;
  }

  /** The time of a page's last valid record (Infinity when it has none). */
  function lastTime(items: ReadonlyArray<Raw | InvalidRecord>): number {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      if (!(item instanceof InvalidRecord)) return timeOf!(item);
    }
    return Infinity;
  }

  function sameAsFront(raw: Raw, front: Frontier): boolean {
    return front.t !== undefined && timeOf!(raw) === front.t && front.has(idOf!(raw));
  }
}
