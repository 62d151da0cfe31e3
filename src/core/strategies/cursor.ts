import { z } from 'zod';
import { PaginationError } from '../errors.js';
import { OrderedQueue } from '../ordered.js';
import type { OpenPages, Page } from '../pager.js';

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
  items: readonly Raw[];
  endCursor: string | null;
  hasNextPage: boolean;
  raw: unknown;
}

export interface CursorStrategy<Raw> {
  /** Fetch the next page while the consumer processes the current one. */
  prefetch: boolean;
  fetch(request: { after: string | null; signal: AbortSignal }): Promise<CursorResponse<Raw>>;
}

/** Empty pages in a row that still claim a next page before we call it a loop. */
const MAX_EMPTY_PAGES = 50;

export const cursorStart = (): CursorPosition => ({ after: null, skip: 0 });

export function cursorPages<Raw>(strategy: CursorStrategy<Raw>): OpenPages<Raw, CursorPosition> {
  return async function* (from, { signal }) {
    const seen = new Set<string>();
    if (from.after !== null) seen.add(from.after);
    const queue = new OrderedQueue<CursorResponse<Raw>>(signal);
    let after = from.after;
    let skip = from.skip;
    let empties = 0;
    try {
      let response = await strategy.fetch({ after, signal });
      while (true) {
        // A bad next cursor is reported after this page is handed over: its records are good and must not be lost.
        let next: string | undefined;
        let broken: unknown;
        try {
          next = nextCursor(response, seen);
        } catch (error) {
          broken = error;
        }
        if (next !== undefined && strategy.prefetch) queue.push((taskSignal) => strategy.fetch({ after: next, signal: taskSignal }));

        const pageAfter = after;
        const pageSkip = skip;
        const page: Page<Raw, CursorPosition> = {
          items: pageSkip ? response.items.slice(pageSkip) : response.items,
          raw: response.raw,
          positionAfter: (index) => ({ after: pageAfter, skip: pageSkip + index + 1 }),
        };
        empties = response.items.length ? 0 : empties + 1;
        if (empties > MAX_EMPTY_PAGES) throw new PaginationError(`${MAX_EMPTY_PAGES} empty pages in a row each claimed a next page; stopping instead of looping`);
        if (page.items.length) yield page;
        if (broken) throw broken;
        if (next === undefined) return;
        after = next;
        skip = 0;
        response = strategy.prefetch ? await queue.shift() : await strategy.fetch({ after, signal });
      }
    } finally {
      queue.clear();
    }
  };
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
