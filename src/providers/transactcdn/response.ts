import { z } from 'zod';
import type { ExtraFields } from '../../core/event.js';
import { epochSecondsToMs, parseTimestamp } from './time.js';

/**
 * Response schemas. The API returns only the event fields that hold data (and real servers send `null` for some of
 * the others: `null` means absent, like a missing field), so every field is optional except what
 * the normalizer cannot do without: an id, a time (`Epoch Time`, else a readable `Timestamp`) and `Client IP`.
 * Nothing transforms a value: `parseResponse` checks the documented fields and hands back the body itself, so
 * fields the docs do not list are kept in `raw`.
 */

const str = z.string();
const num = z.number();

/** `Date` reaches ±8.64e15 ms; a time past it would make an Invalid Date. */
const MAX_DATE_MS = 8.64e15;

/** The record's time in epoch ms: `Epoch Time` first, `Timestamp` as the fallback; undefined when neither reads. */
export function eventTimeMs(event: { 'Epoch Time'?: number | null | undefined; Timestamp?: string | null | undefined }): number | undefined {
  const epoch = event['Epoch Time'];
  const ms = epoch !== undefined && epoch !== null ? epochSecondsToMs(epoch) : typeof event.Timestamp === 'string' ? parseTimestamp(event.Timestamp) : undefined;
  return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}

const hasTime = (event: Parameters<typeof eventTimeMs>[0]) => eventTimeMs(event) !== undefined;
const TIME_MESSAGE = 'needs an Epoch Time or a Timestamp like 2016-09-07T00:20:40.345809Z';

export const wafSubEventSchema = z.object({
  'Matched Data': str.nullish(),
  'Matched On': str.nullish(),
  'Matched Value': str.nullish(),
  'Rule ID': z.union([num, str]).nullish(),
  'Rule Message': str.nullish(),
  'Rule Severity': num.nullish(),
  'Total Anomaly Score': num.nullish(),
});

export const wafEventSchema = z
  .object({
    'Acl ID': str.nullish(),
    'Acl Name': str.nullish(),
    'Action Type': str.nullish(),
    'Bots ID': str.nullish(),
    'Bots Name': str.nullish(),
    'City Name': str.nullish(),
    'Client IP': str,
    'Country Code': str.nullish(),
    'Country Name': str.nullish(),
    'Epoch Time': num.nullish(),
    'Event ID': str.nullish(),
    Host: str.nullish(),
    id: str.nullish(),
    'Instance Name': str.nullish(),
    'Profile Name': str.nullish(),
    'Profile Type': str.nullish(),
    Referer: str.nullish(),
    'Rule Message': str.nullish(),
    'Rule Policy': str.nullish(),
    'Rule Tags': str.nullish(),
    'Rules Config ID': str.nullish(),
    'Rules Config Name': str.nullish(),
    'Scope ID': str.nullish(),
    'Scope Name': str.nullish(),
    'Sub Event Count': num.nullish(),
    'Sub Events': z.array(wafSubEventSchema).nullish(),
    Timestamp: str.nullish(),
    URL: str.nullish(),
    'User Agent': str.nullish(),
  })
  .refine((event) => typeof event['Event ID'] === 'string' || typeof event.id === 'string', { message: 'needs an Event ID or an id', path: ['id'] })
  .refine(hasTime, { message: TIME_MESSAGE, path: ['Epoch Time'] });
/** One WAF event log entry, as received. */
export type TransactCdnWafRecord = z.output<typeof wafEventSchema> & ExtraFields;

export const rateLimitingEventSchema = z
  .object({
    Status: str.nullish(),
    'Epoch Time': num.nullish(),
    'Rate Limiting Enforcement Type': str.nullish(),
    'Client IP': str,
    URL: str.nullish(),
    Timestamp: str.nullish(),
    'Rate Limiting Enforcement Rule ID': str.nullish(),
    'Country Code': str.nullish(),
    'Rate Limiting Enforcement Tuple ID': str.nullish(),
    Host: str.nullish(),
    Referer: str.nullish(),
    'Rate Limiting Enforcement Start Epoch': num.nullish(),
    'Request Method': str.nullish(),
    'Rate Limiting Enforcement Percentage': num.nullish(),
    'Rate Limiting Enforcement Duration': num.nullish(),
    'User Agent': str.nullish(),
    id: str,
  })
  .refine(hasTime, { message: TIME_MESSAGE, path: ['Epoch Time'] });
/** One rate-limiting event log entry, as received. */
export type TransactCdnRateLimitingRecord = z.output<typeof rateLimitingEventSchema> & ExtraFields;

/** A page of either event log: `page` of `page_of`, for the window `time_from`..`time_to` (epoch seconds). */
function pageSchema<E extends z.ZodType>(event: E) {
  return z.object({
    page: z.number().int().nonnegative(),
    page_of: z.number().int().nonnegative(),
    time_from: num,
    time_to: num,
    events: z.array(event),
  });
}

export const wafPageSchema = pageSchema(wafEventSchema);
export const rateLimitingPageSchema = pageSchema(rateLimitingEventSchema);
/** A page whose events are checked one by one (see `parseRecords`), so one bad event does not fail the page. */
export const pageEnvelopeSchema = pageSchema(z.unknown());
export type WafPage = z.output<typeof wafPageSchema>;
export type RateLimitingPage = z.output<typeof rateLimitingPageSchema>;
