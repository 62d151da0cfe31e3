import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { toWire } from './faults.js';
import type { RequestHandlerFn } from './http.js';

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
 * Serves a Fetch handler on a real 127.0.0.1 port (0 = a free one), acting out the faults it asks for, so a client
 * meets real sockets: keep-alive, resets, truncated bodies, timeouts. The APIs simulated are GET-only, so request
 * bodies are not read.
 */
export async function serveHandler(handler: RequestHandlerFn, port = 0): Promise<LoopbackServer> {
  const requests: Request[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    void answer(req, res).catch((err: unknown) => {
      if (res.headersSent) return void req.socket.destroy();
      res.statusCode = 500;
      res.setHeader('content-type', 'text/plain');
      res.end(`simulator error: ${err instanceof Error ? err.message : String(err)}`);
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
    const wire = await toWire(await handler(request));
    if (res.destroyed) return;
    if (wire.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    res.statusCode = wire.status;
    for (const [key, value] of wire.headers) res.appendHeader(key, value);
    res.setHeader('content-length', wire.length);
    if (wire.cut) {
      res.flushHeaders();
      res.write(wire.body, () => req.socket.destroy());
      return;
    }
    res.end(wire.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
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
