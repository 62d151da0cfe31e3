/**
 * The scale scenario of `npm run bench` (`--only scale`; also alone: `node test/bench/scale.mjs [--rounds 3]
 * [--events 24000] [--big]`): sharded backfills by BullMQ worker PROCESSES (test/bench/scale-worker.mjs) against
 * the simulator (`wafstream/testing`) at 100 ms per page, behind a loopback server in this process that notes when
 * each request arrives. A real redis-server is started the way the tests start one (test/support/redis-server.mjs);
 * without it the bench fails, naming the fix.
 *
 * 1. Throughput: the same Gcore backfill (12 shards) by a pool of 1 worker process and a pool of 3, alternately
 *    every round; events/s from planning to the last shard's completion, medians, and the paired ratio.
 * 2. Shared limit: 3 worker processes, each client through `sharedRateLimit` at 10 requests/s for the one
 *    credential; the most requests the simulator saw in any sliding one-second window, from all three together.
 * 3. `--big` (or SCALE_BIG=1): the crash test's backfill at 300 000 events, 150 000 Gcore + 150 000 TransactCDN
 *    (simulator latency 2 ms, as the test), by 3 worker processes; wall time from planning to the last completion.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startRedis } from '../support/redis-server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./scale-worker.mjs', import.meta.url));
const LATENCY_MS = 100;
const SHARDS = 12;
const LIMIT_RPS = 10;

/** Runs the scale measurements; logs them and returns the figures for the JSON report. */
export async function runScaleBench({ log = console.log, rounds = 3, events = 24_000, limitedEvents = 6_000, big = false } = {}) {
  const { createSimulator } = await import(pathToFileURL(`${ROOT}dist/testing/index.js`).href);
  const { planBackfill } = await import(pathToFileURL(`${ROOT}dist/bullmq/index.js`).href);
  const { Queue } = await import('bullmq');
  log(`running scale: Gcore backfill of ${events.toLocaleString('en-US')} events @ ${LATENCY_MS} ms/page by 1 vs 3 worker processes, then 3 under a shared ${LIMIT_RPS} req/s ...`);
  const redis = await startRedis();
  const spanMs = 86_400_000;
  const sim = await startFront(createSimulator({ seed: 14, records: { 'gcore.waap': events, 'transactcdn.waf': 0, 'transactcdn.rate_limiting': 0, 'botbye.requests': 0 }, spanMs, latencyMs: LATENCY_MS }));
  const pools = [];
  const queues = [];
  const openQueue = (name) => {
    const queue = new Queue(name, { connection: { host: redis.host, port: redis.port } });
    queues.push(queue);
    return queue;
  };
  try {
    const end = Math.floor(Date.now() / 1000) * 1000 + 1000;
    const whole = { tenant: 'acme', source: 'gcore.waap', start: end - spanMs - 3_600_000, end, shards: SHARDS };
    const one = { queue: openQueue('scale-1'), pool: await startPool(1, { redisPort: redis.port, queue: 'scale-1', credentials: sim.credentials }) };
    const three = { queue: openQueue('scale-3'), pool: await startPool(3, { redisPort: redis.port, queue: 'scale-3', credentials: sim.credentials }) };
    pools.push(one.pool, three.pool);
    // Untimed: warms each pool's code and connections alike.
    for (const p of [one, three]) await backfill(planBackfill, p, whole, events);
    const runs = { 1: [], 3: [] };
    for (let round = 0; round < rounds; round++) {
      for (const p of round % 2 ? [three, one] : [one, three]) runs[p.pool.size].push(await backfill(planBackfill, p, whole, events));
    }
    const throughput = {
      events,
      shards: SHARDS,
      latencyMs: LATENCY_MS,
      rounds,
      oneWorker: summary(runs[1], events),
      threeWorkers: summary(runs[3], events),
      ratio: round2(median(runs[1].map((ms, i) => ms / runs[3][i]))),
    };

    // The limited run reads the newest part of the window: about `limitedEvents` events, some 60 requests.
    const limited = { queue: openQueue('scale-limited'), pool: await startPool(3, { redisPort: redis.port, queue: 'scale-limited', credentials: sim.credentials, rateLimit: { key: 'acme.gcore', requestsPerSecond: LIMIT_RPS } }) };
    pools.push(limited.pool);
    const startMs = end - Math.round((spanMs * limitedEvents) / events);
    const expected = await countRead(sim.credentials, { start: new Date(startMs), end: new Date(end) });
    const before = sim.arrivals.length;
    const wallMs = await backfill(planBackfill, limited, { ...whole, start: startMs, shards: 3 }, expected);
    const arrivals = sim.arrivals.slice(before);
    const shared = {
      requestsPerSecond: LIMIT_RPS,
      workers: 3,
      events: expected,
      requests: arrivals.length,
      wallMs: Math.round(wallMs),
      maxInAnySecond: maxInAnySecond(arrivals),
      achievedPerSecond: round2(arrivals.length / ((arrivals.at(-1) - arrivals[0]) / 1000)),
    };

    log(`\nscale: Gcore backfill, ${events.toLocaleString('en-US')} events in ${SHARDS} shards, simulator ${LATENCY_MS} ms/page, no binding rate limit, ${rounds} rounds (medians)`);
    log('  BullMQ concurrency 1 per process, client default (concurrency 4); from planning to the last shard done');
    for (const [label, s] of [['1 worker process ', throughput.oneWorker], ['3 worker processes', throughput.threeWorkers]]) {
      log(`  ${label}  ${String(s.medianWallMs).padStart(8)} ms  ${s.eventsPerSec.toLocaleString('en-US').padStart(8)} events/s   runs ${s.runsMs.join(', ')}`);
    }
    log(`  ratio 3 vs 1: ${throughput.ratio.toFixed(2)}x events/s (target >= 2.4x)`);
    log(`scale: shared limit ${LIMIT_RPS} req/s for one credential, 3 worker processes, ${expected.toLocaleString('en-US')} events`);
    log(`  ${shared.requests} requests in ${shared.wallMs} ms (${shared.achievedPerSecond}/s); most in any 1-s window at the simulator: ${shared.maxInAnySecond} (target <= ${LIMIT_RPS})`);

    let bigRun;
    if (big) bigRun = await bigBackfill({ log, redis, planBackfill, openQueue, pools, createSimulator });
    return { throughput, shared, big: bigRun };
  } finally {
    await Promise.all(pools.map((pool) => pool.stop()));
    await Promise.all(queues.map((queue) => queue.close()));
    await sim.close();
    await redis.stop();
  }
}

/** The crash test's 300 000-event backfill (without the crash) by 3 worker processes: its wall time, measured. */
async function bigBackfill({ log, redis, planBackfill, openQueue, pools, createSimulator }) {
  const perSource = 150_000;
  log(`running scale --big: ${(2 * perSource).toLocaleString('en-US')} events (Gcore + TransactCDN), 3 worker processes ...`);
  const spanMs = 86_400_000;
  const sim = await startFront(createSimulator({ seed: 14, records: { 'gcore.waap': perSource, 'transactcdn.waf': perSource, 'transactcdn.rate_limiting': 0, 'botbye.requests': 0 }, spanMs, latencyMs: 2 }));
  try {
    const p = { queue: openQueue('scale-big'), pool: await startPool(3, { redisPort: redis.port, queue: 'scale-big', credentials: sim.credentials }) };
    pools.push(p.pool);
    const end = Math.floor(Date.now() / 1000) * 1000 + 1000;
    const plans = ['gcore.waap', 'transactcdn.waf'].map((source) => ({ tenant: 'acme', source, start: end - spanMs - 3_600_000, end, shards: 8 }));
    const wallMs = await backfill(planBackfill, p, plans, 2 * perSource);
    const result = { events: 2 * perSource, shards: 16, workers: 3, wallMs: Math.round(wallMs), eventsPerSec: Math.round((2 * perSource) / (wallMs / 1000)) };
    log(`scale --big: ${result.events.toLocaleString('en-US')} events, 16 shards, 3 worker processes: ${result.wallMs} ms (${result.eventsPerSec.toLocaleString('en-US')} events/s)`);
    return result;
  } finally {
    await sim.close();
  }
}

// ---- pools, backfills, the front ----------------------------------------------------------------------------

/** `size` worker processes on one queue, each ready before this resolves. */
async function startPool(size, config) {
  const children = [];
  for (let i = 0; i < size; i++) {
    const child = fork(WORKER, { env: { ...process.env, SCALE_WORKER: JSON.stringify(config) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    await new Promise((resolve, reject) => {
      child.on('message', (m) => m.ready && resolve());
      child.once('exit', (code) => reject(new Error(`scale worker exited with ${code} before it was ready`)));
    });
  }
  return {
    size,
    children,
    async stop() {
      await Promise.all(
        children.map((child) =>
          child.exitCode !== null || child.signalCode !== null
            ? undefined
            : new Promise((resolve) => {
                const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
                child.once('exit', () => (clearTimeout(timer), resolve()));
                child.send('stop');
              }),
        ),
      );
    },
  };
}

/** Empties the queue, plans `plan` (one or several), and resolves with the ms until every shard completed. */
async function backfill(planBackfill, { queue, pool }, plans, expectedEvents) {
  await queue.obliterate({ force: true });
  let done = 0;
  let events = 0;
  let shards = 0;
  let settle;
  const finished = new Promise((resolve, reject) => (settle = { resolve, reject }));
  const onMessage = (m) => {
    if (m.failed !== undefined) settle.reject(new Error(`shard ${m.failed} failed: ${m.error}`));
    if (m.completed === undefined) return;
    done++;
    events += m.events;
    if (shards && done === shards) settle.resolve();
  };
  for (const child of pool.children) child.on('message', onMessage);
  const timer = setTimeout(() => settle.reject(new Error(`backfill on ${queue.name} did not finish within 300 s`)), 300_000);
  try {
    const t0 = performance.now();
    for (const plan of [plans].flat()) shards += (await planBackfill(queue, plan)).length;
    if (done === shards) settle.resolve();
    await finished;
    const ms = performance.now() - t0;
    if (events !== expectedEvents) throw new Error(`backfill on ${queue.name}: the shards read ${events} events, expected ${expectedEvents}`);
    return ms;
  } finally {
    clearTimeout(timer);
    for (const child of pool.children) child.off('message', onMessage);
  }
}

/** Serves the simulator's Fetch handler on 127.0.0.1, noting each request's arrival (performance.now()). */
async function startFront(simulator) {
  const arrivals = [];
  const server = http.createServer((req, res) => {
    arrivals.push(performance.now());
    const request = new Request(new URL(req.url ?? '/', 'http://127.0.0.1'), { method: req.method, headers: Object.entries(req.headers).flatMap(([k, v]) => [v].flat().map((x) => [k, x])) });
    simulator.handle(request).then(
      async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, [...response.headers].flat());
        res.end(body);
      },
      (error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      },
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    arrivals,
    credentials: simulator.credentials(url),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

/** The reference: the window read by one plain client in this process. */
async function countRead(credentials, window) {
  const { createGcoreClient } = await import(pathToFileURL(`${ROOT}dist/index.js`).href);
  const client = createGcoreClient(credentials.gcore);
  try {
    let n = 0;
    for await (const _ of client.requests(window)) n++;
    return n;
  } finally {
    await client.close();
  }
}

// ---- figures --------------------------------------------------------------------------------------------------

function summary(runsMs, events) {
  const ms = median(runsMs);
  return { medianWallMs: Math.round(ms), eventsPerSec: Math.round(events / (ms / 1000)), runsMs: runsMs.map(Math.round) };
}
function maxInAnySecond(times) {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const round2 = (v) => Math.round(v * 100) / 100;

const isEntry = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (isEntry) {
  const argv = process.argv.slice(2);
  const value = (name, fallback) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback);
  await runScaleBench({ rounds: value('rounds', 3), events: value('events', 24_000), big: argv.includes('--big') || process.env.SCALE_BIG === '1' }).catch((error) => {
    console.error(`\nscale bench FAILED: ${error?.stack ?? error}`);
    process.exit(1);
  });
}
