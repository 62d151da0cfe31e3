import { Agent, request, type Dispatcher } from 'undici';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  WafstreamError,
  type ApiErrorInit,
  type Provider,
} from './errors.js';
import type { ResolvedClientOptions } from './options.js';
import { RequestLimiter } from './limiter.js';
import { abortReason, parseRetryAfter, withRetry } from './retry.js';
import { VERSION } from './version.js';

export type Query = ReadonlyArray<readonly [string, string]>;

export interface JsonResponse {
  status: number;
  body: unknown;
  requestId: string | undefined;
}

export interface TransportConfig extends ResolvedClientOptions {
  provider: Provider;
  /** Computes the auth headers per request, so the secret lives in the adapter's closure, not on an object. */
  authHeaders: () => Record<string, string>;
  /** The secret values to scrub from any body excerpt a provider echoes back. */
  secrets: () => readonly string[];
}

export interface Transport {
  /** The client's request limiter (its adaptive limit is visible for tests and logs). */
  readonly limiter: RequestLimiter;
  /** GETs `baseUrl + path` with `query`, retrying per policy, and returns the parsed JSON body of a 2xx. */
  getJson(path: string, query: Query, options?: GetOptions): Promise<JsonResponse>;
  /** Closes the client's own keep-alive Agent (a caller-given dispatcher is left alone). */
  close(): Promise<void>;
}

export interface GetOptions {
  signal?: AbortSignal | undefined;
}

const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-correlation-id', 'x-amzn-requestid', 'cf-ray'];

export function createTransport(config: TransportConfig): Transport {
  const ownAgent = config.dispatcher ? undefined : new Agent({ keepAliveTimeout: 10_000, connections: 32 });
  const dispatcher: Dispatcher = config.dispatcher ?? ownAgent!;
  const userAgent = `wafstream/${VERSION} node/${process.versions.node}`;
  const timing = {
    baseDelayMs: config.retryDelay.baseMs,
    maxDelayMs: config.retryDelay.maxMs,
    maxRetryAfterMs: config.retryDelay.maxRetryAfterMs,
  };

  const scrub = (text: string) => {
    let out = text;
    for (const secret of config.secrets()) if (secret) out = out.split(secret).join('[redacted]');
    return out;
  };

  // Shared by every stream of this client: the provider sees one client, one budget.
  const limiter = new RequestLimiter({
    concurrency: config.concurrency,
    maxRequestsPerSecond: config.maxRequestsPerSecond,
    onChange: (from, to) =>
      config.logger?.debug?.(`${config.provider}: ${to < from ? 'rate limited, ' : ''}requests in flight ${from} → ${to}`, { from, to }),
  });

  /** One attempt, holding a limiter slot only while on the wire (a Retry-After wait happens outside it). */
  async function limited(path: string, query: Query, signal: AbortSignal | undefined): Promise<JsonResponse> {
    const ticket = await limiter.acquire(signal);
    let outcome: 'ok' | 'rate_limited' | 'failed' = 'failed';
    try {
      const response = await once(path, query, signal);
      outcome = 'ok';
      return response;
    } catch (error) {
      if (error instanceof RateLimitError) outcome = 'rate_limited';
      throw error;
    } finally {
      limiter.release(ticket, outcome);
    }
  }

  async function once(path: string, query: Query, signal: AbortSignal | undefined): Promise<JsonResponse> {
    const search = query.length ? `?${new URLSearchParams(query as [string, string][]).toString()}` : '';
    const url = `${config.baseUrl}${path}${search}`;
    const where = `${path}${search}`;
    // The limiter may have granted this slot just as the caller gave up.
    if (signal?.aborted) throw abortReason(signal);

    // One controller per attempt: it fires on the caller's abort or on our timeout, and we can tell which.
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);

    try {
      const res = await request(url, {
        method: 'GET',
        dispatcher,
        signal: controller.signal,
        headers: { accept: 'application/json', 'user-agent': userAgent, ...config.authHeaders() },
        // The per-attempt timer above is the limit; undici's own idle timers would only duplicate it.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const text = await readText(res.body, config.maxResponseBytes, config.provider, where);
      const requestId = headerValue(res.headers, REQUEST_ID_HEADERS);
      if (res.statusCode < 200 || res.statusCode >= 300) {
        throw statusError({
          provider: config.provider,
          status: res.statusCode,
          method: 'GET',
          path: where,
          requestId,
          body: scrub(text),
          retryAfterMs: parseRetryAfter(res.headers['retry-after']),
        });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        // A 2xx whose body is not JSON was cut short on the way (a proxy, a reset after the headers): try again.
        throw new ConnectionError(config.provider, `${config.provider}: GET ${where} answered ${res.statusCode} with a body that is not complete JSON (${text.length} characters)`, { code: 'INCOMPLETE_BODY' });
      }
      return { status: res.statusCode, body, requestId };
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (timedOut) throw new TimeoutError(config.provider, where, config.timeoutMs);
      if (error instanceof WafstreamError) throw error;
      const code = (error as { code?: unknown }).code;
      throw new ConnectionError(config.provider, scrub(`${config.provider}: GET ${where} failed: ${(error as Error).message}`), {
        cause: error,
        code: typeof code === 'string' ? code : undefined,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    limiter,
    getJson(path, query, options = {}) {
      const signal = options.signal ?? config.signal;
      return withRetry(() => limited(path, query, signal), {
        maxRetries: config.maxRetries,
        ...timing,
        signal,
        logger: config.logger,
        describe: `${config.provider} GET ${path}`,
      });
    },
    async close() {
      await ownAgent?.close();
    },
  };
}

function statusError(init: ApiErrorInit): ApiError {
  if (init.status === 401 || init.status === 403) return new AuthenticationError(init);
  if (init.status === 404) return new NotFoundError(init);
  if (init.status === 429) return new RateLimitError(init);
  if (init.status >= 500) return new ServerError(init);
  return new ApiError(init);
}

/** Reads the body as UTF-8, refusing to buffer past `limit` bytes. Plain 'data' events: async iteration over a
 *  stream costs a promise per chunk, which shows on a hot path of many small pages. */
function readText(body: Dispatcher.ResponseData['body'], limit: number, provider: Provider, where: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        reject(new ResponseValidationError(provider, where, [{ path: '', message: `the body is larger than maxResponseBytes (${limit})` }]));
        return;
      }
      chunks.push(chunk);
    });
    body.on('error', reject);
    body.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8')));
  });
}

function headerValue(headers: Record<string, string | string[] | undefined>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers[name];
    if (value) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
