import { z } from 'zod';

/**
 * An instant as callers write it: a `Date`, an ISO 8601 date-time with a zone (`2026-11-20T00:00:00Z`,
 * `…+01:00`), a plain date (`2026-11-20`, read as UTC midnight), or epoch milliseconds (at least 1e11: a
 * number in seconds is refused, not read as 1970).
 */
export const instantSchema = z
  .union([
    z.date(),
    z.iso.datetime({ offset: true }),
    z.iso.date(),
    // Below 1e11 ms is before March 1973: such a number is epoch seconds (or a typo), never a log instant.
    z.number().int().min(1e11, 'is too small for epoch milliseconds (it looks like epoch seconds): instants are epoch milliseconds, ISO 8601 strings or Dates'),
  ], { error: 'must be a Date, an ISO 8601 date-time with a time zone (2026-11-20T00:00:00Z), a date (2026-11-20) or epoch milliseconds' })
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), 'is not a valid instant');
export type Instant = z.input<typeof instantSchema>;

export const SECOND = 1000;
export const DAY = 86_400_000;
