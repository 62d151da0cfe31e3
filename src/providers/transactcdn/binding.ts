import { defineClient, type GatheredOptions, type FilterPairs } from '../../core/definition.js';
import { createTransactCdnClient, type TransactCdnClient, type TransactCdnClientOptions } from './client.js';
import type { TransactCdnRateLimitingEventsQuery, TransactCdnRateLimitingFollowQuery, TransactCdnWafEventsQuery, TransactCdnWafFollowQuery } from './filters.js';

/** CLI `--filter key=value` pairs as the log's `filters` object (`key → values`); none when no pair is given. */
const filtersOf = (pairs: FilterPairs) => (pairs.size ? { filters: Object.fromEntries(pairs) } : {});

/**
 * How the CLI and the workers drive a TransactCDN client. Queries arrive untyped (flags, job data): the casts hand
 * them to the client, whose query schemas validate them before any request.
 */
export const transactCdnClientBinding = defineClient({
  create: (options: GatheredOptions) => createTransactCdnClient(options as TransactCdnClientOptions),
  fields: [
    { flag: 'transactcdn-token', env: 'TRANSACTCDN_TOKEN', option: 'token', secret: true, required: true },
    { flag: 'transactcdn-account', env: 'TRANSACTCDN_ACCOUNT', option: 'accountNumber', required: true },
    { flag: 'transactcdn-base-url', env: 'TRANSACTCDN_BASE_URL', option: 'baseUrl' },
  ],
  sources: [
    {
      id: 'transactcdn.waf',
      aliases: ['waf'],
      windowed: true,
      list: (client, query, options) => client.wafEvents(query as TransactCdnWafEventsQuery, options),
      follow: (client, query, options) => client.followWafEvents(query as TransactCdnWafFollowQuery, options),
      listQuery: (pairs, { start, end }) => ({ start, end, ...filtersOf(pairs) }),
      followQuery: filtersOf,
    },
    {
      id: 'transactcdn.rate_limiting',
      aliases: ['rate-limiting'],
      windowed: true,
      list: (client, query, options) => client.rateLimitingEvents(query as TransactCdnRateLimitingEventsQuery, options),
      follow: (client, query, options) => client.followRateLimitingEvents(query as TransactCdnRateLimitingFollowQuery, options),
      listQuery: (pairs, { start, end }) => ({ start, end, ...filtersOf(pairs) }),
      followQuery: filtersOf,
    },
  ],
});
