import { Agent, request, type Dispatcher } from 'undici';
import { ACCEPT_ENCODING, BodyError, readBody } from './body.js';
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
  ClientOptionsError,
  type ApiErrorInit,
  type ProviderName,
} from './errors.js';
import { RequestLimiter, type LimiterTicket } from './limiter.js';
import type { Logger, ResolvedClientOptions } from './options.js';
import { createRedactor, redactDeep, type Redactor } from './redact.js';
import { abortReason, abortedSignal, onAnyAbort, parseRetryAfter, withRetry, type Signals } from './retry.js';
import { buildUrl, describeRequest, type Query } from './url.js';
import { VERSION } from './version.js';

export type { Query } from './url.js';

export interface JsonResponse {
  status: number;
  body: unknown;
  requestId: string | undefined;
}

export interface TransportConfig extends ResolvedClientOptions {
  provider: ProviderName;
  /** Computes the auth headers per request, so the secret lives in the adapter's closure, not on an object. */
  authHeaders: () => Record<string, string>;
  /** The secret values to scrub, in every encoding, from anything a response can put in an error or a log line. */
  secrets: () => readonly string[];
  /**
   * Signs a request (an HMAC over method, URL and body, a dated signature): its headers are added to the auth
   * headers. Called per attempt, so a retry carries a fresh signature.
   */
  sign?: ((request: SignedRequest) => Record<string, string>) | undefined;
}

/** What a signing hook sees of one attempt. */
export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  /** The body exactly as sent, or undefined for none. */
  readonly body: string | undefined;
}

/** One request: any method, with a JSON body when it has one. */
export interface TransportRequest {
  /** Default `GET`. */
  method?: string | undefined;
  path: string;
  query?: Query | undefined;
  /** Serialized as JSON and sent with `content-type: application/json`. */
  body?: unknown;
}

export interface Transport {
  /** The client's request limiter (its adaptive limit is visible for tests and logs). */
  readonly limiter: RequestLimiter;
  /** Sends `request` to `baseUrl + path`, retrying per policy, and returns the parsed JSON body of a 2xx. */
  send(request: TransportRequest, options?: GetOptions): Promise<JsonResponse>;
  /** `send` for a GET of `path` with `query`. */
  getJson(path: string, query: Query, options?: GetOptions): Promise<JsonResponse>;
  /** Closes the client's own keep-alive Agent (a caller-given dispatcher is left alone). */
  close(): Promise<void>;
}

export interface GetOptions {
  /** The call's own signal; the client's `signal` applies as well (both are listened to, none is combined). */
  signal?: AbortSignal | undefined;
}

/** One request as every attempt sends it: the URL built and the body serialized once. */
interface Call {
  method: string;
  url: string;
  /** The request as errors and logs name it, redacted. */
  where: string;
  body: string | undefined;
}

const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-correlation-id', 'x-amzn-requestid', 'cf-ray'];
/** Enough of a non-JSON body to see what answered (a block page's title, a proxy's notice). */
const REDACT_WINDOW = 4096;

export function createTransport(config: TransportConfig): Transport {
  const ownAgent = config.dispatcher ? undefined : new Agent({ keepAliveTimeout: 10_000, connections: 32 });
  const dispatcher: Dispatcher = config.dispatcher ?? ownAgent!;
  const userAgent = `wafstream/${VERSION} node/${process.versions.node}`;
  const timing = {
    baseDelayMs: config.retryDelay.baseMs,
    maxDelayMs: config.retryDelay.maxMs,
    maxRetryAfterMs: config.retryDelay.maxRetryAfterMs,
  };
  // The whole header values too: a gateway may echo (or base64) `Bearer <key>` as one string.
  const redact = createRedactor([...config.secrets(), ...Object.values(config.authHeaders())]);
  const logger = config.logger && redactingLogger(config.logger, redact);
  const { provider } = config;

  // Shared by every stream of this client: the provider sees one client, one budget.
  const limiter = new RequestLimiter({
    concurrency: config.concurrency,
    maxRequestsPerSecond: config.maxRequestsPerSecond,
    onChange: (from, to) => logger?.debug?.(`${provider}: ${to < from ? 'rate limited, ' : ''}requests in flight ${from} → ${to}`, { from, to }),
  });

  /** One attempt, holding a limiter slot only while on the wire (a Retry-After wait happens outside it). */
  async function limited(call: Call, signals: Signals): Promise<JsonResponse> {
    const ticket: LimiterTicket = await limiter.acquire(signals);
    let outcome: 'ok' | 'rate_limited' | 'failed' = 'failed';
    try {
      const response = await once(call, signals);
      outcome = 'ok';
      return response;
    } catch (error) {
      if (error instanceof RateLimitError) outcome = 'rate_limited';
      throw error;
    } finally {
      limiter.release(ticket, outcome);
    }
  }

  async function once({ method, url, where, body }: Call, signals: Signals): Promise<JsonResponse> {
    // The limiter may have granted this slot just as the caller gave up.
    const early = abortedSignal(signals);
    if (early) throw abortReason(early);
    // Signed before anything is sent, outside the retried part: a hook that throws is a bug or a bad key, which
    // no retry fixes, so it surfaces at once as a `ClientOptionsError` (redacted), not as a network failure.
    let signed: Record<string, string> | undefined;
    try {
      signed = config.sign?.({ method, url, body });
    } catch (error) {
      throw new ClientOptionsError(`${provider} request signing`, [{ path: 'sign', message: redact(`failed: ${(error as Error)?.message ?? String(error)}`) }]);
    }

    // One controller per attempt: it fires on the caller's abort or on our timeout, and we can tell which.
    const controller = new AbortController();
    const dispose = onAnyAbort(signals, (signal) => controller.abort(signal.reason));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);

    try {
      const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': ACCEPT_ENCODING, 'user-agent': userAgent, ...config.authHeaders() };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (signed) Object.assign(headers, signed);
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        dispatcher,
        signal: controller.signal,
        headers,
        body,
        // The per-attempt timer above is the limit; undici's own idle timers would only duplicate it.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const bytes = await readBody(res.body, {
        contentEncoding: res.headers['content-encoding'],
        contentLength: res.headers['content-length'],
        maxBytes: config.maxResponseBytes,
      });
      const text = bytes.toString('utf8');
      const requestId = optional(redact, headerValue(res.headers, REQUEST_ID_HEADERS));
      if (res.statusCode < 200 || res.statusCode >= 300) {
        throw statusError({
          provider,
          status: res.statusCode,
          method,
          path: url.slice(config.baseUrl.length),
          target: where,
          requestId,
          body: redact(text.slice(0, REDACT_WINDOW)),
          retryAfterMs: parseRetryAfter(res.headers['retry-after']),
        });
      }
      try {
        return { status: res.statusCode, body: JSON.parse(text), requestId };
      } catch {
        // The transfer was complete (readBody checked the length and the socket): the server sent this. A block
        // page, a BOM or trailing bytes will be the same next time, so it is not retried.
        throw new ResponseValidationError(provider, where, [{ path: '', message: `is not JSON (${bytes.length} bytes)` }], {
          contentType: optional(redact, headerValue(res.headers, ['content-type'])),
          text: redact(text.slice(0, REDACT_WINDOW)),
        });
      }
    } catch (error) {
      const aborted = abortedSignal(signals);
      if (aborted) throw abortReason(aborted);
      if (timedOut) throw new TimeoutError(provider, where, config.timeoutMs);
      if (error instanceof WafstreamError) throw error;
      if (error instanceof BodyError && error.kind !== 'cut') {
        throw new ResponseValidationError(provider, where, [{ path: '', message: redact(error.message) }]);
      }
      const cause = error instanceof BodyError ? (error.cause ?? error) : error;
      const code = error instanceof BodyError ? (codeOf(cause) ?? 'INCOMPLETE_BODY') : codeOf(cause);
      throw new ConnectionError(provider, redact(`${provider}: ${method} ${where} failed: ${(error as Error).message}`), {
        cause: scrubError(cause, redact),
        code,
      });
    } finally {
      clearTimeout(timer);
      dispose();
    }
  }

  async function send(req: TransportRequest, options: GetOptions = {}): Promise<JsonResponse> {
    const method = (req.method ?? 'GET').toUpperCase();
    const query = req.query ?? [];
    // Refused here, before any request: a URL no gateway accepts would only come back 414 or 431.
    const url = buildUrl(config.baseUrl, req.path, query);
    const where = redact(describeRequest(config.baseUrl, req.path, query));
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const signals: Signals = [config.signal, options.signal];
    return withRetry(() => limited({ method, url, where, body }, signals), {
      maxRetries: config.maxRetries,
      ...timing,
      signals,
      logger,
      describe: `${provider} ${method} ${req.path}`,
    });
  }

  return {
    limiter,
    send,
    getJson: (path, query, options) => send({ path, query }, options),
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

/** Every logger call passes the redactor: the SDK's own lines carry no secret, but a detail may quote a response. */
function redactingLogger(logger: Logger, redact: Redactor): Logger {
  const wrap = (method: 'debug' | 'warn') =>
    logger[method] && ((message: string, details?: Record<string, unknown>) =>
      logger[method]!(redact(message), details && (redactDeep(details, redact) as Record<string, unknown>)));
  return { debug: wrap('debug'), warn: wrap('warn') };
}

/** A foreign cause (undici's) keeps its class, with its message and stack redacted in place. */
function scrubError(error: unknown, redact: Redactor): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? redact(error) : error;
  error.message = redact(error.message);
  if (error.stack) error.stack = redact(error.stack);
  return error;
}

function optional(redact: Redactor, value: string | undefined): string | undefined {
  return value === undefined ? undefined : redact(value);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function headerValue(headers: Record<string, string | string[] | undefined>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers[name];
    if (value) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
