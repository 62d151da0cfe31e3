import { fork, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGcoreClient, createTransactCdnClient } from '../../src/index.js';
import { scheduleFollows } from '../../src/bullmq/index.js';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';

// Scaled down from the 20 schedules to 6 (3 tenants × 2 sources) over 3 worker processes, to stay fast.
const EVERY_MS = 500;
const LOCK_MS = 1500;
const STALLED_MS = 500;
let server: TestRedis;
let redis: Redis;
let sim: RunningSimulator;
let queue: Queue;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.port, server.host);
  sim = await startSimulator({ seed: 21, records: { 'gcore.waap': 400, 'transactcdn.waf': 400 }, spanMs: 3_600_000, latencyMs: 20 });
  queue = new Queue('follow-crash', { connection: { host: server.host, port: server.port } });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await queue?.close();
  redis?.disconnect();
  await sim?.close();
  await server?.stop();
});

it('keeps every schedule running when one of three worker processes is SIGKILLed; nothing is lost', { timeout: 40_000 }, async () => {
  const fromMs = Date.now() - 2 * 3_600_000;
  const config = { redisPort: server.port, queue: 'follow-crash', lockMs: LOCK_MS, stalledMs: STALLED_MS, fromMs, credentials: sim.credentials };
  for (let i = 0; i < 3; i++) {
    const child = fork(new URL('./follow-worker.mjs', import.meta.url), { env: { ...process.env, WORKER_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
  }
  const schedules = ['t1', 't2', 't3'].flatMap((tenant) => (['gcore.waap', 'transactcdn.waf'] as const).map((source) => ({ tenant, source, everyMs: EVERY_MS })));
  await scheduleFollows(queue, schedules);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  children[0]!.kill('SIGKILL');
  const killedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 7000));
  for (const s of schedules) await queue.removeJobScheduler(`follow.${s.tenant}.${s.source}`);
  for (const child of children.slice(1)) child.kill('SIGTERM');

  // Every schedule ran after the kill, and no gap between its runs exceeded interval + BullMQ's stall timeout +
  // the (tenant, source) lock's expiry (lagMs is 0 here), plus a second of slack for a loaded machine.
  const bound = EVERY_MS + LOCK_MS + STALLED_MS + LOCK_MS + 1000;
  for (const s of schedules) {
    const runs = (await redis.lrange(`follow:runs:${s.tenant}|${s.source}`, 0, -1)).map((r) => Number(r.split(':')[0]));
    expect(runs.filter((t) => t > killedAt + bound).length, `${s.tenant} ${s.source} ran after the kill`).toBeGreaterThan(0);
    const gaps = runs.slice(1).map((t, i) => t - runs[i]!);
    expect(Math.max(...gaps), `${s.tenant} ${s.source} gaps ${gaps.join(',')}`).toBeLessThanOrEqual(bound);
  }
  // Nothing lost: every event of every (tenant, source) reached the sink (at least once across the crash).
  const gcore = createGcoreClient(sim.credentials.gcore);
  const cdn = createTransactCdnClient(sim.credentials.transactcdn);
  const expected = new Set<string>();
  for (const tenant of ['t1', 't2', 't3']) {
    for await (const e of gcore.requests({ start: new Date(fromMs) })) expected.add(`${tenant}|gcore.waap|${e.id}`);
    for await (const e of cdn.wafEvents({ start: new Date(fromMs) })) expected.add(`${tenant}|transactcdn.waf|${e.id}`);
  }
  await Promise.all([gcore.close(), cdn.close()]);
  const delivered = await redis.hgetall('follow:delivered');
  expect(expected.size).toBe(2400);
  expect(Object.keys(delivered).sort()).toEqual([...expected].sort());
});
