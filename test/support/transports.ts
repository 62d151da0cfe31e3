import type { RequestHandler } from 'msw';
import type { Dispatcher } from 'undici';
import { serveHandlers } from './loopback.js';
import { MswDispatcher } from './msw-dispatcher.js';

/** One way of reaching a fake: in-process through msw, or over a real 127.0.0.1 socket. */
export interface FakeTarget {
  kind: 'msw' | 'loopback';
  baseUrl: string;
  /** Pass as the client's `dispatcher` (undefined for loopback: the client's own Agent is the thing under test). */
  dispatcher: Dispatcher | undefined;
  /** Requests the fake saw, in order. */
  requests: () => Request[];
  /** Most requests answered at once (loopback only; 0 for msw). */
  maxInFlight: () => number;
  close(): Promise<void>;
}

export type TargetKind = FakeTarget['kind'];
export const TARGET_KINDS: TargetKind[] = ['msw', 'loopback'];

/** Serves `handlers` the chosen way. Handlers should match any origin (`*\/path`). */
export async function startTarget(kind: TargetKind, handlers: RequestHandler[]): Promise<FakeTarget> {
  if (kind === 'msw') {
    const dispatcher = new MswDispatcher(handlers);
    return {
      kind,
      baseUrl: 'https://fake.test',
      dispatcher,
      requests: () => dispatcher.requests,
      maxInFlight: () => 0,
      close: async () => {},
    };
  }
  const server = await serveHandlers(handlers);
  return {
    kind,
    baseUrl: server.url,
    dispatcher: undefined,
    requests: () => server.requests,
    maxInFlight: server.maxInFlight,
    close: server.close,
  };
}
