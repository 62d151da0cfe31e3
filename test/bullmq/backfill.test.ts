import { fork, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcoreClient, createTransactCdnClient, isFilterValidationError } from '../../src/index.js';
import { planBackfill, splitWindow } from '../../src/bullmq/index.js';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';

// Half Gcore (pages of 100), half TransactCDN WAF (pages of 1000), in 8 shards. WAFSTREAM_BACKFILL_EVENTS sets the
// total; by default the 300 000 (about 40-55 s on the 2-core VM; WAFSTREAM_BACKFILL_EVENTS=40000 for a quick run).
const EVENTS = Number(process.env.WAFSTREAM_BACKFILL_EVENTS ?? 300_000);
const GCORE = EVENTS / 2;
const WAF = EVENTS / 2;
// Time allowed, scaled with the count: a 2-core machine shared with other work reads about 4 000 events/s here.
const BUDGET_MS = Math.max(40_000, EVENTS / 4);
const QUEUE = 'backfill';
const workerScript = new URL('./backfill-worker.mjs', import.meta.url);

let server: TestRedis;
let redis: Redis;
let sim: RunningSimulator;
let queue: Queue;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.port, server.host);
  sim = await startSimulator({ seed: 14, records: { 'gcore.waap': GCORE, 'transactcdn.waf': WAF, 'transactcdn.rate_limiting': 0, 'botbye.requests': 0 }, latencyMs: 2 });
  queue = new Queue(QUEUE, { connection: { host: server.host, port: server.port } });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await queue?.close();
  redis?.disconnect();
  await sim?.close();
  await server?.stop();
});

interface WorkerMessage {
  ready?: boolean;
  hung?: boolean;
  stalling?: boolean;
  woke?: boolean;
  failed?: string;
  stage?: string;
  shard: string;
  first: string;
  size: number;
}

function startWorker(options: { hangAfter?: number; stallAfter?: number; stallMs?: number; queue?: string; sinkPrefix?: string } = {}) {
  const config = {
    redisPort: server.port,
    queue: QUEUE,
    lockMs: 2000,
    stalledMs: 1000,
    ...options,
    tenants: { acme: { gcore: sim.credentials.gcore, transactcdn: sim.credentials.transactcdn } },
  };
  const child = fork(workerScript, { env: { ...process.env, WORKER_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const messages: WorkerMessage[] = [];
  child.on('message', (m: WorkerMessage) => messages.push(m));
  const first = (what: keyof WorkerMessage) =>
    new Promise<WorkerMessage>((resolve) => child.on('message', (m: WorkerMessage) => m[what] !== undefined && resolve(m)));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: WorkerMessage) => m.ready && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
  return { child, ready, messages, hung: first('hung'), stalling: first('stalling'), woke: first('woke') };
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('splitWindow', () => {
  it('covers the window exactly, on whole seconds', () => {
    const shards = splitWindow(1_764_000_000_500, 1_764_000_010_000, 3);
    expect(shards[0]![0]).toBe(1_764_000_000_500);
    expect(shards.at(-1)![1]).toBe(1_764_000_010_000);
    for (let i = 1; i < shards.length; i++) {
      expect(shards[i]![0]).toBe(shards[i - 1]![1]);
      expect(shards[i]![0] % 1000).toBe(0);
    }
    expect(splitWindow(0, 1500, 10)).toEqual([[0, 1000], [1000, 1500]]);
  });
});

describe('a sharded backfill by worker processes, one killed with SIGKILL mid-shard', () => {
  it('delivers every event exactly once to an id-keyed sink; only the killed page is handed over twice', { timeout: BUDGET_MS + 20_000 }, async () => {
    const now = Date.now();
    const start = Math.floor((now - 25 * 3_600_000) / 1000) * 1000;
    const end = Math.floor(now / 1000) * 1000 + 1000;
    const plans = [
      { tenant: 'acme', source: 'gcore.waap', start, end, shards: 4 },
      { tenant: 'acme', source: 'transactcdn.waf', start, end, shards: 4 },
    ] as const;
    const ids: string[] = [];
    for (const plan of plans) ids.push(...(await planBackfill(queue, plan)));
    // Planning twice enqueues nothing twice.
    for (const plan of plans) expect(await planBackfill(queue, plan)).toEqual(ids.filter((id) => id.includes(plan.source)));
    expect(new Set(ids).size).toBe(8);
    expect(await queue.count()).toBe(8);
    // No credential in any job.
    for (const job of await queue.getJobs(['waiting'])) expect(JSON.stringify(job.data)).not.toMatch(new RegExp(`${sim.credentials.gcore.apiKey}|${sim.credentials.transactcdn.token}`));

    // The victim starts alone, so it surely takes a shard, and hangs after its 3rd page was stored by the sink.
    const victim = startWorker({ hangAfter: 3 });
    await victim.ready;
    const hung = await victim.hung;
    victim.child.kill('SIGKILL');
    const others = [startWorker(), startWorker()];
    await Promise.all(others.map((w) => w.ready));
    await waitFor(async () => (await queue.getJobCounts('completed')).completed === 8, BUDGET_MS, 'all 8 shards to complete');

    // Reference: the same windows read in this process, by one client each.
    const gcore = createGcoreClient(sim.credentials.gcore);
    const cdn = createTransactCdnClient(sim.credentials.transactcdn);
    const expected = new Set<string>();
    for await (const e of gcore.requests({ start: new Date(start), end: new Date(end) })) expected.add(`gcore.waap|${e.id}`);
    for await (const e of cdn.wafEvents({ start: new Date(start), end: new Date(end) })) expected.add(`transactcdn.waf|${e.id}`);
    await Promise.all([gcore.close(), cdn.close()]);
    expect(expected.size).toBe(GCORE + WAF);

    const stored = await redis.hgetall('sink:events');
    expect(Object.keys(stored).length).toBe(expected.size);
    for (const id of expected) expect(stored[id]).toBeDefined();
    // Raw sink calls: every page once, except the killed shard's last unacknowledged one, twice.
    const deliveries = await redis.hgetall('sink:deliveries');
    const twice = Object.entries(deliveries).filter(([, n]) => Number(n) > 1);
    expect(twice).toEqual([[`${hung.shard}|${hung.first}`, '2']]);
    expect(Number(await redis.get('sink:items'))).toBe(expected.size + hung.size);
    // The killed shard was resumed, not restarted: it completed with every page counted once.
    const killed = await queue.getJob(hung.shard);
    expect(killed?.returnvalue.events).toBe([...expected].filter((id) => stored[id] === hung.shard).length);
    expect(killed?.attemptsStarted ?? killed?.attemptsMade).toBeGreaterThanOrEqual(1);
  });

  it('refuses a tenant name that is not a plain name, and an empty window, before enqueueing', async () => {
    await expect(planBackfill(queue, { tenant: 'Bearer abc:def', source: 'gcore.waap', start: 1_764_000_000_000, end: 1_764_000_100_000, shards: 2 })).rejects.toSatisfy(isFilterValidationError);
    await expect(planBackfill(queue, { tenant: 'acme', source: 'gcore.waap', start: 1_764_000_100_000, end: 1_764_000_000_000, shards: 2 })).rejects.toSatisfy(isFilterValidationError);
  });
});

describe('a backfill worker that stalls past its lock and comes back', () => {
  it('stops handing pages over and saving checkpoints; the shard is finished by another, one page handed twice, none lost', { timeout: 40_000 }, async () => {
    const name = 'backfill-stall';
    const stallQueue = new Queue(name, { connection: { host: server.host, port: server.port } });
    try {
      const now = Date.now();
      const end = Math.floor(now / 1000) * 1000 + 1000;
      const start = end - 6 * 3_600_000;
      // One shard of the last 6 hours (a quarter of the Gcore events, 50 pages by default): plenty left to hand over
      // when the stalled worker comes back.
      const gcore = createGcoreClient(sim.credentials.gcore);
      const expected = (await gcore.requests({ start: new Date(start), end: new Date(end) }).toArray({ max: GCORE })).length;
      await gcore.close();
      expect(expected).toBeGreaterThan(1000);
      const [shard] = await planBackfill(stallQueue, { tenant: 'acme', source: 'gcore.waap', start, end, shards: 1 });
      const common = { queue: name, sinkPrefix: 'stall', lockMs: 1000, stalledMs: 500 };
      // Blocked 5 s, far past its 1 s lock: BullMQ's stalled check hands the shard to the other worker meanwhile.
      const stalled = startWorker({ ...common, stallAfter: 3, stallMs: 5000 });
      await stalled.ready;
      const page = await stalled.stalling;
      const other = startWorker(common);
      await other.ready;
      await stalled.woke;
      await waitFor(async () => (await stallQueue.getJobCounts('completed')).completed === 1, 30_000, 'the shard to complete');
      await new Promise((resolve) => setTimeout(resolve, 500));

      // The stalled worker handed its 3 pages and no more; the other resumed after page 2 and handed page 3 again.
      const calls = await redis.hgetall('stall:calls');
      expect(Number(calls[String(stalled.child.pid)])).toBe(3);
      // It stopped at its lock check before saving the checkpoint of the page it stalled in.
      expect(stalled.messages.filter((m) => m.failed)).toEqual([{ failed: 'ShardLockLostError', stage: 'save' }]);
      const deliveries = await redis.hgetall('stall:deliveries');
      expect(Object.entries(deliveries).filter(([, n]) => Number(n) > 1)).toEqual([[`${shard}|${page.first}`, '2']]);
      expect(Object.keys(await redis.hgetall('stall:events')).length).toBe(expected);
      expect(Number(await redis.get('stall:items'))).toBe(expected + page.size);
      // Its checkpoint was the other worker's alone: the shard's count is every event once.
      expect((await stallQueue.getJob(shard!))?.returnvalue.events).toBe(expected);
      expect(stalled.child.exitCode).toBeNull();
    } finally {
      await stallQueue.close();
    }
  });
});
