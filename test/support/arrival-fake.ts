import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A provider fake whose records arrive over time: each record exists from `visibleAt` on, by the fake's own clock
 * (the test's). It speaks the three list APIs just enough for `follow`: Gcore requests (offset/limit, ordering),
 * TransactCDN WAF event logs (whole seconds, newest first, page/page_of) and BotBye requests (createdAt window in
 * `where`, cursor). `down(now)` answers 503 for an outage.
 */
export interface Arrival {
  id: string;
  /** The event's own time, epoch ms. */
  time: number;
  /** From when the provider returns it (indexing delay), epoch ms. */
  visibleAt: number;
}

export interface ArrivalFakeOptions {
  arrivals: Arrival[];
  now: () => number;
  down?: (now: number) => boolean;
}

export interface ArrivalFake {
  url: string;
  /** Requests answered (any status), by path family. */
  requests: () => number;
  /** Every request URL (path and query), in order. */
  urls: string[];
  failures: () => number;
  close(): Promise<void>;
}

const PAGE = 100;

export async function serveArrivals(options: ArrivalFakeOptions): Promise<ArrivalFake> {
  const sorted = [...options.arrivals].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
  let requests = 0;
  let failures = 0;
  const urls: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests++;
    urls.push(req.url ?? '');
    const now = options.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (options.down?.(now)) {
      failures++;
      return send(503, { title: 'Service Unavailable' });
    }
    const visible = (from: number, to: number) => sorted.filter((a) => a.visibleAt <= now && a.time >= from && a.time < to);
    const q = url.searchParams;
    if (url.pathname === '/waap/v1/analytics/requests') {
      const desc = (q.get('ordering') ?? '-request_time').startsWith('-');
      const rows = visible(Date.parse(q.get('start')!), Date.parse(q.get('end')!));
      if (desc) rows.reverse();
      const offset = Number(q.get('offset') ?? 0);
      const limit = Number(q.get('limit') ?? PAGE);
      const results = rows.slice(offset, offset + limit).map((a) => ({ id: a.id, request_time: a.time, client_ip: '203.0.113.7', decision: 'blocked' }));
      return send(200, { limit, offset, count: rows.length, results });
    }
    if (url.pathname.endsWith('/waf/eventlogs')) {
      // Whole seconds, end second inclusive: the client trims to its exact window.
      const from = Date.parse(`${q.get('start_time')}Z`);
      const to = Date.parse(`${q.get('end_time')}Z`) + 1000;
      const rows = visible(from, to).reverse();
      const size = Number(q.get('page_size') ?? 1000);
      const page = Number(q.get('page') ?? 1);
      const events = rows.slice((page - 1) * size, page * size).map((a) => ({ 'Event ID': a.id, 'Epoch Time': a.time / 1000, 'Client IP': '203.0.113.7', 'Action Type': 'BLOCK_REQUEST' }));
      return send(200, { page, page_of: Math.max(1, Math.ceil(rows.length / size)), time_from: from / 1000, time_to: to / 1000, events });
    }
    if (/\/api\/v1\/[^/]+\/projects\/[^/]+\/requests$/.test(url.pathname)) {
      const window = createdAtWindow(JSON.parse(q.get('where') ?? '{}'));
      const rows = visible(window.from, window.to);
      const cursor = JSON.parse(q.get('cursor') ?? '{}') as { first?: number; after?: string };
      const start = cursor.after === undefined ? 0 : Number(cursor.after) + 1;
      const first = cursor.first ?? 20;
      const slice = rows.slice(start, start + first);
      const edges = slice.map((a, i) => ({ cursor: String(start + i), node: { id: a.id, createdAt: new Date(a.time).toISOString(), remoteAddr: '203.0.113.7' } }));
      const end = start + slice.length;
      return send(200, { edges, pageInfo: { hasNextPage: end < rows.length, endCursor: edges.at(-1)?.cursor ?? null, total: rows.length } });
    }
    send(404, { title: 'Not Found' });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    urls,
    failures: () => failures,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Leaf {
  predicate: string;
  fieldPath?: string;
  value?: unknown;
  operands?: Leaf[];
}

/** The `createdAt` bounds of a BotBye `where` (gte … lt), the only filter the follow sends on its own. */
function createdAtWindow(node: Leaf): { from: number; to: number } {
  const out = { from: 0, to: Number.MAX_SAFE_INTEGER };
  const visit = (n: Leaf) => {
    if (n.operands) n.operands.forEach(visit);
    if (n.fieldPath !== 'createdAt') return;
    if (n.predicate === 'gte') out.from = Date.parse(String(n.value));
    if (n.predicate === 'lt') out.to = Date.parse(String(n.value));
  };
  visit(node);
  return out;
}

/**
 * A test clock for in-process runs: time moves only when the code under test sleeps, so a simulated hour takes
 * as long as its requests do.
 */
export function virtualClock(startMs: number) {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    async sleep(ms: number, signal: AbortSignal): Promise<void> {
      if (signal.aborted) return;
      now += ms;
      // A macrotask, so servers and other tasks run between polls.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Continuous arrivals: one event every `everyMs` over `[startMs, endMs)`; some land late (up to lag, and past it within overlap). */
export function makeArrivals(options: { startMs: number; endMs: number; everyMs: number; lagMs: number; overlapMs: number; seed?: number }): Arrival[] {
  let seed = options.seed ?? 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: Arrival[] = [];
  let n = 0;
  for (let t = options.startMs; t < options.endMs; t += options.everyMs) {
    const r = random();
    // 80% indexed within lagMs; 15% late by up to lagMs; 5% later still, within overlapMs after that.
    const delay = r < 0.8 ? random() * options.lagMs * 0.9 : r < 0.95 ? random() * options.lagMs : options.lagMs + random() * options.overlapMs * 0.9;
    out.push({ id: `ev-${String(n++).padStart(6, '0')}`, time: Math.floor(t + random() * options.everyMs * 0.5), visibleAt: Math.floor(t + delay) });
  }
  return out;
}
