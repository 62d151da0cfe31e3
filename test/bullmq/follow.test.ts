import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGcoreClient, createTransactCdnClient, isFilterValidationError } from '../../src/index.js';
import { createFollowWorker, scheduleFollows, type FollowBatch } from '../../src/bullmq/index.js';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';

let server: TestRedis;
let sim: RunningSimulator;
let queue: Queue;
const connections: Redis[] = [];
const workers: Worker[] = [];
const clients = { gcore: undefined as ReturnType<typeof createGcoreClient> | undefined, transactcdn: undefined as ReturnType<typeof createTransactCdnClient> | undefined };

beforeAll(async () => {
  server = await startRedis();
  sim = await startSimulator({ seed: 9, records: { 'gcore.waap': 600, 'transactcdn.waf': 600 }, spanMs: 3_600_000 });
  queue = new Queue('follow', { connection: { host: server.host, port: server.port } });
  clients.gcore = createGcoreClient(sim.credentials.gcore);
  clients.transactcdn = createTransactCdnClient(sim.credentials.transactcdn);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await queue?.close();
  for (const c of connections) c.disconnect();
  await clients.gcore?.close();
  await clients.transactcdn?.close();
  await sim?.close();
  await server?.stop();
});

it('runs one poll cycle per scheduled job for each (tenant, source); every event reaches the sink once', { timeout: 30_000 }, async () => {
  const from = new Date(Date.now() - 2 * 3_600_000);
  const delivered = new Map<string, number>();
  const runs = new Map<string, number>();
  const sink = (batch: FollowBatch) => {
    for (const e of batch.items) {
      const key = `${batch.tenant}|${batch.source}|${e.id}`;
      delivered.set(key, (delivered.get(key) ?? 0) + 1);
    }
  };
  // Two workers, each with its own connections: tenants resolve to clients from the worker's own configuration.
  for (let i = 0; i < 2; i++) {
    const redis = new Redis(server.port, server.host);
    connections.push(redis);
    const worker = createFollowWorker({
      queue: 'follow',
      connection: { host: server.host, port: server.port, maxRetriesPerRequest: null },
      redis,
      resolveTenant: () => ({ gcore: clients.gcore, transactcdn: clients.transactcdn }),
      sink,
      follow: { from, lagMs: 0, overlapMs: 60_000 },
      worker: { concurrency: 4 },
    });
    worker.on('completed', (job) => runs.set(`${job.data.tenant}|${job.data.source}`, (runs.get(`${job.data.tenant}|${job.data.source}`) ?? 0) + 1));
    workers.push(worker);
  }
  const schedules = ['acme', 'globex'].flatMap((tenant) => (['gcore.waap', 'transactcdn.waf'] as const).map((source) => ({ tenant, source, everyMs: 300 })));
  const ids = await scheduleFollows(queue, schedules);
  await scheduleFollows(queue, schedules); // upserting again keeps one scheduler each
  expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual([...ids].sort());
  const deadline = Date.now() + 20_000;
  while ([...runs.values()].filter((n) => n >= 3).length < 4 || runs.size < 4) {
    if (Date.now() > deadline) throw new Error(`schedules did not run 3 times each: ${JSON.stringify([...runs])}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const id of ids) await queue.removeJobScheduler(id);
  await Promise.all(workers.map((w) => w.close()));

  const expected = new Set<string>();
  for (const tenant of ['acme', 'globex']) {
    for await (const e of clients.gcore!.requests({ start: from })) expected.add(`${tenant}|gcore.waap|${e.id}`);
    for await (const e of clients.transactcdn!.wafEvents({ start: from })) expected.add(`${tenant}|transactcdn.waf|${e.id}`);
  }
  expect(expected.size).toBe(2400);
  expect([...delivered.keys()].sort()).toEqual([...expected].sort());
  // Later runs found nothing new: no event came twice, across runs and workers.
  expect([...delivered.values()].every((n) => n === 1)).toBe(true);
  // Positions live in Redis, one per (tenant, source).
  const positions = await connections[0]!.keys('wafstream:follow:*:position');
  expect(positions.sort()).toEqual(['acme', 'globex'].flatMap((t) => [`wafstream:follow:${t}:gcore.waap:position`, `wafstream:follow:${t}:transactcdn.waf:position`]).sort());
  for (const key of positions) expect(await connections[0]!.get(key)).not.toContain(sim.credentials.gcore.apiKey);
});

it('refuses a tenant name that is not a plain name', async () => {
  await expect(scheduleFollows(queue, [{ tenant: 'acme:secret', source: 'gcore.waap', everyMs: 1000 }])).rejects.toSatisfy(isFilterValidationError);
});
