import type { Dispatcher } from 'undici';
import { linkedController } from './signals.js';
import { z } from 'zod';
import { ClientOptionsError } from './errors.js';
import { SECURE_ORIGIN_MESSAGE, secureOrigin } from './url.js';
import { parseInput } from './validate.js';
import type { OnInvalidRecord } from './pager.js';

/** `onInvalidRecord`: `'throw'`, `'skip'` or a function (a dead-letter hook). */
export const onInvalidRecordSchema = z.custom<OnInvalidRecord>(
  (value) => value === 'throw' || value === 'skip' || typeof value === 'function',
  "must be 'throw', 'skip' or a function receiving { source, raw, issues }",
);

/** Where the SDK reports retries and paging decisions. `console` fits; so does pino or a test spy. */
export interface Logger {
  debug?(message: string, details?: Record<string, unknown>): void;
  warn?(message: string, details?: Record<string, unknown>): void;
}

/** Options every client takes, besides its credentials. */
export const clientOptionsSchema = z.object({
  /** Override the provider's API origin (a proxy, a test server). https, or plain http to a loopback address only. */
  baseUrl: z.url({ protocol: /^https?$/ }).refine(secureOrigin, SECURE_ORIGIN_MESSAGE).optional(),
  /** Per-attempt limit, from sending the request to the last byte of the body. Default 60 000. */
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  /** Retries after the first attempt, for connection errors, timeouts, 408, 429 and 5xx. Default 4. */
  maxRetries: z.number().int().min(0).max(50).optional(),
  /** Backoff timing: the first retry waits about `baseMs` (doubling, with jitter, up to `maxMs`); a
   *  `Retry-After` on a retried answer (429, 503, …) is waited out exactly unless it exceeds `maxRetryAfterMs`. Defaults 500 / 30 000 / 300 000. */
  retryDelay: z
    .strictObject({
      baseMs: z.number().int().min(0).max(600_000).optional(),
      maxMs: z.number().int().min(0).max(3_600_000).optional(),
      maxRetryAfterMs: z.number().int().min(0).optional(),
    })
    .optional(),
  /** Pages fetched at once when the paging style allows it. Default 4. */
  concurrency: z.number().int().min(1).max(32).optional(),
  /** Caps the rate of request starts for this client (all its streams together). */
  maxRequestsPerSecond: z.number().positive().max(10_000).optional(),
  /** Refuse bodies larger than this many bytes (a broken proxy must not exhaust memory). Default 64 MiB. */
  maxResponseBytes: z.number().int().min(1024).optional(),
  /** An undici Dispatcher (a ProxyAgent, a MockAgent). The default is one keep-alive Agent per client. Checked by
   *  shape, not instanceof, so a dispatcher from the caller's own copy of undici is accepted. */
  dispatcher: z
    .custom<Dispatcher>((value) => typeof (value as Dispatcher | null)?.dispatch === 'function', 'must be an undici Dispatcher')
    .optional(),
  /** Cancels every request of this client. */
  signal: z
    .custom<AbortSignal>(
      (value) => typeof (value as AbortSignal | null)?.aborted === 'boolean' && typeof (value as AbortSignal).addEventListener === 'function',
      'must be an AbortSignal',
    )
    .optional(),
  logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null, 'must be an object with debug/warn methods').optional(),
  /** What a list call does with a record missing what it cannot do without (id, time): `'throw'` (default),
   *  `'skip'`, or a function that receives `{ source, raw, issues }` and lets the stream go on. */
  onInvalidRecord: onInvalidRecordSchema.optional(),
});
export type ClientOptions = z.input<typeof clientOptionsSchema>;

export interface ResolvedClientOptions {
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  retryDelay: { baseMs: number; maxMs: number; maxRetryAfterMs: number };
  concurrency: number;
  maxRequestsPerSecond: number | undefined;
  maxResponseBytes: number;
  dispatcher: Dispatcher | undefined;
  signal: AbortSignal | undefined;
  logger: Logger | undefined;
  onInvalidRecord: OnInvalidRecord | undefined;
}

/** Validates and fills defaults once, at client creation (ky's "options merged once"). */
export function resolveClientOptions(options: ClientOptions, defaultBaseUrl: string, what: string): ResolvedClientOptions {
  const parsed = parseClientOptions(clientOptionsSchema, options, what);
  return {
    baseUrl: (parsed.baseUrl ?? defaultBaseUrl).replace(/\/+$/, ''),
    timeoutMs: parsed.timeoutMs ?? 60_000,
    maxRetries: parsed.maxRetries ?? 4,
    retryDelay: {
      baseMs: parsed.retryDelay?.baseMs ?? 500,
      maxMs: parsed.retryDelay?.maxMs ?? 30_000,
      maxRetryAfterMs: parsed.retryDelay?.maxRetryAfterMs ?? 300_000,
    },
    concurrency: parsed.concurrency ?? 4,
    maxRequestsPerSecond: parsed.maxRequestsPerSecond,
    maxResponseBytes: parsed.maxResponseBytes ?? 64 * 1024 * 1024,
    dispatcher: parsed.dispatcher,
    signal: parsed.signal && clientSignal(parsed.signal),
    logger: parsed.logger,
    onInvalidRecord: parsed.onInvalidRecord,
  };
}

/** Parses a client's options (credentials included) or throws `ClientOptionsError` naming every bad one. */
export function parseClientOptions<S extends z.ZodType>(schema: S, options: unknown, what: string): z.output<S> {
  return parseInput(schema, options, what, ClientOptionsError);
}

/** A credential's zod message: "is required (a Gcore API key)" when left out, "must be a string (…)" otherwise. */
export function credentialError(what: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? `is required (${what})` : `must be a string (${what})`) };
}

/** Options of one list call. */
export interface StreamOptions<C> {
  /** Continue after the last event a previous stream delivered. `undefined` or `null`: start afresh. */
  resume?: C | null | undefined;
  /** Cancels this stream's requests. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `onInvalidRecord` for this call. */
  onInvalidRecord?: OnInvalidRecord | undefined;
}

/** This call's `onInvalidRecord`, else the client's; refuses anything but the three forms before any request. */
export function invalidRecordPolicy(call: unknown, client: OnInvalidRecord | undefined): OnInvalidRecord | undefined {
  if (call === undefined) return client;
  return parseInput(onInvalidRecordSchema, call, 'stream options.onInvalidRecord');
}

/**
 * The client's own signal, following the caller's: every stream and request of the client listens on this one,
 * and the caller's signal carries a single listener however many run at once (no listener-leak warning on it).
 */
function clientSignal(callerSignal: AbortSignal): AbortSignal {
  return linkedController([callerSignal]).controller.signal;
}
