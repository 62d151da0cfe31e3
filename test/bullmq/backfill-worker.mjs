// A backfill worker process for the crash and stall tests: the shipped build (npm test builds first), its own
// configuration from the environment (credentials never come from a job), a sink keyed by event id in Redis.
// `hangAfter`: the sink's Nth call stores its page, tells the parent, and never returns (the parent SIGKILLs it).
// `stallAfter`: the sink's Nth call stores its page, then blocks the whole process (event loop included, so BullMQ
// cannot renew the job's lock) for `stallMs`, and returns: a stalled worker that comes back.
import { Redis } from 'ioredis';
import { createGcoreClient, createTransactCdnClient } from 'wafstream';
import { Worker } from 'bullmq';
import { backfillProcessor, createBackfillWorker } from 'wafstream/bullmq';

const config = JSON.parse(process.env.WORKER_CONFIG);
const prefix = config.sinkPrefix ?? 'sink';
const redis = new Redis(config.redisPort, '127.0.0.1');
const clients = {
  gcore: createGcoreClient({ ...config.tenants.acme.gcore, retryDelay: { baseMs: 10 } }),
  transactcdn: createTransactCdnClient({ ...config.tenants.acme.transactcdn, retryDelay: { baseMs: 10 } }),
};
let calls = 0;

const resolveTenant = (tenant) => {
  if (tenant !== 'acme') throw new Error(`unknown tenant ${tenant}`);
  return clients;
};
const sink = async ({ source, shard, items }) => {
  calls++;
  const multi = redis.multi();
  for (const event of items) multi.hset(`${prefix}:events`, `${source}|${event.id}`, shard);
  multi.hincrby(`${prefix}:deliveries`, `${shard}|${items[0].id}`, 1);
  multi.incrby(`${prefix}:items`, items.length);
  multi.hincrby(`${prefix}:calls`, String(process.pid), 1);
  await multi.exec();
  if (calls === config.hangAfter) {
    // Handed over and stored, not yet acknowledged: the parent SIGKILLs this process now.
    process.send({ hung: true, shard, first: items[0].id, size: items.length });
    await new Promise(() => undefined);
  }
  if (calls === config.stallAfter) {
    await new Promise((resolve) =>
      process.send({ stalling: true, shard, first: items[0].id, size: items.length }, () => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, config.stallMs);
        resolve();
      }),
    );
    process.send({ woke: true });
  }
};
const connection = { host: '127.0.0.1', port: config.redisPort, maxRetriesPerRequest: null };
const options = { concurrency: 1, lockDuration: config.lockMs, stalledInterval: config.stalledMs };
// The stall test needs the processor's own error: BullMQ emits no 'failed' for a job whose lock is gone (its
// moveToFailed is refused), so that worker wraps `backfillProcessor` to report what it threw.
const worker = config.stallAfter
  ? new Worker(
      config.queue,
      async (job, token, signal) => {
        try {
          return await backfillProcessor(resolveTenant, sink, config.lockMs)(job, token, signal);
        } catch (error) {
          process.send({ failed: error.name, stage: error.stage });
          throw error;
        }
      },
      { ...options, connection },
    )
  : createBackfillWorker({ queue: config.queue, connection, resolveTenant, sink, worker: options });
// A stalled worker's own lock renewal and completion are refused by BullMQ: expected there, reported elsewhere.
worker.on('error', (error) => (config.stallAfter && /lock/i.test(error?.message) ? undefined : console.error('worker error', error)));
await worker.waitUntilReady();
process.send({ ready: true });
process.on('SIGTERM', async () => {
  await worker.close();
  redis.disconnect();
  await Promise.all([clients.gcore.close(), clients.transactcdn.close()]);
  process.exit(0);
});
