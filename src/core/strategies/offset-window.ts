import { PaginationError } from '../errors.js';
import { InvalidRecord } from '../validate.js';
import type { Direction, Place } from './frontier.js';

/**
 * The geometry of offset paging over a closed time window: the sub-windows a read walks through, how it narrows
 * one the provider's offset cap cannot reach, how it moves on, and where it re-anchors after the data moved.
 * Pure functions of plain values, so each rule can be checked alone.
 *
 * A sub-window is half-open on its inner edges: a record at exactly a split instant belongs to the window on its
 * newer side. Because the provider may treat `start`/`end` as inclusive or exclusive, an inner edge is queried one
 * millisecond wider and the surplus is dropped by the record's own time (`placer`). The caller's outer
 * `start`/`end` are sent exactly as given, so the provider's own semantics hold there.
 */
export interface OffsetWindow {
  /** The caller's window, in epoch ms. */
  start: number;
  end: number;
  /** The current sub-window: `start <= lo <= hi <= end`. */
  lo: number;
  hi: number;
}

/** Pages overlap by one record when a page holds more than one: page k starts at `k × stride`. */
export function strideOf(size: number): number {
  return size > 1 ? size - 1 : 1;
}

/** How many records one window can hold and still be read: the last page starts at the last grid point <= maxOffset. */
export function reachOf(size: number, maxOffset: number): number {
  const stride = strideOf(size);
  return Math.floor(maxOffset / stride) * stride + size;
}

/** The bounds to send for `win`: an inner `lo` one millisecond wider (trimmed again by `placer`). */
export function queryBounds(win: OffsetWindow): { startMs: number; endMs: number } {
  return { startMs: win.lo !== win.start ? win.lo - 1 : win.lo, endMs: win.hi };
}

/**
 * Where a record sits in the order, or undefined when it falls outside the sub-window's inner edges (the surplus
 * of the wider query, or a record of the neighbouring window).
 */
export function placer<Raw>(win: OffsetWindow, timeOf: (raw: Raw) => number, idOf: (raw: Raw) => string): (raw: Raw) => Place | undefined {
  const innerLo = win.lo !== win.start;
  const innerHi = win.hi !== win.end;
  return (raw) => {
    const t = timeOf(raw);
    if ((innerLo && t < win.lo) || (innerHi && t >= win.hi)) return undefined;
    return { t, id: idOf(raw) };
  };
}

/**
 * Whether `items[from]` and the last item are valid records inside the window. Pages are sorted by time, so then
 * is every record between: the cheap test that lets a page skip the per-record window trim.
 */
export function within<Raw>(items: ReadonlyArray<Raw | InvalidRecord>, from: number, place: (raw: Raw) => Place | undefined): boolean {
  const first = items[from];
  const last = items[items.length - 1];
  if (first === undefined || last === undefined || first instanceof InvalidRecord || last instanceof InvalidRecord) return false;
  return place(first) !== undefined && place(last) !== undefined;
}

/**
 * Shrinks the window from its far side (the side read last) until the offset cap can reach all of it, assuming
 * records spread evenly: it aims at 80 % of the reach and at least halves. A millisecond holding more than the
 * reach cannot be read by offsets at all: `PaginationError`.
 */
export function narrow(win: OffsetWindow, total: number, reach: number, direction: Direction): OffsetWindow {
  const span = win.hi - win.lo;
  if (span <= 1) {
    throw new PaginationError(`more than ${reach} records fall within a millisecond of ${new Date(win.lo).toISOString()}; offset paging cannot read them all`);
  }
  const target = Math.max(1, Math.min(Math.floor(span / 2), Math.floor((span * reach * 0.8) / total)));
  return direction === 'desc' ? { ...win, lo: win.hi - target } : { ...win, hi: win.lo + target };
}

/**
 * The rest of `win` from the frontier time `t` on: what a re-read after the data moved must cover. The frontier's
 * own millisecond stays inside (in `desc` the exclusive inner `hi` becomes `t + 1`), since records sharing it may
 * not all have been delivered; the frontier drops those that were.
 */
export function anchor(win: OffsetWindow, t: number | undefined, direction: Direction): OffsetWindow {
  if (t === undefined) return win;
  if (direction === 'desc') return { ...win, hi: Math.max(win.lo, Math.min(win.hi, t + 1)) };
  return { ...win, lo: Math.min(win.hi, Math.max(win.lo, t)) };
}

/**
 * The next sub-window after `win`, or undefined when the caller's window is done. Its span follows the last
 * window's density: a window that held far less than the reach doubles or quadruples the next, so one burst
 * of records does not leave a long query crawling in tiny windows.
 */
export function advance(win: OffsetWindow, total: number, reach: number, direction: Direction): OffsetWindow | undefined {
  const growth = total < reach / 4 ? 4 : total < reach / 2 ? 2 : 1;
  const span = Math.max(1, (win.hi - win.lo) * growth);
  if (direction === 'desc') {
    if (win.lo === win.start) return undefined;
    return { ...win, hi: win.lo, lo: Math.max(win.start, win.lo - span) };
  }
  if (win.hi === win.end) return undefined;
  return { ...win, lo: win.hi, hi: Math.min(win.end, win.hi + span) };
}
