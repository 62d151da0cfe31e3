import { defineProvider, defineSource } from '../../core/definition.js';
import { transactCdnClientOptionsSchema } from './client.js';
import { rateLimitingEventsQuerySchema, wafEventsQuerySchema } from './filters.js';
import { normalizeRateLimitingEvent, normalizeWafEvent } from './normalize.js';
import { eventTimeMs, rateLimitingEventSchema, wafEventSchema, type TransactCdnRateLimitingRecord, type TransactCdnWafRecord } from './response.js';

/** TransactCDN: two event logs (WAF, rate limiting), paged by page number with a page count, newest first. */
export const transactCdnDefinition = defineProvider({
  name: 'transactcdn',
  options: transactCdnClientOptionsSchema,
  auth: 'Authorization: TOK:<token>',
  sources: [
    defineSource({
      id: 'transactcdn.waf',
      path: '/v2/mcc/customers/{account_number}/waf/eventlogs',
      paging: 'page',
      filters: wafEventsQuerySchema,
      record: wafEventSchema,
      // The record schema requires one of the two ids and a time, so these are present on every valid record.
      idOf: (record: TransactCdnWafRecord) => (record['Event ID'] ?? record.id)!,
      timeOf: (record: TransactCdnWafRecord) => eventTimeMs(record)!,
      normalize: normalizeWafEvent,
    }),
    defineSource({
      id: 'transactcdn.rate_limiting',
      path: '/v2/mcc/customers/{account_number}/defend/rate_limiting/eventlogs',
      paging: 'page',
      filters: rateLimitingEventsQuerySchema,
      record: rateLimitingEventSchema,
      idOf: (record: TransactCdnRateLimitingRecord) => record.id,
      timeOf: (record: TransactCdnRateLimitingRecord) => eventTimeMs(record)!,
      normalize: normalizeRateLimitingEvent,
    }),
  ],
});
