/**
 * The follow scenario of `npm run bench` (also runnable alone: `node test/bench/follow.mjs [--events 150000]`).
 *
 * 1. Catch-up: a Gcore-shaped fake (its own child process) holds a one-day backlog of `--events` records; a
 *    follow stream starting a day back reads it (oldest first, back to back while behind) until it has every
 *    record. Prints events/s and the requests it took.
 * 2. Steady state: an idle source, followed for `--idle-s` seconds at `--interval-ms`; prints requests per minute
 *    next to the 60 000 / intervalMs the design promises (an idle source costs one request per interval).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]] : [])),
);

const isEntry = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (args.server) serve(Number(args.events), Number(args.start), Number(args.span));
else if (isEntry) await runFollowBench({ events: Number(args.events ?? 150_000), intervalMs: Number(args['interval-ms'] ?? 1000), idleS: Number(args['idle-s'] ?? 10) });

/** Runs both measurements and prints them; exported as the hook `run.mjs` calls. */
export async function runFollowBench({ events, intervalMs, idleS }) {
  const sdk = await import(pathToFileURL(`${ROOT}dist/index.js`).href);
  const span = 86_400_000;
  // The backlog ends five minutes ago: inside the lag of the catch-up read, clear of the wall clock.
  const start = Math.floor(Date.now() / 1000) * 1000 - 300_000 - span;

  const backlog = await startServer(events, start, span);
  const waap = sdk.createGcoreClient({ apiKey: 'bench', baseUrl: backlog.url });
  const controller = new AbortController();
  const stream = waap.follow({}, { from: start, lagMs: 60_000, overlapMs: 60_000, intervalMs, signal: controller.signal });
  const t0 = performance.now();
  let count = 0;
  for await (const _ of stream) if (++count === events) controller.abort();
  const seconds = (performance.now() - t0) / 1000;
  const catchUp = { events: count, seconds: round(seconds, 2), eventsPerSecond: Math.round(count / seconds), requests: await backlog.requests() };
  await waap.close();
  backlog.stop();

  const idle = await startServer(0, start, span);
  const idleClient = sdk.createGcoreClient({ apiKey: 'bench', baseUrl: idle.url });
  const idleController = new AbortController();
  const idleStream = idleClient.follow({}, { lagMs: 0, overlapMs: 60_000, intervalMs, signal: idleController.signal });
  const done = (async () => {
    for await (const _ of idleStream);
  })();
  // Counted after a one-second warm-up (the first poll's window is empty and costs nothing), over idleS seconds.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = await idle.requests();
  await new Promise((resolve) => setTimeout(resolve, idleS * 1000));
  const idleRequests = (await idle.requests()) - before;
  idleController.abort();
  await done;
  await idleClient.close();
  idle.stop();
  const steady = { intervalMs, seconds: idleS, requests: idleRequests, requestsPerMinute: round((idleRequests * 60) / idleS, 1), expectedPerMinute: round(60_000 / intervalMs, 1) };

  console.log('\nfollow: catch-up of a 1-day backlog (Gcore fake, oldest first)');
  console.log(`  ${catchUp.events.toLocaleString('en-US')} events in ${catchUp.seconds} s = ${catchUp.eventsPerSecond.toLocaleString('en-US')} events/s, ${catchUp.requests} requests`);
  console.log(`follow: steady state, idle source, intervalMs ${intervalMs}`);
  console.log(`  ${steady.requests} requests in ${idleS} s = ${steady.requestsPerMinute}/min (one per interval: ${steady.expectedPerMinute}/min)`);
  return { catchUp, steady };
}

function round(v, digits) {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}

/** Starts the fake in a child process; resolves with its URL and a way to read its request count. */
function startServer(events, start, span) {
  const child = fork(fileURLToPath(import.meta.url), ['--server', '--events', String(events), '--start', String(start), '--span', String(span)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve) => {
    child.once('message', ({ url }) =>
      resolve({
        url,
        requests: () => new Promise((done) => (child.once('message', (m) => done(m.requests)), child.send('stats'))),
        stop: () => child.kill(),
      }),
    );
  });
}

/** Gcore requests, `events` records spread evenly over [start, start + span), generated from their index. */
function serve(events, start, span) {
  const timeOf = (i) => start + Math.floor((i * span) / events);
  // First index whose time is >= t (times are non-decreasing in i).
  const lowerBound = (t) => {
    let lo = 0;
    let hi = events;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (timeOf(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const q = new URL(req.url, 'http://bench').searchParams;
    const lo = lowerBound(Date.parse(q.get('start')));
    const hi = lowerBound(Date.parse(q.get('end')));
    const count = hi - lo;
    const offset = Number(q.get('offset') ?? 0);
    const limit = Number(q.get('limit') ?? 100);
    const desc = (q.get('ordering') ?? '-request_time').startsWith('-');
    const results = [];
    for (let k = offset; k < Math.min(count, offset + limit); k++) {
      const i = desc ? hi - 1 - k : lo + k;
      results.push(`{"id":"r${i}","request_time":${timeOf(i)},"client_ip":"203.0.113.7","decision":"blocked","path":"/login","method":"POST"}`);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"limit":${limit},"offset":${offset},"count":${count},"results":[${results.join(',')}]}`);
  });
  server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
  process.on('message', () => process.send({ requests }));
  process.on('disconnect', () => process.exit(0));
}
