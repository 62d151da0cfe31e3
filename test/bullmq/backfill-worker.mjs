// A backfill worker process for the crash test: the shipped build (npm test builds first), its own configuration
// from the environment (credentials never come from a job), a sink keyed by event id in Redis.
import { Redis } from 'ioredis';
import { createGcoreClient, createTransactCdnClient } from 'wafstream';
import { createBackfillWorker } from 'wafstream/bullmq';

const config = JSON.parse(process.env.WORKER_CONFIG);
const redis = new Redis(config.redisPort, '127.0.0.1');
const clients = {
  gcore: createGcoreClient({ ...config.tenants.acme.gcore, retryDelay: { baseMs: 10 } }),
  transactcdn: createTransactCdnClient({ ...config.tenants.acme.transactcdn, retryDelay: { baseMs: 10 } }),
};
let calls = 0;

const worker = createBackfillWorker({
  queue: config.queue,
  connection: { host: '127.0.0.1', port: config.redisPort, maxRetriesPerRequest: null },
  resolveTenant: (tenant) => {
    if (tenant !== 'acme') throw new Error(`unknown tenant ${tenant}`);
    return clients;
  },
  worker: { concurrency: 1, lockDuration: config.lockMs, stalledInterval: config.stalledMs },
  sink: async ({ source, shard, items }) => {
    calls++;
    const multi = redis.multi();
    for (const event of items) multi.hset('sink:events', `${source}|${event.id}`, shard);
    multi.hincrby('sink:deliveries', `${shard}|${items[0].id}`, 1);
    multi.incrby('sink:items', items.length);
    await multi.exec();
    if (calls === config.hangAfter) {
      // Handed over and stored, not yet acknowledged: the parent SIGKILLs this process now.
      process.send({ hung: true, shard, first: items[0].id, size: items.length });
      await new Promise(() => undefined);
    }
  },
});
worker.on('error', (error) => console.error('worker error', error));
await worker.waitUntilReady();
process.send({ ready: true });
process.on('SIGTERM', async () => {
  await worker.close();
  redis.disconnect();
  await Promise.all([clients.gcore.close(), clients.transactcdn.close()]);
  process.exit(0);
});
