import { fork, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBotByeClient, createGcoreClient, createTransactCdnClient } from '../../src/index.js';
import { followSchedulerId, scheduleFollows } from '../../src/bullmq/index.js';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';

// The 20 (tenant, source) schedules: 5 tenants × the 4 followable sources, over 3 worker processes, while
// new records keep arriving; one worker is SIGKILLed in the middle of a run (its sink never returns).
const TENANTS = ['t1', 't2', 't3', 't4', 't5'];
const SOURCES = ['gcore.waap', 'transactcdn.waf', 'transactcdn.rate_limiting', 'botbye.requests'] as const;
const EVERY_MS = 1000;
const LOCK_MS = 1500;
const STALLED_MS = 500;
let server: TestRedis;
let redis: Redis;
let sim: RunningSimulator;
let queue: Queue;
let frozenAt: number | undefined;
const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.port, server.host);
  // The clock freezes near the end, so the arrivals stop and "every event" is a fixed set the last runs must reach.
  sim = await startSimulator({ seed: 21, records: 150, spanMs: 3_600_000, latencyMs: 20, arrivalEveryMs: 300, clock: () => frozenAt ?? Date.now() });
  queue = new Queue('follow-crash', { connection: { host: server.host, port: server.port } });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await queue?.close();
  redis?.disconnect();
  await sim?.close();
  await server?.stop();
});

/** A (tenant, source)'s real runs (not the skipped ones), as its workers noted them. */
async function runsOf(pair: string): Promise<Array<{ start: number; end: number }>> {
  const runs = (await redis.lrange(`follow:runs:${pair}`, 0, -1)).map((r) => r.split(':'));
  return runs.filter((r) => r[2] === 'run').map((r) => ({ start: Number(r[0]), end: Number(r[1]) }));
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function startWorker(config: object): { child: ChildProcess; ready: Promise<void>; hung: Promise<string> } {
  const child = fork(new URL('./follow-worker.mjs', import.meta.url), { env: { ...process.env, WORKER_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  const hung = new Promise<string>((resolve) => child.on('message', (m: { hung?: string }) => m.hung && resolve(m.hung)));
  return { child, ready, hung };
}

it('keeps 20 schedules running when one of three worker processes is SIGKILLed mid-run; nothing is lost', { timeout: 60_000 }, async () => {
  const fromMs = Date.now() - 2 * 3_600_000;
  const config = { redisPort: server.port, queue: 'follow-crash', lockMs: LOCK_MS, stalledMs: STALLED_MS, fromMs, credentials: sim.credentials };
  const victim = startWorker(config);
  const others = [startWorker(config), startWorker(config)];
  await Promise.all([victim, ...others].map((w) => w.ready));
  const schedules = TENANTS.flatMap((tenant) => SOURCES.map((source) => ({ tenant, source, everyMs: EVERY_MS, ...(source === 'botbye.requests' ? { filters: { projectId: sim.botbyeProjectId } } : {}) })));
  expect(schedules).toHaveLength(20);
  await scheduleFollows(queue, schedules);
  // Once every schedule has run twice (past the backlog), the victim hangs in its next sink call, inside a run.
  const pairs = schedules.map((s) => `${s.tenant}|${s.source}`);
  await waitFor(async () => (await Promise.all(pairs.map(runsOf))).every((runs) => runs.length >= 2), 20_000, 'every schedule to run twice');
  victim.child.send('hang');
  const hungPair = await victim.hung;
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  await sleep(7000);
  // Arrivals stop; every schedule must then run once more to reach the last of them: a run that starts 2 s after
  // the freeze, since TransactCDN's log is read in whole seconds and its current second is left for the next run.
  frozenAt = Date.now();
  await waitFor(async () => (await Promise.all(pairs.map(runsOf))).every((runs) => runs.some((r) => r.start > frozenAt! + 2000)), 15_000, 'every schedule to run 2 s after the clock froze');
  for (const s of schedules) await queue.removeJobScheduler(followSchedulerId(s.tenant, s.source));
  for (const child of others) child.child.kill('SIGTERM');

  // Every schedule ran after the kill, and no gap between its real runs (skipped ones, where another worker held
  // the pair, do not count) exceeded interval + BullMQ's stall timeout (lock duration + stalled check) + the
  // (tenant, source) lock's expiry (lagMs is 0 here), plus a second of slack for a loaded machine.
  const bound = EVERY_MS + LOCK_MS + STALLED_MS + LOCK_MS + 1000;
  for (const pair of pairs) {
    const starts = (await runsOf(pair)).map((r) => r.start).sort((a, b) => a - b);
    expect(starts.filter((t) => t > killedAt).length, `${pair} ran after the kill`).toBeGreaterThan(3);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(Math.max(...gaps), `${pair} gaps ${gaps.join(',')}`).toBeLessThanOrEqual(bound);
  }
  expect(pairs).toContain(hungPair);
  // The killed run's pair had run before it, so its gaps above span the kill.
  expect((await runsOf(hungPair)).filter((r) => r.start < killedAt).length).toBeGreaterThan(0);

  // Nothing lost: every event of every (tenant, source), arrivals included, reached the sink (at least once).
  const gcore = createGcoreClient(sim.credentials.gcore);
  const cdn = createTransactCdnClient(sim.credentials.transactcdn);
  const bots = createBotByeClient(sim.credentials.botbye);
  const ids: Record<(typeof SOURCES)[number], string[]> = { 'gcore.waap': [], 'transactcdn.waf': [], 'transactcdn.rate_limiting': [], 'botbye.requests': [] };
  const start = new Date(fromMs);
  for await (const e of gcore.requests({ start })) ids['gcore.waap'].push(e.id);
  for await (const e of cdn.wafEvents({ start })) ids['transactcdn.waf'].push(e.id);
  for await (const e of cdn.rateLimitingEvents({ start })) ids['transactcdn.rate_limiting'].push(e.id);
  for await (const e of bots.requests({ projectId: sim.botbyeProjectId })) ids['botbye.requests'].push(e.id);
  await Promise.all([gcore.close(), cdn.close(), bots.close()]);
  for (const source of SOURCES) expect(ids[source].length, `${source} arrivals`).toBeGreaterThan(150 + 20);
  const expected = TENANTS.flatMap((tenant) => SOURCES.flatMap((source) => ids[source].map((id) => `${tenant}|${source}|${id}`)));
  const delivered = await redis.hgetall('follow:delivered');
  expect(Object.keys(delivered).sort()).toEqual([...new Set(expected)].sort());
});
