import { z } from 'zod';
import type { ExtraFields } from '../../core/event.js';

/**
 * The documented shape of a BotBye requests page. Nothing here transforms a value: `parseResponse` checks the
 * documented fields and hands back the body itself, so a node is the record exactly as received, fields BotBye
 * adds later included.
 * Optional strings are `nullish` because the doc's own sample sends `"remoteUser": null`.
 */
const text = z.string().nullish();

/** A date-time string `Date` can read (BotBye documents ISO 8601; zone-less values are read as UTC). */
const dateTime = z.string().refine((value) => !Number.isNaN(parseBotByeTime(value).getTime()), 'must be an ISO 8601 date-time');

export const botByeRequestSchema = z.object({
  id: z.string().min(1),
  token: text,
  customerId: text,
  projectId: text,
  siteKey: text,
  serverKey: text,
  referer: text,
  userAgent: text,
  host: text,
  requestMethod: text,
  requestUri: text,
  remoteAddr: text,
  serverName: text,
  remoteUser: text,
  serverPort: z.number().int().nullish(),
  requestInfo: text,
  failedMessage: text,
  failedChecks: text,
  customFields: z.array(z.unknown()).nullish(),
  /** The request's headers as a JSON string; parsed (leniently) by `parseBotByeHeaders`. */
  headers: text,
  createdAt: dateTime,
  realIp: text,
  country: text,
  asn: text,
  isProtected: z.boolean().nullish(),
  isBanByRule: z.boolean().nullish(),
});
/** One BotBye request record, exactly as the API sent it. */
export type BotByeRecord = z.infer<typeof botByeRequestSchema> & ExtraFields;
/** @deprecated Use `BotByeRecord`. */
export type BotByeRequest = BotByeRecord;

export const botByePageSchema = z.object({
  edges: z.array(z.object({ cursor: z.string().nullish(), node: botByeRequestSchema })),
  pageInfo: z.object({
    hasPreviousPage: z.boolean().optional(),
    hasNextPage: z.boolean(),
    startCursor: z.string().nullish(),
    endCursor: z.string().nullish(),
    total: z.number().int().nonnegative().optional(),
  }),
});
export type BotByePage = z.infer<typeof botByePageSchema>;

/** Zone-less ISO date-times would be read as local time by `Date`; BotBye's are UTC. */
const ZONELESS = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** `createdAt` as a `Date` (Invalid Date when unreadable; the schema refuses those first). */
export function parseBotByeTime(value: string): Date {
  return new Date(ZONELESS.test(value) ? `${value}Z` : value);
}
