import type { z } from 'zod';
import { createProviderClient, fillPath } from '../../core/client.js';
import type { FollowOptions, FollowStream } from '../../core/follow.js';
import type { StreamOptions } from '../../core/options.js';
import type { Checkpoint, EventStream } from '../../core/pager.js';
import { parseInput, parseResponse } from '../../core/validate.js';
import { transactCdnClientOptionsSchema, transactCdnDefinition } from './definition.js';
import {
  eventIdSchema,
  type TransactCdnRateLimitingEventsQuery,
  type TransactCdnRateLimitingFollowQuery,
  type TransactCdnWafEventsQuery,
  type TransactCdnWafFollowQuery,
} from './filters.js';
import { normalizeWafEvent, type TransactCdnRateLimitingEvent, type TransactCdnWafEvent } from './normalize.js';
import { wafEventSchema } from './response.js';

export { TRANSACTCDN_DEFAULT_BASE_URL, transactCdnClientOptionsSchema } from './definition.js';
export type {
  RateLimitingEventsQuery,
  TransactCdnRateLimitingEventsQuery,
  TransactCdnRateLimitingFollowQuery,
  TransactCdnWafEventsQuery,
  TransactCdnWafFollowQuery,
  WafEventsQuery,
} from './filters.js';
export type { TransactCdnRateLimitingEvent, TransactCdnWafEvent } from './normalize.js';
export type { TransactCdnRateLimitingRecord, TransactCdnWafRecord } from './response.js';

/** What `createTransactCdnClient` takes: the credentials plus the options every client takes. */
export type TransactCdnClientOptions = z.input<typeof transactCdnClientOptionsSchema>;

/** A client for TransactCDN's WAF and rate-limiting event logs. */
export interface TransactCdnClient {
  /** WAF event log entries in `[start, end)`, newest first as the API sends them, normalized. */
  wafEvents(query?: TransactCdnWafEventsQuery, options?: StreamOptions<Checkpoint>): EventStream<TransactCdnWafEvent>;
  /** Rate-limiting event log entries in `[start, end)` (the API samples about 10% of them), normalized. */
  rateLimitingEvents(query?: TransactCdnRateLimitingEventsQuery, options?: StreamOptions<Checkpoint>): EventStream<TransactCdnRateLimitingEvent>;
  /** One WAF event log entry by its `Event ID`, normalized. A missing entry throws `NotFoundError`. */
  wafEvent(eventId: string, options?: { signal?: AbortSignal | undefined }): Promise<TransactCdnWafEvent>;
  /** New WAF event log entries as they arrive, oldest first within each sorted sub-window. See `FollowOptions`. */
  followWafEvents(query?: TransactCdnWafFollowQuery, options?: FollowOptions): FollowStream<TransactCdnWafEvent>;
  /** New rate-limiting event log entries as they arrive (the log is sampled, about 10%). See `FollowOptions`. */
  followRateLimitingEvents(query?: TransactCdnRateLimitingFollowQuery, options?: FollowOptions): FollowStream<TransactCdnRateLimitingEvent>;
  /** Closes the client's connections (a caller-given dispatcher is left open). */
  close(): Promise<void>;
}

/** A follow reads closed windows of the log with the caller's filters. */
const windowed = <Q,>(query: Q, { start, end }: { start: Date; end: Date }) => ({ ...query, start, end });

/**
 * A client for TransactCDN's WAF and rate-limiting event logs.
 *
 * @example
 * const cdn = createTransactCdnClient({ token: process.env.TRANSACTCDN_TOKEN!, accountNumber: '0001' });
 * for await (const event of cdn.wafEvents({ start: '2026-11-20T00:00:00Z', filters: { Host: 'www.example.com' } })) { … }
 */
export function createTransactCdnClient(options: TransactCdnClientOptions): TransactCdnClient {
  const client = createProviderClient(transactCdnDefinition, options);
  // Read here, not at module load: the definition imports this module back (its client binding), so the
  // definition may still be initialising when this module is evaluated.
  const [waf, rateLimiting] = transactCdnDefinition.sources;
  const wafPath = fillPath(waf.path, { account_number: client.options.accountNumber });
  return {
    wafEvents: (query = {}, streamOptions) => client.list(waf, query, streamOptions),
    rateLimitingEvents: (query = {}, streamOptions) => client.list(rateLimiting, query, streamOptions),
    async wafEvent(eventId, callOptions) {
      const id = parseInput(eventIdSchema, eventId, 'TransactCDN Event ID');
      const path = `${wafPath}/${encodeURIComponent(id)}`;
      // The transport listens to the client's signal and this one side by side: nothing is combined per call.
      const response = await client.transport.getJson(path, [], { signal: callOptions?.signal });
      return normalizeWafEvent(parseResponse(wafEventSchema, response.body, transactCdnDefinition.name, path));
    },
    followWafEvents: (query = {}, followOptions) => client.follow(waf, query, windowed, followOptions),
    followRateLimitingEvents: (query = {}, followOptions) => client.follow(rateLimiting, query, windowed, followOptions),
    close: () => client.close(),
  };
}
