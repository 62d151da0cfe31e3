/**
 * wafstream: WAF and bot-protection events from several providers as one typed, resumable stream.
 * This file is the whole public surface.
 */
// Gcore WAAP: request analytics, paged by offset/limit.
export { createGcoreClient } from './providers/gcore/client.js';
export type { GcoreClient, GcoreClientOptions, GcoreFollowQuery, GcoreFollowFilters } from './providers/gcore/client.js';
export type { GcoreRequestsQuery } from './providers/gcore/filters.js';
export type { GcoreEvent } from './providers/gcore/normalize.js';
export type { GcoreRecord } from './providers/gcore/response.js';

// TransactCDN: the WAF and rate-limiting event logs, paged by page number.
export { createTransactCdnClient } from './providers/transactcdn/client.js';
export type {
  TransactCdnClient,
  TransactCdnClientOptions,
  TransactCdnWafEventsQuery,
  TransactCdnRateLimitingEventsQuery,
  TransactCdnWafFollowQuery,
  TransactCdnRateLimitingFollowQuery,
  TransactCdnWafEvent,
  TransactCdnRateLimitingEvent,
  TransactCdnWafRecord,
  TransactCdnRateLimitingRecord,
  WafEventsQuery,
  RateLimitingEventsQuery,
} from './providers/transactcdn/client.js';
export type {
  TransactCdnWafFilters,
  TransactCdnRateLimitingFilters,
  TransactCdnWafFilterField,
  TransactCdnRateLimitingFilterField,
  WafFilters,
  RateLimitingFilters,
  WafFilterField,
  RateLimitingFilterField,
} from './providers/transactcdn/filters.js';

// BotBye: a project's request records, paged by cursors, filtered with a typed `where` builder.
export { createBotByeClient } from './providers/botbye/client.js';
export type { BotByeClient, BotByeClientOptions, BotByeEvent } from './providers/botbye/client.js';
export type { BotByeRequestsQuery, BotByeFollowQuery } from './providers/botbye/filters.js';
export type {
  WhereBuilder as BotByeWhereBuilder,
  WhereNode as BotByeWhereNode,
  WhereField as BotByeWhereField,
  WhereValue as BotByeWhereValue,
} from './providers/botbye/where.js';
export { parseBotByeHeaders } from './providers/botbye/normalize.js';
export type { BotByeAction } from './providers/botbye/normalize.js';
export type { BotByeRecord, BotByeRequest } from './providers/botbye/response.js';

// Every provider: one event type, streams, merging, following, checkpoints.
export type { SecurityEvent } from './events.js';
export { mergeEvents } from './core/merge.js';
export type { MergedEvents, MergedCheckpoint } from './core/merge.js';
export { FollowStream } from './core/follow.js';
export type { FollowOptions, FollowStats, FollowPage, FollowClock } from './core/follow.js';
export type { FollowCheckpoint } from './core/follow-checkpoint.js';
export { memoryCheckpointStore, fileCheckpointStore } from './core/checkpoint-store.js';
export type { CheckpointStore } from './core/checkpoint-store.js';
// The class, for its type and `instanceof`; streams come only from the clients' list methods.
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

// Errors: one class per failure, each with a type guard that also works across copies of the package.
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
