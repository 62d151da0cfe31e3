import type { WindowRule } from './definition.js';

/** A read's window as the filters give it: either edge may be absent (end: up to now). */
export interface FilterWindow {
  start?: Date | undefined;
  end?: Date | undefined;
}

/** The `start`/`end` instants of validated filters; anything but a `Date` counts as absent (`end: null` included). */
export function windowOf(filters: unknown): FilterWindow {
  const { start, end } = (filters ?? {}) as { start?: unknown; end?: unknown };
  return { start: start instanceof Date ? start : undefined, end: end instanceof Date ? end : undefined };
}

/**
 * The window a fresh read pages, fixed once when iteration starts (and kept in its checkpoints). An omitted end,
 * or one not yet settled, becomes the settled instant `floor(now / grainMs) × grainMs − settleMs`, so records
 * arriving meanwhile cannot shift the pages under the read. An omitted start is `defaultSpanMs` before the end.
 */
export function pinWindow(window: FilterWindow, rule: WindowRule, nowMs: number): { startMs: number; endMs: number } {
  const settled = Math.floor(nowMs / rule.grainMs) * rule.grainMs - rule.settleMs;
  const endMs = window.end === undefined ? settled : Math.min(window.end.getTime(), settled);
  if (window.start !== undefined) return { startMs: window.start.getTime(), endMs };
  // The filter schema requires a start when the rule names no default span: reaching here is a definition bug.
  if (rule.defaultSpanMs === undefined) throw new TypeError('this source needs a start: its filters must require one');
  return { startMs: endMs - rule.defaultSpanMs, endMs };
}
