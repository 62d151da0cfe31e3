import { z } from 'zod';
import { instantSchema } from '../../core/time.js';
import { RETENTION_MS } from './time.js';

/**
 * The event fields a WAF event log query can filter on: the string fields of the doc's event table (time fields
 * are set by `start`/`end`; `Sub Events` is an array and the deprecated top-level fields are no longer returned).
 */
export const WAF_FILTER_FIELDS = [
  'Acl ID',
  'Acl Name',
  'Action Type',
  'Bots ID',
  'Bots Name',
  'City Name',
  'Client IP',
  'Country Code',
  'Country Name',
  'Event ID',
  'Host',
  'id',
  'Instance Name',
  'Profile Name',
  'Profile Type',
  'Referer',
  'Rule Message',
  'Rule Policy',
  'Rule Tags',
  'Rules Config ID',
  'Rules Config Name',
  'Scope ID',
  'Scope Name',
  'URL',
  'User Agent',
] as const;
/** A field a WAF event log query can filter on. */
export type TransactCdnWafFilterField = (typeof WAF_FILTER_FIELDS)[number];
/** @deprecated Use `TransactCdnWafFilterField`. */
export type WafFilterField = TransactCdnWafFilterField;

/** The string fields of the rate-limiting doc's event table. */
export const RATE_LIMITING_FILTER_FIELDS = [
  'Client IP',
  'Country Code',
  'Host',
  'id',
  'Rate Limiting Enforcement Rule ID',
  'Rate Limiting Enforcement Tuple ID',
  'Rate Limiting Enforcement Type',
  'Referer',
  'Request Method',
  'Status',
  'URL',
  'User Agent',
] as const;
/** A field a rate-limiting event log query can filter on. */
export type TransactCdnRateLimitingFilterField = (typeof RATE_LIMITING_FILTER_FIELDS)[number];
/** @deprecated Use `TransactCdnRateLimitingFilterField`. */
export type RateLimitingFilterField = TransactCdnRateLimitingFilterField;

// Control characters cannot be meant, and some proxies mangle them; refusing them keeps the filter JSON plain.
const filterValue = z.string().min(1, 'must not be empty').regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');
/** One value, or several (any of them matches): `{ "Host": ["a.example.com", "b.example.com"] }`. */
export const filterValueSchema = z.union([filterValue, z.array(filterValue).min(1, 'must list at least one value')], {
  error: 'must be a string or a non-empty array of strings',
});

/**
 * A strict object over the endpoint's field names: an unknown key is refused by name (the API would answer 500
 * to a filter it cannot read, and no retry fixes that).
 */
function filtersSchema<const F extends readonly string[]>(fields: F) {
  const shape = Object.fromEntries(fields.map((field) => [field, filterValueSchema.optional()])) as {
    [K in F[number]]: z.ZodOptional<typeof filterValueSchema>;
  };
  return z.strictObject(shape);
}

export const wafFiltersSchema = filtersSchema(WAF_FILTER_FIELDS);
export const rateLimitingFiltersSchema = filtersSchema(RATE_LIMITING_FILTER_FIELDS);
/** The WAF log's `filters`: field → one value or several (any matches). */
export type TransactCdnWafFilters = z.input<typeof wafFiltersSchema>;
/** The rate-limiting log's `filters`: field → one value or several (any matches). */
export type TransactCdnRateLimitingFilters = z.input<typeof rateLimitingFiltersSchema>;
/** @deprecated Use `TransactCdnWafFilters`. */
export type WafFilters = TransactCdnWafFilters;
/** @deprecated Use `TransactCdnRateLimitingFilters`. */
export type RateLimitingFilters = TransactCdnRateLimitingFilters;

/** The most events a page may hold, and what a read asks for by default (the API's own default is 100). */
export const MAX_PAGE_SIZE = 1000;

const window = {
  /** Oldest instant, inclusive. At most 30 days ago. Omitted: 24 hours before `end`. */
  start: instantSchema.optional(),
  /** Newest instant, exclusive. Omitted (or not yet reached): pinned when iteration starts. Needs `start`. */
  end: instantSchema.optional(),
};

/** The window rules the API enforces with a 400, checked before any request. */
function checkWindow(query: { start?: Date | undefined; end?: Date | undefined }, ctx: z.RefinementCtx): void {
  // zod still runs this when a field already failed (then it holds the raw input): check only real Dates.
  const start = query.start instanceof Date ? query.start : undefined;
  const end = query.end instanceof Date ? query.end : undefined;
  if (query.start !== undefined && !start) return;
  if (end && !start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'needs a start as well (the API takes both or neither)' });
  if (start && start.getTime() < Date.now() - RETENTION_MS) {
    ctx.addIssue({ code: 'custom', path: ['start'], message: 'is older than 30 days; TransactCDN keeps event logs for 30 days' });
  }
  if (start && end && end.getTime() < start.getTime()) ctx.addIssue({ code: 'custom', path: ['end'], message: 'is before start' });
}

export const wafEventsQuerySchema = z
  .strictObject({
    ...window,
    filters: wafFiltersSchema.optional(),
    /** Events per request, 1..1000. Default 1000 (the API's own default is 100). */
    pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
  })
  .superRefine(checkWindow);
/** What `wafEvents()` takes. */
export type TransactCdnWafEventsQuery = z.input<typeof wafEventsQuerySchema>;
/** @deprecated Use `TransactCdnWafEventsQuery`. */
export type WafEventsQuery = TransactCdnWafEventsQuery;
/** What `followWafEvents()` takes: the `wafEvents` query without the window, which the follow owns. */
export type TransactCdnWafFollowQuery = Omit<TransactCdnWafEventsQuery, 'start' | 'end'>;

export const rateLimitingEventsQuerySchema = z
  .strictObject({
    ...window,
    filters: rateLimitingFiltersSchema.optional(),
    /** Events per request, 1..1000. Default 1000. */
    perPage: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
  })
  .superRefine(checkWindow);
/** What `rateLimitingEvents()` takes. */
export type TransactCdnRateLimitingEventsQuery = z.input<typeof rateLimitingEventsQuerySchema>;
/** @deprecated Use `TransactCdnRateLimitingEventsQuery`. */
export type RateLimitingEventsQuery = TransactCdnRateLimitingEventsQuery;
/** What `followRateLimitingEvents()` takes: the `rateLimitingEvents` query without the window. */
export type TransactCdnRateLimitingFollowQuery = Omit<TransactCdnRateLimitingEventsQuery, 'start' | 'end'>;

/** The `filters` query value: the doc's JSON, or nothing when no field is set. */
export function serializeFilters(filters: Record<string, string | string[] | undefined> | undefined): string | undefined {
  if (!filters) return undefined;
  const entries = Object.entries(filters).filter(([, value]) => value !== undefined);
  return entries.length ? JSON.stringify(Object.fromEntries(entries)) : undefined;
}

/** An `Event ID` for the single-entry endpoint: one path segment. */
export const eventIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(256, 'is too long')
  .regex(/^[A-Za-z0-9_=-]+$/, 'must be an Event ID (letters, digits, _ - =)');
