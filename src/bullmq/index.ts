/**
 * wafstream/bullmq: sharded backfills and multi-tenant follow on BullMQ and Redis. `bullmq` (and `ioredis`, the
 * client it connects with) are optional peer dependencies: install them to use this entry.
 */
export { redisCheckpointStore } from './checkpoint-store.js';
export type { RedisCommands } from './redis.js';
export { planBackfill, createBackfillWorker, backfillProcessor, splitWindow } from './backfill.js';
export { ShardLockLostError } from './lock.js';
export type { BackfillPlan, BackfillBatch, BackfillWorkerOptions, ShardData, ShardResult } from './backfill.js';
export type { TenantClients, ResolveTenant, BackfillSource } from './sources.js';
export { sharedRateLimit } from './rate-limit.js';
export type { SharedRateLimitOptions } from './rate-limit.js';
export { scheduleFollows, createFollowWorker, followProcessor, followSchedulerId } from './follow.js';
export type { FollowSchedule, FollowBatch, FollowWorkerOptions, FollowJobData, FollowRunResult } from './follow.js';
