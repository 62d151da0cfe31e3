import { z } from 'zod';
import type { ExtraFields } from '../../core/event.js';
import { epochSecondsToMs, parseTimestamp } from './time.js';

/**
 * Response schemas. The API returns only the event fields that hold data, so every field is optional except what
 * the normalizer cannot do without: an id, a time (`Epoch Time`, else a readable `Timestamp`) and `Client IP`.
 * Nothing transforms a value: `parseResponse` checks the documented fields and hands back the body itself, so
 * fields the docs do not list are kept in `raw`.
 */

const str = z.string();
const num = z.number();

/** The record's time in epoch ms: `Epoch Time` first, `Timestamp` as the fallback. */
export function eventTimeMs(event: { 'Epoch Time'?: number | undefined; Timestamp?: string | undefined }): number | undefined {
  if (event['Epoch Time'] !== undefined) return epochSecondsToMs(event['Epoch Time']);
  return event.Timestamp === undefined ? undefined : parseTimestamp(event.Timestamp);
}

const hasTime = (event: Parameters<typeof eventTimeMs>[0]) => eventTimeMs(event) !== undefined;
const TIME_MESSAGE = 'needs an Epoch Time or a Timestamp like 2016-09-07T00:20:40.345809Z';

export const wafSubEventSchema = z.object({
  'Matched Data': str.optional(),
  'Matched On': str.optional(),
  'Matched Value': str.optional(),
  'Rule ID': z.union([num, str]).optional(),
  'Rule Message': str.optional(),
  'Rule Severity': num.optional(),
  'Total Anomaly Score': num.optional(),
});

export const wafEventSchema = z
  .object({
    'Acl ID': str.optional(),
    'Acl Name': str.optional(),
    'Action Type': str.optional(),
    'Bots ID': str.optional(),
    'Bots Name': str.optional(),
    'City Name': str.optional(),
    'Client IP': str,
    'Country Code': str.optional(),
    'Country Name': str.optional(),
    'Epoch Time': num.optional(),
    'Event ID': str.optional(),
    Host: str.optional(),
    id: str.optional(),
    'Instance Name': str.optional(),
    'Profile Name': str.optional(),
    'Profile Type': str.optional(),
    Referer: str.optional(),
    'Rule Message': str.optional(),
    'Rule Policy': str.optional(),
    'Rule Tags': str.optional(),
    'Rules Config ID': str.optional(),
    'Rules Config Name': str.optional(),
    'Scope ID': str.optional(),
    'Scope Name': str.optional(),
    'Sub Event Count': num.optional(),
    'Sub Events': z.array(wafSubEventSchema).optional(),
    Timestamp: str.optional(),
    URL: str.optional(),
    'User Agent': str.optional(),
  })
  .refine((event) => event['Event ID'] !== undefined || event.id !== undefined, { message: 'needs an Event ID or an id', path: ['id'] })
  .refine(hasTime, { message: TIME_MESSAGE, path: ['Epoch Time'] });
/** One WAF event log entry, as received. */
export type TransactCdnWafRecord = z.output<typeof wafEventSchema> & ExtraFields;

export const rateLimitingEventSchema = z
  .object({
    Status: str.optional(),
    'Epoch Time': num.optional(),
    'Rate Limiting Enforcement Type': str.optional(),
    'Client IP': str,
    URL: str.optional(),
    Timestamp: str.optional(),
    'Rate Limiting Enforcement Rule ID': str.optional(),
    'Country Code': str.optional(),
    'Rate Limiting Enforcement Tuple ID': str.optional(),
    Host: str.optional(),
    Referer: str.optional(),
    'Rate Limiting Enforcement Start Epoch': num.optional(),
    'Request Method': str.optional(),
    'Rate Limiting Enforcement Percentage': num.optional(),
    'Rate Limiting Enforcement Duration': num.optional(),
    'User Agent': str.optional(),
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
export type WafPage = z.output<typeof wafPageSchema>;
export type RateLimitingPage = z.output<typeof rateLimitingPageSchema>;
