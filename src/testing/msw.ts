import { http, type RequestHandler } from 'msw';
import { toWire } from './faults.js';
import type { Route } from './http.js';
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator.js';

/**
 * `wafstream/testing/msw`: the simulator's endpoints as msw request handlers, for testing code that calls the
 * provider APIs through `fetch` in-process. Faults are acted out as msw can: a reset is a network error, a truncated
 * body is a stream that breaks off after half its bytes.
 *
 * @example
 * const sim = createSimulator({ seed: 7 });
 * const server = setupServer(...simulatorHandlers(sim));
 */
export function simulatorHandlers(simulator: Simulator | SimulatorOptions = {}): RequestHandler[] {
  const sim = 'routes' in simulator ? simulator : createSimulator(simulator);
  return toMswHandlers(sim.routes);
}

/** Any routes (a simulator's or your own) as msw handlers that match their path on every origin. */
export function toMswHandlers(routes: readonly Route[]): RequestHandler[] {
  return routes.map((route) => http.get(`*${route.path}`, async ({ request }) => actOut(await route.handle(request))));
}

async function actOut(response: Response): Promise<Response> {
  const wire = await toWire(response);
  if (wire.kind === 'reset') return Response.error();
  const headers = new Headers(wire.headers);
  if (!wire.cut) return new Response(wire.body.length ? wire.body : null, { status: wire.status, statusText: wire.statusText, headers });
  headers.set('content-length', String(wire.length));
  const sent = wire.body;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (sent.length) controller.enqueue(new Uint8Array(sent));
      controller.error(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    },
  });
  return new Response(body, { status: wire.status, statusText: wire.statusText, headers });
}

export type { Simulator, SimulatorOptions } from './simulator.js';
