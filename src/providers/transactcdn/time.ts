import { DAY, SECOND } from '../../core/time.js';

/** Event log data older than this is gone: the API answers 400 to an older `start_time`. */
export const RETENTION_MS = 30 * DAY;

/** `YYYY-MM-DDThh:mm:ss`, UTC: the only date-time form the API takes (it has no sub-second part). */
export function formatApiTime(epochSeconds: number): string {
  return new Date(epochSeconds * SECOND).toISOString().slice(0, 19);
}

/**
 * The whole seconds to send for a window `[startMs, endMs)`: the enclosing seconds, so that whichever way the
 * server rounds its `end_time` second (inclusive or not) the answer covers the window; the page strategy drops
 * the surplus, trimming each page to the exact window. `start_time` is read as inclusive of its second, as the doc's "after the specified date/time" reads
 * at second resolution.
 */
export function querySeconds(startMs: number, endMs: number): { startTime: string; endTime: string } {
  return { startTime: formatApiTime(Math.floor(startMs / SECOND)), endTime: formatApiTime(Math.ceil(endMs / SECOND)) };
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:[.:](\d{1,9}))?Z$/;

/**
 * Parses a response `Timestamp` in epoch ms. The docs show both `…:40.345809Z` and `…:40:345809Z` (a colon before
 * the microseconds); both are read, truncated to the millisecond. Returns undefined when unreadable.
 */
export function parseTimestamp(value: string): number | undefined {
  const match = TIMESTAMP.exec(value);
  if (!match) return undefined;
  const whole = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(whole)) return undefined;
  const fraction = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  return whole + Number(fraction);
}

/**
 * `Epoch Time` (seconds with microseconds) in epoch ms, truncated. Rounding to whole microseconds first removes
 * binary-float noise (1473207637.5252609 must not become …524.999 ms).
 */
export function epochSecondsToMs(seconds: number): number {
  return Math.floor(Math.round(seconds * 1_000_000) / 1000);
}
