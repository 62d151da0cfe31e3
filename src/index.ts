/**
 * wafstream: WAF and bot-protection events from several providers as one typed, resumable stream.
 * This file is the whole public surface.
 */
export { createGcoreClient } from './providers/gcore/client.js';
export type { GcoreClient, GcoreClientOptions } from './providers/gcore/client.js';
export type { GcoreRequestsQuery } from './providers/gcore/filters.js';
export type { GcoreEvent } from './providers/gcore/normalize.js';
export type { GcoreRecord } from './providers/gcore/response.js';

export { createTransactCdnClient } from './providers/transactcdn/client.js';
export type {
  TransactCdnClient,
  TransactCdnClientOptions,
  WafEventsQuery,
  RateLimitingEventsQuery,
  TransactCdnWafEvent,
  TransactCdnRateLimitingEvent,
  TransactCdnWafRecord,
  TransactCdnRateLimitingRecord,
} from './providers/transactcdn/client.js';
export type { WafFilters, RateLimitingFilters, WafFilterField, RateLimitingFilterField } from './providers/transactcdn/filters.js';

export { createBotByeClient } from './providers/botbye/client.js';
export type { BotByeClient, BotByeClientOptions, BotByeRequestsQuery, BotByeEvent } from './providers/botbye/client.js';
export type {
  WhereBuilder as BotByeWhereBuilder,
  WhereNode as BotByeWhereNode,
  WhereField as BotByeWhereField,
  WhereValue as BotByeWhereValue,
} from './providers/botbye/where.js';
export { parseBotByeHeaders } from './providers/botbye/normalize.js';
export type { BotByeAction } from './providers/botbye/normalize.js';
export type { BotByeRequest } from './providers/botbye/response.js';

export type { SecurityEvent } from './events.js';
export { mergeEvents } from './core/merge.js';
export { EventStream } from './core/pager.js';
export type { Checkpoint, EventPage, StreamStats, OnInvalidRecord, InvalidRecordInfo } from './core/pager.js';
export type { ClientOptions, Logger, StreamOptions } from './core/options.js';
export type { Disposition, Rule, Source } from './core/event.js';
export type { Instant } from './core/time.js';

export {
  WafstreamError,
  FilterValidationError,
  ApiError,
  AuthenticationError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ResponseValidationError,
  ConnectionError,
  TimeoutError,
  PaginationError,
  LimitExceededError,
  isWafstreamError,
  isFilterValidationError,
  isApiError,
  isAuthenticationError,
  isNotFoundError,
  isRateLimitError,
  isServerError,
  isResponseValidationError,
  isConnectionError,
  isTimeoutError,
  isPaginationError,
  isLimitExceededError,
} from './core/errors.js';
export type { Issue, Provider } from './core/errors.js';
