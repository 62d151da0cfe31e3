import { getResponse, type RequestHandler } from 'msw';
import { serveHandler, type LoopbackServer } from '../../src/testing/server.js';

export type { LoopbackServer };

/**
 * Serves msw request handlers on a real 127.0.0.1 port through the simulator's own node:http server, so the
 * shipped undici transport is exercised over real sockets: keep-alive, resets, truncated bodies, timeouts.
 */
export function serveHandlers(handlers: RequestHandler[]): Promise<LoopbackServer> {
  return serveHandler(async (request) => (await getResponse(handlers, request)) ?? new Response('no handler', { status: 501 }));
}
