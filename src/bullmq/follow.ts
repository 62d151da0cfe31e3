import { randomUUID } from 'node:crypto';
import { Worker, type ConnectionOptions, type Job, type Queue, type WorkerOptions } from 'bullmq';
import { z } from 'zod';
import { FilterValidationError } from '../core/errors.js';
import type { Source } from '../providers/registry.js';
import type { FollowClock, FollowOptions, FollowStream } from '../core/follow.js';
import { parseInput } from '../core/validate.js';
import type { SecurityEvent } from '../events.js';
import { redisCheckpointStore } from './checkpoint-store.js';

/** The sources a follow schedule may name: every source whose provider declares a client binding. */
const sourceSchema = z.enum(BOUND_SOURCES);
import type { RedisCommands } from './redis.js';
import { BOUND_SOURCES, checkTenant, openFollow as openSourceFollow, type ResolveTenant, type TenantClients } from './sources.js';

/** What a follow job carries: a tenant name, a source and its filters. Never a credential. */
export const followJobSchema = z.strictObject({
  tenant: z.string(),
  source: sourceSchema,
  filters: z.record(z.string(), z.unknown()),
});
/** A follow job's data. */
export type FollowJobData = z.infer<typeof followJobSchema>;
/** What a follow run returns. */
export interface FollowRunResult {
  events: number;
  pages: number;
  /** True when another worker was still running this (tenant, source): this run did nothing. */
  skipped: boolean;
}

/** One (tenant, source) to follow. */
export interface FollowSchedule {
  tenant: string;
  source: Source;
  /** The follow method's filters (JSON). BotBye needs its `projectId` here. */
  filters?: Record<string, unknown> | undefined;
  /** A poll cycle every this many ms. */
  everyMs: number;
}

/** The scheduler id of a (tenant, source): the same schedule upserted twice stays one schedule. */
export function followSchedulerId(tenant: string, source: Source): string {
  return `follow.${tenant}.${source}`;
}

/**
 * Upserts one BullMQ job scheduler per (tenant, source); each run is one poll cycle. Returns the scheduler ids.
 *
 * @example
 * await scheduleFollows(queue, [{ tenant: 'acme', source: 'gcore.waap', everyMs: 15_000 }]);
 */
export async function scheduleFollows(queue: Queue, schedules: readonly FollowSchedule[]): Promise<string[]> {
  const ids: string[] = [];
  for (const s of schedules) {
    const tenant = checkTenant(s.tenant, 'scheduleFollows');
    const source = parseInput(sourceSchema, s.source, 'scheduleFollows source');
    if (!Number.isInteger(s.everyMs) || s.everyMs < 100) throw new FilterValidationError('scheduleFollows', [{ path: 'everyMs', message: 'must be an integer of at least 100' }]);
    const id = followSchedulerId(tenant, source);
    const data: FollowJobData = { tenant, source, filters: s.filters ?? {} };
    await queue.upsertJobScheduler(id, { every: s.everyMs }, { name: 'follow', data });
    ids.push(id);
  }
  return ids;
}

/** One page of a follow run, handed to the sink. */
export interface FollowBatch {
  tenant: string;
  source: Source;
  items: SecurityEvent[];
}

/** What `createFollowWorker` takes. */
export interface FollowWorkerOptions {
  queue: string;
  connection: ConnectionOptions;
  /** An ioredis client for the positions (one key per tenant and source) and the per-(tenant, source) lock. */
  redis: RedisCommands;
  resolveTenant: ResolveTenant;
  /** Receives each page; the position moves past it only after it returned. */
  sink: (batch: FollowBatch) => Promise<void> | void;
  /** `follow` options for every run (lagMs, overlapMs, from for a first run, commitEvery…). */
  follow?: Omit<FollowOptions, 'store' | 'signal' | 'clock' | 'intervalMs'> | undefined;
  /** How long a crashed run's (tenant, source) lock outlives it. Default 30 000. */
  lockMs?: number | undefined;
  /** Prefix of the Redis keys. Default `wafstream:follow`. */
  keyPrefix?: string | undefined;
  worker?: Omit<WorkerOptions, 'connection'> | undefined;
}

function openFollow(clients: TenantClients, job: FollowJobData, options: FollowOptions): FollowStream<SecurityEvent> {
  return openSourceFollow(clients, job.tenant, job.source, job.filters, options);
}

const LOCK_MS = 30_000;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const TAKE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end return 0`;

/** The follow-run processor, for a worker you build yourself. */
export function followProcessor(options: Omit<FollowWorkerOptions, 'queue' | 'connection' | 'worker'>) {
  const prefix = options.keyPrefix ?? 'wafstream:follow';
  const lockMs = options.lockMs ?? LOCK_MS;
  return async (job: Job<FollowJobData, FollowRunResult>): Promise<FollowRunResult> => {
    const data = parseInput(followJobSchema, job.data, `follow job ${job.id}`);
    const tenant = checkTenant(data.tenant, `follow job ${job.id}`);
    const base = `${prefix}:${tenant}:${data.source}`;
    // A run longer than the schedule's period must not overlap the next one: one (tenant, source), one reader.
    const token = randomUUID();
    if (Number(await options.redis.eval(TAKE, 1, `${base}:lock`, token, lockMs)) !== 1) return { events: 0, pages: 0, skipped: true };
    const renew = setInterval(() => void options.redis.eval(RENEW, 1, `${base}:lock`, token, lockMs).catch(() => undefined), lockMs / 3);
    try {
      return await runOnce(await options.resolveTenant(tenant), data, base, options);
    } finally {
      clearInterval(renew);
      await options.redis.eval(RELEASE, 1, `${base}:lock`, token);
    }
  };
}

/** One poll cycle: reads until caught up, then ends when follow would wait for the next poll (or back off). */
async function runOnce(clients: TenantClients, data: FollowJobData, base: string, options: Omit<FollowWorkerOptions, 'queue' | 'connection' | 'worker'>): Promise<FollowRunResult> {
  const controller = new AbortController();
  const clock: FollowClock = {
    now: () => Date.now(),
    // follow sleeps only between polls or before a retry: either way this run's cycle is over.
    sleep: async () => {
      controller.abort();
    },
  };
  const stream = openFollow(clients, data, {
    ...options.follow,
    store: redisCheckpointStore(options.redis, `${base}:position`),
    signal: controller.signal,
    clock,
    // Longer than any one cycle: follow then always sleeps (and so ends this run) once caught up.
    intervalMs: 3_600_000,
  });
  for await (const page of stream.pages()) {
    if (page.items.length) await options.sink({ tenant: data.tenant, source: data.source, items: page.items });
  }
  const stats = stream.stats();
  if (stats.retries > 0) throw new Error(`follow ${data.tenant} ${data.source}: a read failed; the next run resumes from the saved position`);
  return { events: stats.events, pages: stats.pages, skipped: false };
}

/**
 * A BullMQ worker for the follow schedules of `scheduleFollows`: each job is one poll cycle of `follow` for its
 * (tenant, source), with the position in Redis, saved only for pages the sink returned from.
 *
 * @example
 * const worker = createFollowWorker({ queue: 'follow', connection, redis, resolveTenant, sink: (b) => ship(b.items) });
 */
export function createFollowWorker(options: FollowWorkerOptions): Worker<FollowJobData, FollowRunResult> {
  const { queue, connection, worker, ...rest } = options;
  return new Worker<FollowJobData, FollowRunResult>(queue, followProcessor(rest), { ...worker, connection });
}
