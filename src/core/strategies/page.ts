import { z } from 'zod';
import { OrderedQueue } from '../ordered.js';
import type { OpenPages, Page } from '../pager.js';

/**
 * Page-number paging (`page` / `page_of`) over a closed window. Page 1 tells the page count; the pages
 * after it are fetched up to `concurrency` at once and delivered in order.
 */
export const pagePositionSchema = z.strictObject({
  /** The window as sent, in epoch ms (pinned). */
  start: z.number().int(),
  end: z.number().int(),
  /** The page holding the next record, and how many of its records were already delivered. */
  page: z.number().int().min(1),
  skip: z.number().int().nonnegative(),
});
export type PagePosition = z.infer<typeof pagePositionSchema>;

export interface PageRequest {
  page: number;
  startMs: number;
  endMs: number;
  signal: AbortSignal;
}

export interface PageResponse<Raw> {
  items: readonly Raw[];
  /** Total pages for the window. */
  pageCount: number;
  raw: unknown;
}

export interface PageStrategy<Raw> {
  concurrency: number;
  fetch(request: PageRequest): Promise<PageResponse<Raw>>;
  /**
   * For an API whose window is coarser than the caller's (whole seconds): the record's time in epoch ms,
   * and only records with `start <= time < end` are kept. Paging still follows the provider's own pages, so
   * a page emptied by the trim does not end the stream.
   */
  timeOf?: ((raw: Raw) => number) | undefined;
}

export function pageStart(startMs: number, endMs: number): PagePosition {
  return { start: startMs, end: endMs, page: 1, skip: 0 };
}

export function pagePages<Raw>(strategy: PageStrategy<Raw>): OpenPages<Raw, PagePosition> {
  const { timeOf } = strategy;
  return async function* (from, { signal }) {
    if (from.start >= from.end) return;
    const fetchPage = (page: number, taskSignal: AbortSignal) =>
      strategy.fetch({ page, startMs: from.start, endMs: from.end, signal: taskSignal });
    const inWindow = (raw: Raw) => {
      const t = timeOf!(raw);
      return t >= from.start && t < from.end;
    };
    // `skip` counts kept records: the trim is a pure function of the page, so a resumed read sees the same list.
    const toPage = (number: number, response: PageResponse<Raw>, skip: number): Page<Raw, PagePosition> => {
      const kept = timeOf ? response.items.filter(inWindow) : response.items;
      return {
        items: skip ? kept.slice(skip) : kept,
        raw: response.raw,
        positionAfter: (index) => ({ start: from.start, end: from.end, page: number, skip: skip + index + 1 }),
      };
    };

    let number = from.page;
    let response = await fetchPage(number, signal);
    let pageCount = response.pageCount;
    const queue = new OrderedQueue<PageResponse<Raw>>(signal);
    let nextToFetch = number + 1;
    const fill = () => {
      while (queue.size < strategy.concurrency && nextToFetch <= pageCount) {
        const page = nextToFetch++;
        queue.push((taskSignal) => fetchPage(page, taskSignal));
      }
    };
    try {
      let skip = from.skip;
      while (true) {
        fill();
        const page = toPage(number, response, skip);
        if (page.items.length) yield page;
        skip = 0;
        // The provider's own count decides the end, not what the trim kept.
        if (response.items.length === 0 || number >= pageCount) return;
        number += 1;
        response = await queue.shift();
        // The count is fixed for a closed window; should it still shrink, stop where the provider says.
        pageCount = Math.min(pageCount, Math.max(response.pageCount, number));
      }
    } finally {
      queue.clear();
    }
  };
}
