import { LimitExceededError } from './errors.js';
import type { PositionTracker } from './follow-position.js';

/** What a follow reads through: a source's own list method over one closed window. */
export interface ListStream<E> {
  pages(): AsyncIterable<{ readonly items: readonly E[]; readonly raw: unknown }>;
}
export type ListWindow<E> = (window: { start: Date; end: Date }, signal: AbortSignal) => ListStream<E>;

/** The events of one provider page (or one sorted sub-window) not delivered before, oldest first. */
export interface Batch<E> {
  items: E[];
  raw: unknown;
}

export interface ReadCounters {
  pages: number;
  requests: number;
  skipped: number;
}

/** How a newest-first source is read in order: sub-windows small enough to sort in memory. */
export interface ChunkRules {
  /** The smallest sub-window (the provider's time resolution, e.g. 1000 for whole seconds). */
  minMs: number;
  /** The first and the largest sub-window tried. */
  initialMs: number;
  maxMs: number;
  /** The most events held to sort one sub-window; past it the sub-window is halved and read again. */
  maxEvents: number;
}

interface Timed {
  id: string;
  time: Date;
}

/**
 * Keeps the events inside `[startMs, endMs)` whose id was not delivered before. A re-read of the overlap returns
 * what was delivered already; a source rounding its window to seconds may return a little outside it.
 */
function fresh<E extends Timed>(items: Iterable<E>, tracker: PositionTracker, startMs: number, endMs: number, counters: ReadCounters): E[] {
  const out: E[] = [];
  const seen = new Set<string>();
  for (const event of items) {
    const t = event.time.getTime();
    if (t < startMs || t >= endMs || tracker.has(event.id) || seen.has(event.id)) {
      counters.skipped++;
      continue;
    }
    seen.add(event.id);
    out.push(event);
  }
  return out;
}

/**
 * Reads `[startMs, endMs)` from an oldest-first source, one batch per provider page. Each yield resumes only when
 * the consumer has handled the batch, so finishing the window afterwards is safe.
 */
export async function* readAscending<E extends Timed>(
  list: ListWindow<E>,
  tracker: PositionTracker,
  window: { startMs: number; endMs: number },
  counters: ReadCounters,
  signal: AbortSignal,
): AsyncGenerator<Batch<E>, void, undefined> {
  let pages = 0;
  for await (const page of list({ start: new Date(window.startMs), end: new Date(window.endMs) }, signal).pages()) {
    pages++;
    counters.pages++;
    counters.requests++;
    const items = fresh(page.items, tracker, window.startMs, window.endMs, counters);
    if (items.length) yield { items, raw: page.raw };
  }
  // A read that answered with no page at all still cost its request.
  if (pages === 0) counters.requests++;
  tracker.finished(window.endMs);
}

/**
 * Reads `[startMs, endMs)` from a newest-first source in sub-windows of at most `rules.maxEvents` events, each
 * sorted oldest first: memory stays bounded by `maxEvents` whatever the backlog. `size` carries the sub-window
 * length from one poll to the next (it halves on overflow and doubles back when sub-windows run light).
 */
export async function* readInChunks<E extends Timed>(
  list: ListWindow<E>,
  tracker: PositionTracker,
  window: { startMs: number; endMs: number },
  rules: ChunkRules,
  size: { ms: number },
  counters: ReadCounters,
  signal: AbortSignal,
): AsyncGenerator<Batch<E>, void, undefined> {
  let from = window.startMs;
  while (from < window.endMs) {
    const to = Math.min(from + size.ms, window.endMs);
    const buffered: E[] = [];
    const raws: unknown[] = [];
    let overflow = false;
    let pages = 0;
    for await (const page of list({ start: new Date(from), end: new Date(to) }, signal).pages()) {
      pages++;
      counters.pages++;
      counters.requests++;
      buffered.push(...page.items);
      raws.push(page.raw);
      if (buffered.length > rules.maxEvents) {
        overflow = true;
        break;
      }
    }
    if (pages === 0) counters.requests++;
    if (overflow) {
      if (size.ms <= rules.minMs) {
        throw new LimitExceededError(
          `follow: more than ${rules.maxEvents} events in ${rules.minMs} ms from ${new Date(from).toISOString()}; raise maxBufferedEvents`,
        );
      }
      size.ms = Math.max(rules.minMs, Math.floor(size.ms / 2 / rules.minMs) * rules.minMs);
      continue;
    }
    buffered.sort((a, b) => a.time.getTime() - b.time.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const items = fresh(buffered, tracker, from, to, counters);
    if (items.length) yield { items, raw: raws };
    tracker.finished(to);
    if (buffered.length * 4 < rules.maxEvents) size.ms = Math.min(rules.maxMs, size.ms * 2);
    from = to;
  }
}
