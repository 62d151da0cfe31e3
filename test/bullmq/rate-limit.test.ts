import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGcoreClient, isFilterValidationError } from '../../src/index.js';
import { sharedRateLimit } from '../../src/bullmq/index.js';
import { createSimulator } from '../../src/testing/index.js';
import { serveHandler, type LoopbackServer } from '../../src/testing/server.js';
import { startRedis, type TestRedis } from '../support/redis.js';

let server: TestRedis;
const connections: Redis[] = [];
let api: LoopbackServer;
let arrivals: number[] = [];
let answer429At: number | undefined;
const sim = createSimulator({ seed: 5, records: { 'gcore.waap': 1200 } });

beforeAll(async () => {
  server = await startRedis();
  // The provider's view: when each request arrived. Request number `answer429At` is answered 429, Retry-After: 1.
  api = await serveHandler(async (request) => {
    arrivals.push(Date.now());
    if (arrivals.length === answer429At) return new Response('{"detail":"slow down"}', { status: 429, headers: { 'retry-after': '1', 'content-type': 'application/json' } });
    return sim.handle(request);
  });
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await api?.close();
  await server?.stop();
});

/** Three workers: each its own Redis connection and limiter, sharing nothing but Redis (as processes would). */
function workers(key: string, requestsPerSecond: number, concurrency = 4) {
  return [0, 1, 2].map(() => {
    const redis = new Redis(server.port, server.host);
    connections.push(redis);
    const { gcore } = sim.credentials(api.url);
    return createGcoreClient({ ...gcore, retryDelay: { baseMs: 1, maxMs: 5 }, concurrency, dispatcher: sharedRateLimit({ redis, key, requestsPerSecond }) });
  });
}

async function readAll(clients: ReturnType<typeof workers>): Promise<number[]> {
  const start = new Date(Date.now() - 25 * 3_600_000);
  const counts = await Promise.all(clients.map(async (c) => (await c.requests({ start, limit: 100 }).toArray({ max: 2000 })).length));
  await Promise.all(clients.map((c) => c.close()));
  return counts;
}

function maxInAnySecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

it('holds three workers together to the credential limit in any one-second window', { timeout: 20_000 }, async () => {
  arrivals = [];
  answer429At = undefined;
  const counts = await readAll(workers('acme.gcore', 10));
  expect(counts).toEqual([1200, 1200, 1200]);
  expect(arrivals.length).toBeGreaterThanOrEqual(36);
  expect(maxInAnySecond(arrivals)).toBeLessThanOrEqual(10);
  // Without the shared limit the same read goes far faster than 10 per second: the check above can fail.
  arrivals = [];
  const { gcore } = sim.credentials(api.url);
  const free = createGcoreClient(gcore);
  await free.requests({ start: new Date(Date.now() - 25 * 3_600_000), limit: 100 }).toArray({ max: 2000 });
  await free.close();
  expect(maxInAnySecond(arrivals)).toBeGreaterThan(10);
});

it("pauses every worker for a 429's Retry-After, not only the one answered", { timeout: 20_000 }, async () => {
  arrivals = [];
  answer429At = 6;
  // One request at a time per worker: when the 429 is seen, at most the two other workers have one on the wire.
  const counts = await readAll(workers('acme.gcore-429', 50, 1));
  expect(counts).toEqual([1200, 1200, 1200]);
  const at = arrivals[5]!;
  const paused = arrivals.filter((t) => t > at && t < at + 950);
  // Without the shared pause the two others would go on at up to 50 per second (about 40 in that time).
  expect(paused.length).toBeLessThanOrEqual(2);
  expect(arrivals.filter((t) => t >= at + 950).length).toBeGreaterThan(0);
});

it('refuses a key that looks like a credential, or a bad rate', () => {
  const redis = new Redis(server.port, server.host, { lazyConnect: true });
  connections.push(redis);
  const refused = (make: () => unknown) => {
    try {
      make();
    } catch (error) {
      return isFilterValidationError(error);
    }
    return false;
  };
  expect(refused(() => sharedRateLimit({ redis, key: 'APIKey abc/def=', requestsPerSecond: 1 }))).toBe(true);
  expect(refused(() => sharedRateLimit({ redis, key: 'acme.gcore', requestsPerSecond: 0 }))).toBe(true);
  expect(refused(() => sharedRateLimit({ redis, key: 'acme.gcore', requestsPerSecond: 10 }))).toBe(false);
});
