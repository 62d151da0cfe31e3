import { InvalidRecord, type Page, type PagingContext } from '../pager.js';
import { linkedController } from '../signals.js';
import { admitFresh, admitPage, type Frontier, type Place } from './frontier.js';
import type { PagePosition, PageResponse, PageStrategy } from './page.js';

/**
 * The checked read of a page-numbered, newest-first log: disjoint time shards, each read with ONE request (page 1
 * of its window), several in flight, delivered in order.
 *
 * Why: page numbers give nothing to compare. A delete ahead of a page boundary, or (with several pages in flight)
 * an insert the server applies between answering page n + 1 and page n, shifts a boundary by one record and no
 * client can see it: the pages look exactly like those of a window that never held the lost record. Page 1 of a
 * time window is one snapshot, so a window read in one request holds every record that existed in it from the
 * first request to the last, whatever moved elsewhere. So each shard is sized (from the density seen so far) to
 * fit one page; one that does not fit (`page_of` > 1) is continued by time, page 1 of `[lo, tail + 1 ms)`, where
 * the frontier drops the records already delivered (keyset paging on the record time). Only a single second
 * holding a full page or more cannot be cut by time: that is handed back as `dense`, for page numbers.
 *
 * A short page with `page_of` 1 is complete only if the server is known to serve the asked size (a full page at
 * that size was seen): a server that caps its pages (serves 500 of 1000) while counting `page_of` by the asked
 * size sends exactly that. Otherwise one confirming request continues by time below the page, page 1 of
 * `[lo, tail + 1 ms)`: it re-sends only the tail's second when the window was complete, and the records the cap
 * hid when it was not (the server's size is then adopted). It costs one request per read that fits in one short
 * page (a follow poll over a busy source), never one per page of a larger read.
 */
export type ShardOutcome =
  | { kind: 'done' }
  | { kind: 'repair'; reason: string; size?: number }
  /** A one-second window holds at least a page: continue with page numbers from page 2 of `[start, second + 1 s)`. */
  | { kind: 'dense'; second: number };

/** What a read learned about the server, kept across re-plans. */
export interface ShardState {
  /** Records per page to ask for. */
  size: number;
  /** The largest size the server was seen to serve in full (0: none yet). */
  honoured: number;
  /** The server was seen to include its `end_time` second: inner windows then ask one second less. */
  inclusive: boolean;
}

/**
 * The end to send for a window ending at `hi`. The API speaks whole seconds and its `end_time` may or may not
 * include its own second; until a server shows it does, the enclosing second is asked for (the surplus is trimmed).
 */
export function requestEnd(hi: number, state: Pick<ShardState, 'inclusive'>): number {
  return state.inclusive ? ceilSecond(hi) - SECOND : hi;
}

interface Slot<Raw> {
  lo: number;
  hi: number;
  /** The end sent (see `requestEnd`). */
  end: number;
  size: number;
  /** A confirming request below a short single page of this many records (see above); undefined otherwise. */
  capped: number | undefined;
  /** The window's top re-serves delivered records (a continuation): dropping them is expected, not a duplicate. */
  overlap: boolean;
  answer: Promise<PageResponse<Raw>>;
}

const SECOND = 1000;
const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;
const ceilSecond = (ms: number) => Math.ceil(ms / SECOND) * SECOND;

/** Share of a page kept free when sizing a shard: the density varies; an overflow costs one more request. */
const MIN_SLACK = 0.01;
const MAX_SLACK = 0.25;

export interface ShardDeps<Raw> {
  strategy: PageStrategy<Raw>;
  timeOf: (raw: Raw) => number;
  idOf: (raw: Raw) => string;
  /** The page size the caller asked for (positions record `size` only when it differs). */
  askedSize: number;
}

export async function* readShards<Raw>(
  deps: ShardDeps<Raw>,
  from: PagePosition,
  top: number,
  state: ShardState,
  front: Frontier,
  context: PagingContext,
): AsyncGenerator<Page<Raw, PagePosition>, ShardOutcome> {
  const { strategy, timeOf, idOf } = deps;
  const { stats } = context;
  const start = from.start;
  if (top <= start) return { kind: 'done' };
  const fresh = front.t === undefined && top === from.end;
  const { controller, unlink } = linkedController([context.signal], (parent) => parent.reason);
  const slots: Array<Slot<Raw>> = [];
  const fetchSlot = (lo: number, hi: number, size: number, capped: number | undefined, overlap: boolean): Slot<Raw> => {
    const end = requestEnd(hi, state);
    const answer = Promise.resolve().then(async () => {
      const response = await strategy.fetch({ page: 1, startMs: lo, endMs: end, size, signal: controller.signal });
      stats.requests++;
      return response;
    });
    answer.catch(() => {});
    return { lo, hi, end, size, capped, overlap, answer };
  };

  // The range below `cursor` (down to `start`) is not planned yet; the first window is the whole range.
  let cursor = start;
  /** Records per ms, from the latest answer; undefined until one tells. */
  let density: number | undefined;
  /** Records the first answer's page_of says remain (page_of × size, less those admitted since). */
  let remaining: number | undefined;
  /**
   * Whether to cut the rest into shards at all. Shards sized to fit a page cost requests where the density varies
   * (a shard that overflows needs one more); with a few pages only, or one request at a time, the rest is read as
   * one window continued by time (page 1 of `[start, tail + 1 ms)`, exact as well), which costs about the pages.
   */
  let carve = strategy.concurrency > 1;
  let lastWidth: number | undefined;
  let slack = MIN_SLACK;
  let calm = 0;
  /** The bottom of the next window below `top`, no lower than `floor`: sized to fill a page less the slack. */
  const bottomOf = (top: number, floor: number): number => {
    if (!carve) return floor;
    let ms = Infinity;
    if (density !== undefined && density > 0) ms = Math.floor((state.size * (1 - slack)) / density);
    else if (density === 0) {
      // An empty stretch: spread what page_of said is left over the rest of the range (windows of a page's
      // worth each, however the rest is spread); without that, widen fourfold at a time.
      if (remaining !== undefined && remaining > 0) ms = Math.floor((state.size * (1 - slack) * (top - floor)) / remaining);
      else if (lastWidth !== undefined) ms = lastWidth * 4;
    }
    const w = Math.max(SECOND, floorSecond(Math.min(ms, top - floor + SECOND)));
    // Inner edges on whole seconds (the API's resolution), so no record falls between two shards.
    let lo = ceilSecond(top - w);
    if (lo >= top) lo = floorSecond(top - 1);
    if (lo <= floor) lo = floor;
    lastWidth = top - lo;
    return lo;
  };
  /** Plans windows below `cursor` into the idle slots; `continuing`: the first re-serves the tail just delivered. */
  const fill = (continuing = false) => {
    while (slots.length < strategy.concurrency && cursor > start) {
      const lo = bottomOf(cursor, start);
      slots.push(fetchSlot(lo, cursor, state.size, undefined, continuing));
      continuing = false;
      cursor = lo;
    }
  };

  const position = (front: PagePosition['front']): PagePosition => {
    const out: PagePosition = { start: from.start, end: from.end, page: 1, skip: 0 };
    if (state.size !== deps.askedSize) out.size = state.size;
    if (front) out.front = front;
    return out;
  };

  try {
    slots.push(fetchSlot(start, top, state.size, undefined, front.t !== undefined));
    while (slots.length) {
      const slot = slots.shift()!;
      const response = await slot.answer;
      const { items, pageCount } = response;
      const place = (raw: Raw): Place | undefined => {
        const t = timeOf(raw);
        return t < slot.lo || t >= slot.hi ? undefined : { t, id: idOf(raw) };
      };
      if (fresh && slot.lo === start && slot.hi === top && slot.capped === undefined) {
        stats.total = pageCount * state.size;
        remaining = pageCount * state.size;
        carve &&= pageCount > 2 * strategy.concurrency;
        stats.totalIsEstimate = true;
      }
      if (items.length === 0) {
        if (pageCount >= 1) return { kind: 'repair', reason: `the window ${iso(slot.lo)}–${iso(slot.hi)} answered an empty page while page_of says ${pageCount}` };
        observe(slot, 0);
        fill();
        continue;
      }
      const head = edge(items, 1);
      const tail = edge(items, -1);
      // Newest first: a page whose head is older than everything delivered, wholly inside its window, is all new.
      const inside = head !== undefined && place(head) !== undefined && place(tail!) !== undefined;
      const ahead = inside && front.t !== undefined && timeOf(head!) < front.t;
      const admitted = ahead ? admitFresh(items, 0, front, place) : admitPage(items, front, place);
      if (!state.inclusive && head !== undefined && timeOf(head) >= ceilSecond(slot.end)) {
        // A record of the `end_time` second itself: this server includes it. Ask again the right way if this
        // answer was spent on records outside the window (a busy second just above it).
        state.inclusive = true;
        if (admitted.items.length === 0) {
          slots.unshift(fetchSlot(slot.lo, slot.hi, slot.size, slot.capped, slot.overlap));
          continue;
        }
      }
      if (!slot.overlap) stats.duplicatesDropped += admitted.dropped;
      if (remaining !== undefined) remaining -= admitted.items.length;
      // Decided (and the next requests sent) before the page is handed over, so they run while the consumer works.
      const decide = (): ShardOutcome | undefined => {
        const full = items.length >= slot.size;
        if (full) state.honoured = Math.max(state.honoured, slot.size);
        if (slot.capped !== undefined && admitted.items.length > 0) {
          // Records below a short single page: the server caps its pages there, and counts page_of by the asked size.
          state.size = slot.capped;
          state.honoured = slot.capped;
          return { kind: 'repair', reason: `the provider served ${slot.capped} records where ${slot.size} were asked though more remained, with page_of 1` };
        }
        // A page that reaches below the window's own start (the API's window is whole seconds) holds all of it.
        const bottom = tail !== undefined && timeOf(tail) < slot.lo;
        let complete: boolean;
        if (bottom) complete = true;
        else if (pageCount <= 1) {
          complete = full || slot.capped !== undefined || state.honoured >= slot.size;
          if (!complete) {
            if (tail === undefined) return { kind: 'repair', reason: `the window ${iso(slot.lo)}–${iso(slot.hi)} answered only invalid records` };
            slots.unshift(fetchSlot(slot.lo, Math.min(slot.hi, timeOf(tail) + 1), slot.size, items.length, true));
            return undefined;
          }
        } else complete = false;
        if (complete) {
          observe(slot, items.length);
          if (++calm >= 8) {
            slack = Math.max(MIN_SLACK, slack / 2);
            calm = 0;
          }
          fill();
          return undefined;
        }

        // More than one page: the server served `items.length` of the window.
        if (!full) {
          // Fewer than asked while more remain: the server's page size wins (and is known to be served).
          state.size = items.length;
          state.honoured = items.length;
          return { kind: 'repair', reason: `the provider served ${items.length} records where ${slot.size} were asked, with ${pageCount} pages` };
        }
        if (tail === undefined || admitted.items.length === 0) {
          if (tail !== undefined && floorSecond(timeOf(head!)) === floorSecond(timeOf(tail))) return { kind: 'dense', second: floorSecond(timeOf(tail)) };
          return { kind: 'repair', reason: `the window ${iso(slot.lo)}–${iso(slot.hi)} re-served only records already delivered while page_of says ${pageCount}` };
        }
        if (floorSecond(timeOf(head!)) === floorSecond(timeOf(tail))) return { kind: 'dense', second: floorSecond(timeOf(tail)) };
        // The shard held more than a page: the density was higher than planned.
        density = Math.max(density ?? 0, spanDensity(items.length, timeOf(head!), timeOf(tail)));
        slack = Math.min(MAX_SLACK, slack * 2);
        calm = 0;
        const rest = Math.min(slot.hi, timeOf(tail) + 1);
        if (slots.length === 0 && cursor <= slot.lo && slot.lo === start) {
          // Nothing planned below: plan the rest as shards (this is how the first window of a read goes on).
          cursor = rest;
          fill(true);
        } else {
          // The rest of this shard goes first, re-split into as many windows as there are idle slots (the last
          // takes what is left), so a dense stretch is still read several windows at once.
          const pieces: Array<Slot<Raw>> = [];
          let top = rest;
          const idle = Math.max(1, strategy.concurrency - slots.length);
          while (top > slot.lo) {
            const lo = pieces.length === idle - 1 ? slot.lo : bottomOf(top, slot.lo);
            pieces.push(fetchSlot(lo, top, state.size, undefined, pieces.length === 0));
            top = lo;
          }
          slots.unshift(...pieces);
        }
        return undefined;
      };
      const outcome = decide();
      if (admitted.items.length) {
        yield { items: admitted.items as readonly Raw[], raw: response.raw, positionAfter: (index) => position(admitted.frontAfter(index)) };
      }
      if (outcome) return outcome;
    }
    return { kind: 'done' };
  } finally {
    slots.length = 0;
    unlink();
    if (!controller.signal.aborted) controller.abort(new DOMException('The shard read ended', 'AbortError'));
  }

  /** Learns the density from a window that held `n` records. */
  function observe(slot: Slot<Raw>, n: number) {
    const span = slot.hi - slot.lo;
    if (span <= 0) return;
    density = n / span;
  }
}

/** The first (`1`) or last (`-1`) valid record of a page, without copying it. */
function edge<Raw>(items: ReadonlyArray<Raw | InvalidRecord>, step: 1 | -1): Raw | undefined {
  for (let i = step === 1 ? 0 : items.length - 1; i >= 0 && i < items.length; i += step) {
    const item = items[i]!;
    if (!(item instanceof InvalidRecord)) return item;
  }
  return undefined;
}

function spanDensity(n: number, headMs: number, tailMs: number): number {
  const span = headMs - tailMs;
  return span > 0 ? (n - 1) / span : Infinity;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
