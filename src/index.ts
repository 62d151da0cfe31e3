/**
 * wafstream: WAF and bot-protection events from several providers as one typed, resumable stream.
 * This file is the whole public surface.
 */
export { createGcoreClient } from './providers/gcore/client.js';
export type { GcoreClient, GcoreClientOptions, GcoreFollowFilters } from './providers/gcore/client.js';
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
export type { BotByeClient, BotByeClientOptions, BotByeRequestsQuery, BotByeFollowQuery, BotByeEvent } from './providers/botbye/client.js';
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
export type { MergedEvents, MergedCheckpoint } from './core/merge.js';
export { FollowStream } from './core/follow.js';
export type { FollowOptions, FollowStats, FollowPage, FollowClock } from './core/follow.js';
export type { FollowCheckpoint } from './core/follow-checkpoint.js';
export { memoryCheckpointStore, fileCheckpointStore } from './core/checkpoint-store.js';
export type { CheckpointStore } from './core/checkpoint-store.js';
export { EventStream } from './core/pager.js';
export type { Checkpoint, EventPage, StreamStats, OnInvalidRecord, InvalidRecordInfo } from './core/pager.js';
export type { ClientOptions, Logger, StreamOptions } from './core/options.js';
export type { Disposition, Rule } from './core/event.js';
export type { Provider, Source } from './providers/registry.js';
export type { Instant } from './core/time.js';

/** One event as an OCSF 1.8.0 HTTP Activity event (class 4002) with the `security_control` profile. */
export { toOcsf } from './formats/ocsf.js';
/** The OCSF event `toOcsf` returns. */
export type { OcsfHttpActivity } from './formats/ocsf.js';
/** One event as an Elastic Common Schema 9.4.0 document, typed with `@elastic/ecs`. */
export { toEcs } from './formats/ecs.js';
/** The ECS document `toEcs` returns. */
export type { EcsDocument } from './formats/ecs.js';

export {
  WafstreamError,
  FilterValidationError,
  ClientOptionsError,
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
  isClientOptionsError,
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
export type { Issue } from './core/errors.js';
