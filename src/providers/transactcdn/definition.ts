import { z } from 'zod';
import { transactCdnClientBinding } from './binding.js';
import { defineProvider, defineSource, type FollowRules, type WindowRule } from '../../core/definition.js';
import { clientOptionsSchema } from '../../core/options.js';
import { DAY, SECOND } from '../../core/time.js';
import type { Query } from '../../core/url.js';
import { MAX_PAGE_SIZE, rateLimitingEventsQuerySchema, serializeFilters, wafEventsQuerySchema } from './filters.js';
import { normalizeRateLimitingEvent, normalizeWafEvent } from './normalize.js';
import { eventTimeMs, pageEnvelopeSchema, rateLimitingEventSchema, wafEventSchema, type TransactCdnRateLimitingRecord, type TransactCdnWafRecord } from './response.js';
import { querySeconds, RETENTION_MS } from './time.js';

export const TRANSACTCDN_DEFAULT_BASE_URL = 'https://api.transactcdn.com';

export const transactCdnClientOptionsSchema = z.strictObject({
  ...clientOptionsSchema.shape,
  /** The REST API token; sent as `Authorization: TOK:<token>`. */
  token: z
    .string({ error: 'is required (a TransactCDN REST API token)' })
    .min(1, 'must not be empty')
    .regex(/^(?!TOK:)/i, 'must be the token alone, without the TOK: prefix')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  /** The customer account number, as in `/v2/mcc/customers/0001/…`. */
  accountNumber: z
    .string({ error: 'is required (the customer account number, e.g. 0001)' })
    .regex(/^[A-Za-z0-9]{1,32}$/, 'must be the customer account number (letters and digits, e.g. 0001)'),
});
type Options = z.output<typeof transactCdnClientOptionsSchema>;

/**
 * The API speaks whole seconds: an omitted end, or one not yet reached, is pinned to the last whole second
 * already complete (floor(now) − 1 s), so no record can still arrive inside the window while it is paged. An
 * omitted start means the 24 hours before the end.
 */
const window: WindowRule = { grainMs: SECOND, settleMs: SECOND, defaultSpanMs: DAY };

/** The logs' rules for follow: newest first, so sorted sub-windows of whole seconds; 30 days kept. */
const follow: FollowRules = {
  order: 'desc',
  chunk: { minMs: 1000, initialMs: 300_000, maxMs: 3_600_000 },
  // A minute inside the retention: the list checks its `start` against the wall clock a little later.
  earliestMs: (nowMs) => nowMs - RETENTION_MS + 60_000,
};

/** Both logs page alike; only the page-size parameter's name differs. */
const page = {
  paging: 'page',
  envelope: pageEnvelopeSchema,
  at: 'events',
  rules: { window },
  follow,
  params: (_filters: unknown, options: Options) => ({ account_number: options.accountNumber }),
  records: (body: z.output<typeof pageEnvelopeSchema>) => body.events,
  tells: (body: z.output<typeof pageEnvelopeSchema>) => ({ pageCount: body.page_of, page: body.page }),
} as const;

/** The query of one page: the enclosing whole seconds of the window (see `querySeconds`), the filters, the page. */
function pageQuery(filters: string | undefined, sizeParam: 'page_size' | 'per_page') {
  return ({ startMs, endMs, page, size }: { startMs: number; endMs: number; page: number; size: number }) => {
    const { startTime, endTime } = querySeconds(startMs, endMs);
    const query: Query = [['start_time', startTime], ['end_time', endTime], ...(filters ? [['filters', filters] as const] : []), ['page', String(page)], [sizeParam, String(size)]];
    return { query };
  };
}

/** TransactCDN: two event logs (WAF, rate limiting), paged by page number with a page count, newest first. */
export const transactCdnDefinition = defineProvider({
  name: 'transactcdn',
  label: 'TransactCDN',
  baseUrl: TRANSACTCDN_DEFAULT_BASE_URL,
  options: transactCdnClientOptionsSchema,
  auth: 'Authorization: TOK:<token>',
  credentials: ({ token }) => ({ headers: () => ({ authorization: `TOK:${token}` }), secrets: [token] }),
  // The public client and its CLI/worker settings (`binding.ts`); that module imports the client, which imports
  // this one: only functions cross the cycle, and the client reads the definition when called, not when loaded.
  client: transactCdnClientBinding,
  sources: [
    defineSource({
      ...page,
      id: 'transactcdn.waf',
      path: '/v2/mcc/customers/{account_number}/waf/eventlogs',
      what: 'TransactCDN wafEvents query',
      filters: wafEventsQuerySchema,
      record: wafEventSchema,
      pageSize: { field: 'pageSize', max: MAX_PAGE_SIZE },
      // The record schema requires one of the two ids and a time, so these are present on every valid record.
      idOf: (record: TransactCdnWafRecord) => (record['Event ID'] ?? record.id)!,
      timeOf: (record: TransactCdnWafRecord) => eventTimeMs(record)!,
      normalize: normalizeWafEvent,
      request: (filters) => pageQuery(serializeFilters(filters.filters), 'page_size'),
    }),
    defineSource({
      ...page,
      id: 'transactcdn.rate_limiting',
      path: '/v2/mcc/customers/{account_number}/defend/rate_limiting/eventlogs',
      what: 'TransactCDN rateLimitingEvents query',
      filters: rateLimitingEventsQuerySchema,
      record: rateLimitingEventSchema,
      pageSize: { field: 'perPage', max: MAX_PAGE_SIZE },
      idOf: (record: TransactCdnRateLimitingRecord) => record.id,
      timeOf: (record: TransactCdnRateLimitingRecord) => eventTimeMs(record)!,
      normalize: normalizeRateLimitingEvent,
      request: (filters) => pageQuery(serializeFilters(filters.filters), 'per_page'),
    }),
  ],
});
