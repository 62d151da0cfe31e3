import pRetry from 'p-retry';
import { ConnectionError, TimeoutError, isApiError } from './errors.js';
import type { Logger } from './options.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step; each retry doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited out: the RateLimitError surfaces so the caller can resume later. */
  maxRetryAfterMs: number;
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
  /** What is being retried, for log lines: `gcore GET /waap/v1/analytics/requests`. */
  describe: string;
}

/** Connection failures, timeouts, 408, 429 and 5xx are worth another try; nothing else is. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  if (isApiError(error)) return error.status === 408 || error.status === 429 || error.status >= 500;
  return false;
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so retries spread out. */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/**
 * Runs `attempt` until it succeeds or the policy gives up.
 *
 * p-retry owns the loop, the budget, the retry decision and abort handling. The wait itself is ours
 * (p-retry's own delay is zeroed) because p-retry cannot wait for a server-given `Retry-After`.
 */
export function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  let waitMs = 0;
  const { signal } = policy;
  // p-retry rethrows a non-Error abort reason as a TypeError; the caller should see a standard AbortError.
  const asAbort = (error: unknown) => {
    throw signal?.aborted ? abortReason(signal) : error;
  };
  return pRetry(
    async () => {
      if (waitMs > 0) await sleep(waitMs, policy.signal);
      return attempt();
    },
    {
      retries: policy.maxRetries,
      minTimeout: 0,
      maxTimeout: 0,
      signal: policy.signal,
      shouldRetry: ({ error, retriesConsumed }) => {
        if (!isRetryable(error)) return false;
        const retryAfter = isApiError(error) ? error.retryAfterMs : undefined;
        if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) return false;
        waitMs = retryAfter ?? backoffDelay(retriesConsumed + 1, policy.baseDelayMs, policy.maxDelayMs);
        policy.logger?.warn?.(`${policy.describe}: ${error.message}; retry ${retriesConsumed + 1} of ${policy.maxRetries} in ${waitMs} ms`, {
          error: error.name,
          retry: retriesConsumed + 1,
          delayMs: waitMs,
        });
        return true;
      },
    },
  ).catch(asAbort);
}

/** The signal's reason when it is an Error (an `AbortError` by default), else an `AbortError` naming it. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(typeof reason === 'string' ? reason : 'This operation was aborted', 'AbortError');
}

/** Parses `Retry-After`: delay-seconds or an HTTP date. Returns milliseconds, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, rejecting with the signal's reason if it aborts first; leaves no timer behind either way. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
