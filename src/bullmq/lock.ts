import type { Job } from 'bullmq';
import { WafstreamError } from '../core/errors.js';

/** BullMQ's default `lockDuration`: the lock a worker holds on an active job, renewed while it runs. */
export const DEFAULT_LOCK_MS = 30_000;

/**
 * A shard job's BullMQ lock was gone when the worker came to hand a page over or save a checkpoint: the worker
 * stalled (event loop blocked, process paused, Redis unreachable) for longer than `lockDuration`, so the job is, or
 * soon will be, another worker's. This worker stopped; the other resumes from the last saved checkpoint.
 */
export class ShardLockLostError extends WafstreamError {
  override name = 'ShardLockLostError' as const;
  /** The shard's job id. */
  readonly jobId: string;
  /** What the worker was about to do: `sink` (hand a page over) or `save` (save the checkpoint after one). */
  readonly stage: 'sink' | 'save';

  constructor(jobId: string, stage: 'sink' | 'save') {
    super(`backfill job ${jobId}: lost its lock before the ${stage === 'sink' ? 'sink call' : 'checkpoint save'} (stalled past lockDuration); another worker resumes it from the last saved checkpoint`);
    this.jobId = jobId;
    this.stage = stage;
  }
}

/**
 * Asserts, in Redis, that this worker still holds the job's lock (BullMQ's `extendLock` sets it again only when the
 * token matches, and answers 0 otherwise), renewing it for `lockMs`. `job.updateData` checks no lock, so a worker
 * that stalled past its lock would otherwise keep handing pages and saving checkpoints next to the worker that took
 * the job over. Without a token (a processor called outside a BullMQ worker) there is no lock to hold.
 */
export async function assertLock(job: Job, token: string | undefined, lockMs: number, stage: 'sink' | 'save'): Promise<void> {
  if (token === undefined) return;
  if (Number(await job.extendLock(token, lockMs)) !== 1) throw new ShardLockLostError(job.id ?? '', stage);
}
