import type { OpenPages } from '../../core/pager.js';
import { pagePages, type PagePosition, type PageRequest } from '../../core/strategies/page.js';
import { inWindow } from './time.js';

export interface WindowPage<Raw> {
  /** Every event the provider sent on this page, before the window is applied. */
  events: readonly Raw[];
  pageCount: number;
  raw: unknown;
}

export interface WindowPaging<Raw> {
  concurrency: number;
  /** Fetches one provider page for the whole seconds enclosing `[startMs, endMs)`. */
  fetch(request: PageRequest): Promise<WindowPage<Raw>>;
  timeOf(raw: Raw): number;
}

interface Seen {
  kept: number;
  received: number;
  pageCount: number;
}

/**
 * `pagePages` over a window the API can only express in whole seconds. Each page keeps only the events inside
 * `[start, end)` (by their own time), a pure function of the page, so positions stay valid across resumes.
 *
 * The shared strategy stops at the first page that delivers no items. Here a page can be non-empty at the
 * provider yet empty after the window is applied (a busy second just outside the window, whichever way the
 * server rounds `end_time`), and stopping there would lose every page after it. So when the strategy stops on
 * such a page, paging restarts with the page after it.
 */
export function windowPages<Raw>(paging: WindowPaging<Raw>): OpenPages<Raw, PagePosition> {
  return async function* (from, context) {
    if (from.start >= from.end) return;
    let position = from;
    for (;;) {
      const seen = new Map<number, Seen>();
      const open = pagePages<Raw>({
        concurrency: paging.concurrency,
        fetch: async (request) => {
          // The shared queue can start a prefetch after the stream was stopped, with a signal that never fires;
          // tie every fetch to the stream's own signal so nothing is sent once it stopped.
          context.signal.throwIfAborted();
          const page = await paging.fetch({ ...request, signal: AbortSignal.any([request.signal, context.signal]) });
          const items = page.events.filter((event) => inWindow(paging.timeOf(event), request.startMs, request.endMs));
          seen.set(request.page, { kept: items.length, received: page.events.length, pageCount: page.pageCount });
          return { items, pageCount: page.pageCount, raw: page.raw };
        },
      });
      yield* open(position, context);
      const next = pageAfterFilteredStop(position.page, seen);
      if (next === undefined) return;
      position = { start: position.start, end: position.end, page: next, skip: 0 };
    }
  };
}

/**
 * Replays `pagePages`' stopping rule over the pages it consumed, in order: returns the page to go on with when
 * it stopped only because the window emptied a page the provider had filled, else undefined.
 */
function pageAfterFilteredStop(first: number, seen: ReadonlyMap<number, Seen>): number | undefined {
  let number = first;
  let pageCount = seen.get(first)?.pageCount ?? 0;
  for (;;) {
    const page = seen.get(number);
    if (!page) return undefined;
    if (page.kept === 0) return page.received > 0 && number < pageCount ? number + 1 : undefined;
    if (number >= pageCount) return undefined;
    number += 1;
    const following = seen.get(number);
    if (!following) return undefined;
    pageCount = Math.min(pageCount, Math.max(following.pageCount, number));
  }
}
