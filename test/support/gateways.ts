/**
 * Loopback servers that misbehave the way real gateways and proxies do (compression, block pages, echoed
 * credentials, a concurrency ceiling), on plain node:http so every fault is a real one on a real socket. The
 * pages they serve are just valid enough for each provider's schema; the full fakes live elsewhere.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  url: URL;
  headers: IncomingHttpHeaders;
}

export interface RawServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: SeenRequest[];
  /** Most requests being answered at once so far. */
  maxInFlight: () => number;
  /** Answers with each status so far. */
  statuses: Map<number, number>;
  close(): Promise<void>;
}

/** `n` counts requests from 1; `inFlight` includes this one. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse, context: { n: number; inFlight: number; url: URL }) => void | Promise<void>;

export async function serveRaw(handler: RawHandler): Promise<RawServer> {
  const requests: SeenRequest[] = [];
  const statuses = new Map<number, number>();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ url, headers: req.headers });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => {
      inFlight--;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    });
    Promise.resolve(handler(req, res, { n: requests.length, inFlight, url })).catch((error: unknown) => {
      res.statusCode = 599;
      res.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    maxInFlight: () => maxInFlight,
    statuses,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- valid pages -----------------------------------------------------------------------------------------

/** Gcore records at END_MS - 1 - 10·i, newest first: a request's window, offset and limit pick among them. */
export const GCORE_END_MS = Date.parse('2026-11-20T12:00:00Z');
export function gcorePage(url: URL, total: number): string {
  const start = Date.parse(url.searchParams.get('start') ?? '');
  const end = Date.parse(url.searchParams.get('end') ?? '');
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const time = (i: number) => GCORE_END_MS - 1 - 10 * i;
  const inWindow: number[] = [];
  for (let i = 0; i < total; i++) if (time(i) >= start && time(i) < end) inWindow.push(i);
  const results = inWindow.slice(offset, offset + limit).map((i) => ({
    id: `g-${i}`,
    request_time: time(i),
    client_ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
    path: `/login?attempt=${i}`,
    method: 'POST',
    decision: 'blocked',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    domain: 'shop.example.com',
    country: 'DE',
    rule_name: 'SQL injection',
  }));
  return JSON.stringify({ limit, offset, count: inWindow.length, results });
}

/** One TransactCDN WAF page of `size` events inside the request's whole-second window, and nothing after it. */
export function transactCdnPage(url: URL, size: number): string {
  const page = Number(url.searchParams.get('page') ?? 1);
  const from = Date.parse(`${url.searchParams.get('start_time')}Z`) / 1000;
  const to = Date.parse(`${url.searchParams.get('end_time')}Z`) / 1000;
  const events = page === 1
    ? Array.from({ length: size }, (_, i) => ({
        'Event ID': `ev-${i}`,
        'Epoch Time': to - 0.5 - (i * (to - from - 1)) / size,
        'Client IP': `10.1.${(i >> 8) & 255}.${i & 255}`,
        Host: 'www.example.com',
        URL: `http://www.example.com/search?q=${i}`,
        'Action Type': 'BLOCK',
        'Rule Message': 'Inbound Anomaly Score Exceeded',
        'User Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36',
        'Country Code': 'US',
      }))
    : [];
  return JSON.stringify({ page, page_of: 1, time_from: from, time_to: to, events });
}

/** One TransactCDN WAF event, by id. */
export function transactCdnEvent(id: string): string {
  return JSON.stringify({ 'Event ID': id, 'Epoch Time': 1763640000.5, 'Client IP': '10.1.0.1' });
}

/** One BotBye page with `size` records and no next page. */
export function botByePage(size: number): string {
  const edges = Array.from({ length: size }, (_, i) => ({
    cursor: `c${i}`,
    node: { id: `b-${i}`, createdAt: new Date(GCORE_END_MS - 1000 * i).toISOString(), remoteAddr: '10.2.0.1' },
  }));
  return JSON.stringify({ edges, pageInfo: { hasNextPage: false, endCursor: size ? `c${size - 1}` : null } });
}

export function sendJson(res: ServerResponse, body: string | Buffer, status = 200, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers });
  res.end(bytes);
}
