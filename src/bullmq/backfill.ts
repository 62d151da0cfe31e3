import { createHash } from 'node:crypto';
import { Worker, type ConnectionOptions, type Job, type Queue, type WorkerOptions } from 'bullmq';
import { FilterValidationError } from '../core/errors.js';
import { checkpointSchema, fingerprint, type Checkpoint } from '../core/pager.js';
import { instantSchema, type Instant } from '../core/time.js';
import { parseInput } from '../core/validate.js';
import type { SecurityEvent } from '../events.js';
import { z } from 'zod';
import { assertLock, DEFAULT_LOCK_MS } from './lock.js';
import { BACKFILL_SOURCES, checkTenant, openWindow, type BackfillSource, type ResolveTenant, type TenantClients } from './sources.js';

/** What a shard job carries: a tenant name, a window and a position. Never a credential. */
export const shardDataSchema = z.strictObject({
  tenant: z.string(),
  source: z.enum(BACKFILL_SOURCES),
  /** The list method's filters, JSON (instants as ISO strings); `start`/`end` come from the shard. */
  filters: z.record(z.string(), z.unknown()),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  /** Where the shard resumes: the checkpoint after the last page the sink acknowledged. */
  checkpoint: checkpointSchema.nullable(),
  /** Pages and events acknowledged so far. */
  pages: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
});
/** A shard job's data. */
export type ShardData = z.infer<typeof shardDataSchema>;
/** What a finished shard job returns. */
export interface ShardResult {
  pages: number;
  events: number;
}

const planSchema = z.strictObject({
  tenant: z.string(),
  source: z.enum(BACKFILL_SOURCES),
  filters: z.record(z.string(), z.unknown()).default({}),
  start: instantSchema,
  end: instantSchema,
  /** A number of equal shards, or a size: the provider's own count of the window (one request) sets the number. */
  shards: z.union([
    z.number().int().min(1).max(10_000),
    z.strictObject({ eventsPerShard: z.number().int().min(1), clients: z.custom<TenantClients>((v) => typeof v === 'object' && v !== null, 'must be the tenant clients') }),
  ]),
});
/** What `planBackfill` takes. */
export type BackfillPlan = z.input<typeof planSchema>;

/** The deterministic job id of a shard: same plan, same ids, so planning twice enqueues nothing twice. */
function shardId(plan: { tenant: string; source: BackfillSource; filters: unknown }, startMs: number, endMs: number): string {
  const query = createHash('sha256').update(fingerprint(plan.filters)).digest('hex').slice(0, 16);
  return `backfill.${plan.tenant}.${plan.source}.${query}.${startMs}-${endMs}`;
}

/** Equal spans on whole seconds: providers filter in epoch seconds, so an edge inside a second would be read twice. */
export function splitWindow(startMs: number, endMs: number, shards: number): Array<[number, number]> {
  const edges = [startMs];
  for (let i = 1; i < shards; i++) {
    const edge = Math.floor((startMs + ((endMs - startMs) * i) / shards) / 1000) * 1000;
    if (edge > edges[edges.length - 1]! && edge < endMs) edges.push(edge);
  }
  edges.push(endMs);
  return edges.slice(1).map((end, i) => [edges[i]!, end]);
}

async function countShards(plan: z.output<typeof planSchema>, eventsPerShard: number, clients: TenantClients): Promise<number> {
  const stream = openWindow(clients, plan.tenant, plan.source, plan.filters, { start: plan.start, end: plan.end }, undefined);
  for await (const _page of stream.pages()) break;
  const total = stream.stats().total;
  if (total === undefined) {
    throw new FilterValidationError('planBackfill', [{ path: 'shards', message: `${plan.source} told no count for this window: give a number of shards` }]);
  }
  return Math.max(1, Math.min(10_000, Math.ceil(total / eventsPerShard)));
}

/**
 * Splits one source's window into shards and enqueues one job per shard, with deterministic ids: a job already
 * in the queue (waiting, active, done or failed and kept) is not added again. Returns the shards' job ids.
 *
 * @example
 * await planBackfill(queue, { tenant: 'acme', source: 'gcore.waap', start: '2026-11-01', end: '2026-11-30', shards: 30 });
 */
export async function planBackfill(queue: Queue, plan: BackfillPlan): Promise<string[]> {
  const p = parseInput(planSchema, plan, 'planBackfill plan');
  checkTenant(p.tenant, 'planBackfill plan');
  const startMs = p.start.getTime();
  const endMs = p.end.getTime();
  if (!(endMs > startMs)) throw new FilterValidationError('planBackfill plan', [{ path: 'end', message: 'must be after start' }]);
  const count = typeof p.shards === 'number' ? p.shards : await countShards(p, p.shards.eventsPerShard, p.shards.clients);
  const jobs = splitWindow(startMs, endMs, count).map(([start, end]) => {
    const data: ShardData = {
      tenant: p.tenant,
      source: p.source,
      filters: p.filters,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      checkpoint: null,
      pages: 0,
      events: 0,
    };
    return { name: 'backfill-shard', data, opts: { jobId: shardId(p, start, end) } };
  });
  await queue.addBulk(jobs);
  return jobs.map((job) => job.opts.jobId);
}

/** One page handed to the sink. */
export interface BackfillBatch {
  tenant: string;
  source: BackfillSource;
  /** The shard's job id. */
  shard: string;
  items: SecurityEvent[];
  /** Where the shard resumes once this page is acknowledged. */
  checkpoint: Checkpoint;
}

/** What `createBackfillWorker` takes. */
export interface BackfillWorkerOptions {
  /** The queue `planBackfill` filled. */
  queue: string;
  connection: ConnectionOptions;
  /** Builds a tenant's clients from the worker's own configuration. */
  resolveTenant: ResolveTenant;
  /** Receives every page; the shard's checkpoint moves past the page only after it returned. Make it idempotent by event id. */
  sink: (batch: BackfillBatch) => Promise<void> | void;
  /** Any other BullMQ worker option (concurrency, lockDuration, stalledInterval…). */
  worker?: Omit<WorkerOptions, 'connection'> | undefined;
}

/**
 * The shard processor, for a worker you build yourself. `lockMs` must be that worker's `lockDuration` (BullMQ's
 * default, 30 000, when not given): the processor renews the job's lock to it as it checks it before each page.
 */
export function backfillProcessor(resolveTenant: ResolveTenant, sink: BackfillWorkerOptions['sink'], lockMs: number = DEFAULT_LOCK_MS) {
  return async (job: Job<ShardData, ShardResult>, token?: string, signal?: AbortSignal): Promise<ShardResult> => {
    const data = parseInput(shardDataSchema, job.data, `backfill job ${job.id}`);
    const tenant = checkTenant(data.tenant, `backfill job ${job.id}`);
    const clients = await resolveTenant(tenant);
    const window = { start: new Date(data.start), end: new Date(data.end) };
    const stream = openWindow(clients, tenant, data.source, data.filters, window, data.checkpoint ?? undefined);
    let { pages, events } = data;
    for await (const page of stream.pages()) {
      if (signal?.aborted) throw signal.reason;
      // A worker that stalled past its lock stops here: the job is another worker's, which resumes it from the last
      // saved checkpoint. So at most the page in the sink when the stall began is handed over twice.
      await assertLock(job, token, lockMs, 'sink');
      if (page.items.length) await sink({ tenant, source: data.source, shard: job.id ?? '', items: page.items, checkpoint: page.checkpoint });
      pages++;
      events += page.items.length;
      await assertLock(job, token, lockMs, 'save');
      // Acknowledged only now: a crash before this line hands this page to a sink again, never loses it.
      await job.updateData({ ...data, checkpoint: page.checkpoint, pages, events });
    }
    return { pages, events };
  };
}

/**
 * A BullMQ worker for backfill shards: resumes each shard from the checkpoint in its job, hands each page to the
 * sink and saves the new checkpoint in the job after the sink returned. A worker that dies has its shard picked up
 * by another (BullMQ's stalled-job check) from the last saved checkpoint: at most one page is handed over twice.
 * A worker that stalls past its lock and comes back checks the lock before each sink call and each save, and stops
 * (`ShardLockLostError`) instead of going on beside the worker that took the shard over.
 *
 * @example
 * const worker = createBackfillWorker({ queue: 'backfill', connection, resolveTenant, sink: (b) => db.upsert(b.items) });
 */
export function createBackfillWorker(options: BackfillWorkerOptions): Worker<ShardData, ShardResult> {
  return new Worker<ShardData, ShardResult>(options.queue, backfillProcessor(options.resolveTenant, options.sink, options.worker?.lockDuration ?? DEFAULT_LOCK_MS), {
    ...options.worker,
    connection: options.connection,
  });
}

export type { Instant };
