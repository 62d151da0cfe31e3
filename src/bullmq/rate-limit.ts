import { randomUUID } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { FilterValidationError } from '../core/errors.js';
import type { RedisCommands } from './redis.js';

// One sliding window per credential, kept in Redis, with Redis's own clock so workers on different machines
// agree. A shared pause key, set by any worker answered 429, holds every worker until Retry-After has passed.
// A request holds its slot from its start until its answer (scored far ahead while in flight, capped by HOLD_MS in
// case a worker dies mid-request), then for a window after the answer: a request arrives before it is answered,
// so no window of arrivals at the provider holds more than the limit, however long connecting takes.
const HOLD_MS = 30_000;
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return pause end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + tonumber(ARGV[4]))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, math.min(100, tonumber(oldest[2]) + window - now))
`;
const FINISH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
`;
const PAUSE = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0
`;

/** What `sharedRateLimit` takes. */
export interface SharedRateLimitOptions {
  /** An ioredis client; every worker using the same credential points at the same Redis. */
  redis: RedisCommands;
  /** Names the credential (a tenant and provider, e.g. `acme.gcore`), never the credential itself. */
  key: string;
  /** Request starts per second for this credential, across every worker together. */
  requestsPerSecond: number;
  /** A 429 without `Retry-After` pauses every worker this long. Default 1000. */
  defaultRetryAfterMs?: number | undefined;
  /** The dispatcher requests go through once let go. Default: a keep-alive undici Agent. */
  dispatcher?: Dispatcher | undefined;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
function retryAfterMs(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? fallback : Math.max(0, at - Date.now());
}

function header(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return undefined;
  }
  if (headers && typeof headers === 'object') {
    const value = (headers as Record<string, unknown>)[name];
    return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
  }
  return undefined;
}

/**
 * An undici dispatcher for a client's `dispatcher` option that limits request starts per credential across every
 * process, through Redis: at most `requestsPerSecond` in any sliding second, and a 429 answered to any worker
 * pauses all of them until its `Retry-After` has passed. The client's own retries then proceed as usual.
 *
 * @example
 * const gcore = createGcoreClient({ apiKey, dispatcher: sharedRateLimit({ redis, key: 'acme.gcore', requestsPerSecond: 10 }) });
 */
export function sharedRateLimit(options: SharedRateLimitOptions): Dispatcher {
  const { redis, key, requestsPerSecond } = options;
  if (typeof redis?.eval !== 'function') throw new FilterValidationError('sharedRateLimit', [{ path: 'redis', message: 'must be an ioredis client (with eval())' }]);
  if (typeof key !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(key)) {
    throw new FilterValidationError('sharedRateLimit', [{ path: 'key', message: 'must be 1-128 letters, digits, ".", "_" or "-" (a name for the credential, not the credential)' }]);
  }
  if (!(requestsPerSecond > 0) || requestsPerSecond > 10_000) throw new FilterValidationError('sharedRateLimit', [{ path: 'requestsPerSecond', message: 'must be in (0, 10000]' }]);
  const fallback = options.defaultRetryAfterMs ?? 1000;
  // Below 1 request per second, the window widens so the limit stays a whole number of requests.
  const limit = Math.max(1, Math.floor(requestsPerSecond));
  const windowMs = Math.ceil((limit / requestsPerSecond) * 1000);
  const keys = [`wafstream:rate:${key}:log`, `wafstream:rate:${key}:pause`];
  const acquire = async (member: string): Promise<void> => {
    for (;;) {
      const wait = Number(await redis.eval(ACQUIRE, 2, keys[0]!, keys[1]!, limit, windowMs, member, HOLD_MS));
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const answered = (member: string, status: number | undefined, headers: unknown) => {
    void redis.eval(FINISH, 1, keys[0]!, member).catch(() => undefined);
    if (status !== 429) return;
    const ms = retryAfterMs(header(headers, 'retry-after'), fallback);
    if (ms > 0) void redis.eval(PAUSE, 1, keys[1]!, ms).catch(() => undefined);
  };
  const base = options.dispatcher ?? new Agent();
  return base.compose((dispatch) => (opts, handler) => {
    const member = randomUUID();
    let done = false;
    const once = (status: number | undefined, headers: unknown) => {
      if (done) return;
      done = true;
      answered(member, status, headers);
    };
    // Sees the answer before the client does; every callback still goes to the client's handler unchanged.
    const watched = new Proxy(handler, {
      get(target, prop) {
        const h = target as Record<PropertyKey, unknown>;
        const call = (name: string, args: unknown[]) => (h[name] as (...a: unknown[]) => unknown).call(target, ...args);
        if (prop === 'onHeaders' && typeof h.onHeaders === 'function') {
          return (...args: unknown[]) => (once(args[0] as number, args[1]), call('onHeaders', args));
        }
        if (prop === 'onResponseStart' && typeof h.onResponseStart === 'function') {
          return (...args: unknown[]) => (once(args[1] as number, args[2]), call('onResponseStart', args));
        }
        if ((prop === 'onError' || prop === 'onResponseError') && typeof h[prop] === 'function') {
          return (...args: unknown[]) => (once(undefined, undefined), call(prop, args));
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    acquire(member).then(
      () => dispatch(opts, watched),
      (error: unknown) => {
        const h = handler as { onError?: (e: Error) => void; onResponseError?: (c: unknown, e: Error) => void };
        const err = error instanceof Error ? error : new Error(String(error));
        once(undefined, undefined);
        if (typeof h.onResponseError === 'function') h.onResponseError(null, err);
        else h.onError?.(err);
      },
    );
    return true;
  });
}
