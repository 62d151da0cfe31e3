// A follow worker process for the crash test: the shipped build, its own configuration from the environment.
// Told 'hang', its sink calls from then on store their page, tell the parent, and never return: the parent then
// SIGKILLs this process while it holds runs (their BullMQ job locks and their (tenant, source) locks).
import { Redis } from 'ioredis';
import { createBotByeClient, createGcoreClient, createTransactCdnClient } from 'wafstream';
import { createFollowWorker } from 'wafstream/bullmq';

const config = JSON.parse(process.env.WORKER_CONFIG);
const redis = new Redis(config.redisPort, '127.0.0.1');
const clients = {
  gcore: createGcoreClient({ ...config.credentials.gcore, retryDelay: { baseMs: 10 } }),
  transactcdn: createTransactCdnClient({ ...config.credentials.transactcdn, retryDelay: { baseMs: 10 } }),
  botbye: createBotByeClient({ ...config.credentials.botbye, retryDelay: { baseMs: 10 } }),
};
let hanging = false;
process.on('message', (m) => m === 'hang' && (hanging = true));
const worker = createFollowWorker({
  queue: config.queue,
  connection: { host: '127.0.0.1', port: config.redisPort, maxRetriesPerRequest: null },
  redis,
  resolveTenant: () => clients,
  lockMs: config.lockMs,
  follow: { from: new Date(config.fromMs), lagMs: 0, overlapMs: 60_000 },
  worker: { concurrency: 4, lockDuration: config.lockMs, stalledInterval: config.stalledMs },
  sink: async ({ tenant, source, items }) => {
    const multi = redis.multi();
    for (const e of items) multi.hincrby('follow:delivered', `${tenant}|${source}|${e.id}`, 1);
    await multi.exec();
    if (hanging) {
      process.send({ hung: `${tenant}|${source}` });
      await new Promise(() => undefined);
    }
  },
});
// When each real run started (processedOn) and ended; a skipped run (another worker held the pair) is marked.
worker.on('completed', (job, result) => void redis.rpush(`follow:runs:${job.data.tenant}|${job.data.source}`, `${job.processedOn}:${Date.now()}:${result.skipped ? 'skip' : 'run'}`));
worker.on('error', (error) => console.error('worker error', error));
await worker.waitUntilReady();
process.send({ ready: true });
