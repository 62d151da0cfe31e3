import { z } from 'zod';
import { PaginationError } from '../errors.js';
import { OrderedQueue } from '../ordered.js';
import type { InvalidRecord, OpenPages, Page, PagingContext } from '../pager.js';
import { admitFresh, admitPage, Frontier, frontierSchema, MAX_STALLS, stallDelay, type Direction } from './frontier.js';
import { OffsetChain, overlapKey } from './offset-chain.js';
import { advance, anchor, narrow, placer, queryBounds, reachOf, within, type OffsetWindow } from './offset-window.js';

/**
 * Offset/limit paging over a closed time window, split into consecutive sub-windows whenever the
 * provider's offset cap would hide part of a window (the sub-window rules: `offset-window.ts`).
 *
 * Exact under moving data: consecutive pages overlap by one record (page k starts at `k × (size − 1)`), so a
 * shifted page edge shows as a mismatched id; a changed `count`, an empty or short page show by themselves
 * (`offset-chain.ts`). Any of them re-anchors the rest of the read on the last delivered record's time (the
 * frontier), and the frontier drops what was delivered already. The overlap costs one record per page: 1 % at
 * 100 per page.
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

/** The starting position of a window. */
export function offsetStart(startMs: number, endMs: number): OffsetPosition {
  return { start: startMs, end: endMs, lo: startMs, hi: endMs, front: null };
}

type Outcome = { kind: 'done'; total: number } | { kind: 'narrow'; win: OffsetWindow } | { kind: 'repair'; reason: string; size?: number };

/**
 * The read: windows one after another (`offset-window.ts`), each read as a chain of overlapping pages
 * (`offset-chain.ts`) whose records pass the frontier (`frontier.ts`); a broken chain re-anchors the read on the
 * frontier, at most `MAX_STALLS` times in a row without progress.
 */
export function offsetPages<Raw>(strategy: OffsetStrategy<Raw>): OpenPages<Raw, OffsetPosition> {
  const { limit, maxOffset, direction } = strategy;
  const idOf = strategy.idOf ?? defaultId;
  const keyOf = overlapKey(idOf);
  const backoff = strategy.stallBackoffMs ?? 250;

  return async function* (from, context) {
    const front = new Frontier(direction, from.front);
    let win: OffsetWindow = anchor({ start: from.start, end: from.end, lo: from.lo, hi: from.hi }, front.t, direction);
    let size = limit;
    let stalls = 0;
    while (true) {
      const outcome: Outcome = yield* readWindow(win, size, front, context);
      if (outcome.kind === 'done') {
        const next = advance(win, outcome.total, reachOf(size, maxOffset), direction);
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
      win = anchor(win, front.t, direction);
    }
  };

  async function* readWindow(win: OffsetWindow, size: number, front: Frontier, context: PagingContext): AsyncGenerator<Page<Raw, OffsetPosition>, Outcome> {
    const { signal, stats } = context;
    const reach = reachOf(size, maxOffset);
    const probe = await fetchPage(win, 0, size, signal, context);
    const total = probe.response.total;
    if (win.lo === win.start && win.hi === win.end && front.t === undefined) stats.total = total;
    if (total > reach) return { kind: 'narrow', win: narrow(win, total, reach, direction) };

    const chain = new OffsetChain<Raw>(total, size, maxOffset, keyOf);
    const where = placer(win, strategy.timeOf, idOf);
    const queue = new OrderedQueue<Fetched<Raw>>(signal);
    let next = chain.after(0);
    const fill = () => {
      while (queue.size < strategy.concurrency && next !== undefined) {
        const offset = next;
        queue.push((taskSignal) => fetchPage(win, offset, size, taskSignal, context));
        next = chain.after(offset);
      }
    };
    try {
      let current = probe;
      while (true) {
        const { offset, response } = current;
        const { items } = response;
        const broken = chain.broken(offset, response.total, items);
        if (broken) return { kind: 'repair', reason: broken };
        fill();
        // Past a matched overlap the page holds only records not delivered yet: only its last instant meets the frontier.
        const fresh = chain.freshFrom(offset);
        const admitted = fresh !== undefined && within(items, fresh, where) ? admitFresh(items, fresh, front, where) : admitPage(items, front, where);
        stats.duplicatesDropped += admitted.dropped;
        if (admitted.items.length) {
          yield {
            items: admitted.items as readonly Raw[],
            raw: response.raw,
            positionAfter: (index) => ({ ...win, front: admitted.frontAfter(index) }),
          };
        }
        const step = chain.settle(offset, items);
        if (step.kind === 'done') return { kind: 'done', total };
        if (step.kind === 'repair') return step;
        current = await queue.shift();
      }
    } finally {
      queue.clear();
    }
  }

  async function fetchPage(win: OffsetWindow, offset: number, size: number, signal: AbortSignal, context: PagingContext): Promise<Fetched<Raw>> {
    const response = await strategy.fetch({ ...queryBounds(win), offset, limit: size, signal });
    // Counted once answered: a prefetch dropped before it was sent cost the provider nothing.
    context.stats.requests++;
    return { offset, response };
  }
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
