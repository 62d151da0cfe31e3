import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import { FAULT_HEADER } from './faults.js';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request the server saw, in arrival order. */
  requests: Request[];
  /** Requests being answered right now, and the most at once so far. */
  inFlight: () => number;
  maxInFlight: () => number;
  /** Open client sockets (to prove a stopped stream left none busy). */
  sockets: () => number;
  close(): Promise<void>;
}

/**
 * Serves msw request handlers on a real 127.0.0.1 port, so the shipped undici transport is exercised over
 * real sockets: keep-alive, resets, truncated bodies, timeouts.
 */
export async function serveHandlers(handlers: RequestHandler[]): Promise<LoopbackServer> {
  const requests: Request[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    void answer(req, res).catch((err: unknown) => {
      res.statusCode = 599;
      res.end(String(err));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(req: IncomingMessage, res: ServerResponse) {
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
      else if (value !== undefined) headers.set(key, value);
    }
    const request = new Request(new URL(req.url ?? '/', 'http://127.0.0.1'), { method: req.method, headers });
    requests.push(request.clone());
    const response = await getResponse(handlers, request);
    if (res.destroyed) return;
    if (!response) {
      res.statusCode = 501;
      res.end('no handler');
      return;
    }
    if (response.type === 'error' || response.headers.get(FAULT_HEADER) === 'reset') {
      req.socket.destroy();
      return;
    }
    const body = Buffer.from(await response.arrayBuffer());
    res.statusCode = response.status;
    response.headers.forEach((value, key) => {
      if (key !== FAULT_HEADER && key !== 'content-length') res.setHeader(key, value);
    });
    res.setHeader('content-length', body.length);
    if (response.headers.get(FAULT_HEADER) === 'truncate') {
      res.flushHeaders();
      res.write(body.subarray(0, body.length >> 1), () => req.socket.destroy());
      return;
    }
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    sockets: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
