import { getResponse, type RequestHandler } from 'msw';
import { Dispatcher } from 'undici';
import { toWire } from '../../src/testing/faults.js';

/**
 * An undici Dispatcher that answers from msw request handlers, in-process. msw intercepts
 * `globalThis.fetch`, not `undici.request`; this bridge lets the SDK's real transport (retries, timeouts,
 * body cap, error mapping) run against the same handlers without a socket.
 */
export class MswDispatcher extends Dispatcher {
  readonly #handlers: RequestHandler[];
  requests: Request[] = [];

  constructor(handlers: RequestHandler[]) {
    super();
    this.#handlers = handlers;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const legacy = handler as Dispatcher.DispatchHandler & {
      onConnect?(abort: (err?: Error) => void): void;
      onHeaders?(status: number, headers: Buffer[], resume: () => void, statusText: string): boolean;
      onData?(chunk: Buffer): boolean;
      onComplete?(trailers: Buffer[]): void;
      onError?(err: Error): void;
    };
    let aborted: Error | undefined;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      legacy.onError?.(err);
    };
    // Like a socket, an abort ends the request at once, whatever the handler is still doing.
    legacy.onConnect?.((err) => {
      aborted = err ?? new Error('aborted');
      fail(aborted);
    });
    void (async () => {
      const url = new URL(options.path, options.origin as string);
      const headers = new Headers();
      const given = options.headers as Record<string, string> | string[] | undefined;
      if (Array.isArray(given)) for (let i = 0; i < given.length; i += 2) headers.append(given[i]!, given[i + 1]!);
      else if (given) for (const [k, v] of Object.entries(given)) if (v !== undefined) headers.set(k, String(v));
      // A request body (a POST's JSON) reaches the handlers as it would over a socket.
      const body = typeof options.body === 'string' || options.body instanceof Uint8Array ? options.body : undefined;
      const request = new Request(url, { method: options.method, headers, body });
      this.requests.push(request.clone());
      const response = await getResponse(this.#handlers, request);
      if (aborted) return fail(aborted);
      if (!response) return fail(new Error(`no msw handler for ${options.method} ${url}`));
      const wire = await toWire(response);
      if (wire.kind === 'reset') return fail(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
      const raw: Buffer[] = [];
      for (const [key, value] of [...wire.headers, ['content-length', String(wire.length)] as const]) raw.push(Buffer.from(key), Buffer.from(value));
      if (settled) return;
      legacy.onHeaders?.(wire.status, raw, () => {}, wire.statusText);
      if (wire.cut) {
        if (wire.body.length) legacy.onData?.(wire.body);
        return fail(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
      }
      if (aborted) return fail(aborted);
      if (wire.body.length) legacy.onData?.(wire.body);
      settled = true;
      legacy.onComplete?.([]);
    })().catch((err: Error) => fail(err));
    return true;
  }

  override async close(): Promise<void> {}
  override async destroy(): Promise<void> {}
}
