import { z } from 'zod';
import { PaginationError } from '../errors.js';
import { OrderedQueue } from '../ordered.js';
import { InvalidRecord, type OpenPages, type Page } from '../pager.js';
import { MAX_STALLS, stallDelay } from './frontier.js';

/**
 * Cursor paging: follow `endCursor` while `hasNextPage`. Sequential by nature, so the only overlap is one
 * page of lookahead, fetched while the consumer works through the current page.
 */
export const cursorPositionSchema = z.strictObject({
  /** The cursor the page holding the next record was fetched with (null: the first page). */
  after: z.string().nullable(),
  /** How many of that page's records were already delivered. */
  skip: z.number().int().nonnegative(),
});
export type CursorPosition = z.infer<typeof cursorPositionSchema>;

export interface CursorResponse<Raw> {
  items: ReadonlyArray<Raw | InvalidRecord>;
  /** The provider's total for the query, when it tells it. */
  total?: number | undefined;
  endCursor: string | null;
  hasNextPage: boolean;
  raw: unknown;
}

export interface CursorStrategy<Raw> {
  /** Fetch the next page while the consumer processes the current one. */
  prefetch: boolean;
  fetch(request: { after: string | null; signal: AbortSignal }): Promise<CursorResponse<Raw>>;
  /** The record's id: a record delivered in this read is never delivered again (default: its `id` field). */
  idOf?: ((raw: Raw) => string) | undefined;
  /** The first wait after a page that brought nothing new (doubling). Default 250 ms. */
  stallBackoffMs?: number | undefined;
}

/** Ids remembered to catch a provider serving records again (a cursor it ignored, a page it repeats). */
const RECENT_IDS = 100_000;

export const cursorStart = (): CursorPosition => ({ after: null, skip: 0 });

export function cursorPages<Raw>(strategy: CursorStrategy<Raw>): OpenPages<Raw, CursorPosition> {
  const idOf = strategy.idOf ?? defaultId;
  const backoff = strategy.stallBackoffMs ?? 250;
  return async function* (from, context) {
    const { signal, stats } = context;
    const seen = new Set<string>();
    if (from.after !== null) seen.add(from.after);
    const recent = new RecentIds(RECENT_IDS);
    const queue = new OrderedQueue<CursorResponse<Raw>>(signal);
    const fetch = async (after: string | null, taskSignal: AbortSignal) => {
      const response = await strategy.fetch({ after, signal: taskSignal });
      stats.requests++;
      return response;
    };
    let after = from.after;
    let skip = from.skip;
    let stalls = 0;
    try {
      let response = await fetch(after, signal);
      while (true) {
        if (response.total !== undefined && stats.total === undefined) stats.total = response.total;
        const fresh = skip ? response.items.slice(skip) : response.items;
        // Records this read delivered already are dropped before anything is handed over; a page holding
        // nothing else means the provider served old records again (it ignored the cursor).
        const items: Array<Raw | InvalidRecord> = [];
        for (const item of fresh) {
          if (item instanceof InvalidRecord) items.push(item);
          else if (recent.add(idOf(item))) items.push(item);
        }
        const dropped = fresh.length - items.length;
        stats.duplicatesDropped += dropped;
        if (dropped > 0 && items.length === 0) {
          throw new PaginationError(`the provider served ${dropped} records this read had already delivered (it ignored the cursor ${JSON.stringify((after ?? 'null').slice(0, 60))}); stopping instead of repeating them`);
        }
        // A bad next cursor is reported after this page is handed over: its records are good and must not be lost.
        let next: string | undefined;
        let broken: unknown;
        try {
          next = nextCursor(response, seen);
        } catch (error) {
          broken = error;
        }
        if (next !== undefined && strategy.prefetch) queue.push((taskSignal) => fetch(next, taskSignal));

        const pageAfter = after;
        const pageSkip = skip;
        // Position counts the provider's records, delivered or dropped, so a resumed read skips the same ones.
        const index = dropped ? indexMap(fresh, items) : undefined;
        const page: Page<Raw, CursorPosition> = {
          items: items as readonly Raw[],
          raw: response.raw,
          positionAfter: (i) => ({ after: pageAfter, skip: pageSkip + (index ? index[i]! : i) + 1 }),
        };
        if (items.length) yield page;
        if (broken) throw broken;
        if (next === undefined) return;
        stalls = items.length ? 0 : stalls + 1;
        if (stalls >= MAX_STALLS) throw new PaginationError(`${MAX_STALLS} pages in a row brought no record yet claimed a next page; stopping instead of looping`);
        after = next;
        skip = 0;
        if (!strategy.prefetch) await stallDelay(stalls, backoff, context);
        response = strategy.prefetch ? await queue.shift() : await fetch(after, signal);
        if (strategy.prefetch && stalls) await stallDelay(stalls, backoff, context);
      }
    } finally {
      queue.clear();
    }
  };
}

/** For each kept item, its index among the page's records. */
function indexMap<T>(all: readonly T[], kept: readonly T[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < all.length && j < kept.length; i++) {
    if (all[i] === kept[j]) {
      out.push(i);
      j++;
    }
  }
  return out;
}

/** A bounded set of the most recent ids (insertion order is eviction order). */
class RecentIds {
  readonly #ids = new Set<string>();
  constructor(readonly capacity: number) {}
  /** Adds `id`; false when it was already there. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.values().next().value!);
    return true;
  }
}

function defaultId(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return String(raw);
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'string' ? id : String(id);
}

/** The cursor of the next page, undefined at the end; throws rather than loop on a cursor seen before. */
function nextCursor(response: CursorResponse<unknown>, seen: Set<string>): string | undefined {
  if (!response.hasNextPage) return undefined;
  const cursor = response.endCursor;
  if (cursor === null || cursor === '') throw new PaginationError('the provider said hasNextPage but gave no endCursor');
  if (seen.has(cursor)) throw new PaginationError(`the provider repeated cursor ${JSON.stringify(cursor.slice(0, 60))}; stopping instead of looping`);
  seen.add(cursor);
  return cursor;
}
