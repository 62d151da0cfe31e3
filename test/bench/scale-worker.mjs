// One backfill worker process of the scale bench (test/bench/scale.mjs forks it): the built package, its own
// client configuration from the environment (credentials never come from a job), BullMQ concurrency 1, so a pool
// of N processes reads N shards at once. The sink only counts: the bench measures the SDK and BullMQ, not a store.
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sdk = await import(pathToFileURL(`${ROOT}dist/index.js`).href);
const { createBackfillWorker, sharedRateLimit } = await import(pathToFileURL(`${ROOT}dist/bullmq/index.js`).href);

const config = JSON.parse(process.env.SCALE_WORKER);
const connection = { host: '127.0.0.1', port: config.redisPort, maxRetriesPerRequest: null };
const redis = config.rateLimit ? new Redis(config.redisPort, '127.0.0.1') : undefined;
const dispatcher = config.rateLimit ? sharedRateLimit({ redis, key: config.rateLimit.key, requestsPerSecond: config.rateLimit.requestsPerSecond }) : undefined;
const gcore = sdk.createGcoreClient({ ...config.credentials.gcore, ...(dispatcher ? { dispatcher } : {}) });
const transactcdn = sdk.createTransactCdnClient(config.credentials.transactcdn);
let events = 0;

const worker = createBackfillWorker({
  queue: config.queue,
  connection,
  resolveTenant: (tenant) => {
    if (tenant !== 'acme') throw new Error(`unknown tenant ${tenant}`);
    return { gcore, transactcdn };
  },
  worker: { concurrency: 1 },
  sink: ({ items }) => {
    events += items.length;
  },
});
worker.on('completed', (job, result) => process.send({ completed: job.id, events: result.events }));
worker.on('failed', (job, error) => process.send({ failed: job?.id, error: String(error?.stack ?? error) }));
worker.on('error', (error) => console.error('scale worker error', error));
await worker.waitUntilReady();
process.send({ ready: true });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await worker.close();
  redis?.disconnect();
  await Promise.all([gcore.close(), transactcdn.close()]);
  process.send({ stopped: true, events });
  process.exit(0);
});
