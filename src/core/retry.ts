import pRetry from 'p-retry';
import { ConnectionError, TimeoutError, WafstreamError, isApiError } from './errors.js';
import type { Logger } from './options.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step; each retry doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited out: the RateLimitError surfaces so the caller can resume later. */
  maxRetryAfterMs: number;
  /** Any of these aborting stops the retries (the client's signal and the call's, listened to side by side). */
  signals?: Signals | undefined;
  logger?: Logger | undefined;
  /** What is being retried, for log lines: `gcore GET /waap/v1/analytics/requests`. */
  describe: string;
}

/** Signals that all cancel the same work. A list instead of `AbortSignal.any`, whose combined signals pile up on
 *  a long-lived client signal when made per call. */
export type Signals = ReadonlyArray<AbortSignal | undefined>;

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
 * p-retry owns the loop, the budget and the retry decision. The wait and the abort handling are ours (p-retry's
 * delay is zeroed and it gets no signal): p-retry cannot wait for a server-given `Retry-After`, nor listen to two
 * signals. An error that ends a run of several attempts says how many there were and over how long.
 */
export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  let waitMs = 0;
  let attempts = 0;
  const startedAt = Date.now();
  const signals = policy.signals ?? [];
  try {
    return await pRetry(
      async () => {
        if (waitMs > 0) await sleep(waitMs, signals);
        throwIfAborted(signals);
        attempts++;
        return attempt();
      },
      {
        retries: policy.maxRetries,
        minTimeout: 0,
        maxTimeout: 0,
        shouldRetry: ({ error, retriesConsumed }) => {
          if (abortedSignal(signals) || !isRetryable(error)) return false;
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
    );
  } catch (error) {
    const aborted = abortedSignal(signals);
    // p-retry rethrows a non-Error abort reason as a TypeError; the caller should see its own reason.
    if (aborted) throw abortReason(aborted);
    if (attempts > 1 && error instanceof WafstreamError) noteAttempts(error, attempts, Date.now() - startedAt);
    throw error;
  }
}

/** Appends "after N attempts over T s" to an error's message (and the stack's first line, which repeats it). */
function noteAttempts(error: WafstreamError, attempts: number, elapsedMs: number): void {
  const note = ` (after ${attempts} attempts over ${(elapsedMs / 1000).toFixed(1)} s)`;
  const { message } = error;
  error.message = `${message}${note}`;
  if (error.stack?.includes(message)) error.stack = error.stack.replace(message, error.message);
}

/** The signal's reason when it is an Error (an `AbortError` by default), else an `AbortError` naming it. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(typeof reason === 'string' ? reason : 'This operation was aborted', 'AbortError');
}

/** The first of `signals` that has aborted, if any. */
export function abortedSignal(signals: Signals): AbortSignal | undefined {
  for (const signal of signals) if (signal?.aborted) return signal;
  return undefined;
}

export function throwIfAborted(signals: Signals): void {
  const aborted = abortedSignal(signals);
  if (aborted) throw abortReason(aborted);
}

/** Calls `listener` once when any of `signals` aborts; the returned function removes every listener it added. */
export function onAnyAbort(signals: Signals, listener: (signal: AbortSignal) => void): () => void {
  const added: Array<[AbortSignal, () => void]> = [];
  let fired = false;
  for (const signal of signals) {
    if (!signal || added.some(([s]) => s === signal)) continue;
    const handler = () => {
      if (fired) return;
      fired = true;
      listener(signal);
    };
    signal.addEventListener('abort', handler, { once: true });
    added.push([signal, handler]);
  }
  return () => {
    for (const [signal, handler] of added) signal.removeEventListener('abort', handler);
  };
}

// Retry-After is delay-seconds (digits only) or an HTTP-date in one of its three formats (RFC 9110 §5.6.7).
// Anything else (`-5`, `abc`, `10, 20`, which Date.parse would happily read) is ignored.
const DELAY_SECONDS = /^\d{1,9}$/;
const HTTP_DATES = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/** Parses `Retry-After`. Returns milliseconds, or undefined when absent or not in a form RFC 9110 allows. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  // Two Retry-After headers contradict each other: ignore both.
  if (Array.isArray(value)) return value.length === 1 ? parseRetryAfter(value[0], now) : undefined;
  const text = value?.trim();
  if (!text) return undefined;
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  if (!HTTP_DATES.some((format) => format.test(text))) return undefined;
  const date = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, rejecting with the reason of the first signal to abort; leaves no timer or listener behind. */
export function sleep(ms: number, signals: Signals | AbortSignal = []): Promise<void> {
  const list: Signals = Array.isArray(signals) ? signals : [signals as AbortSignal];
  return new Promise((resolve, reject) => {
    const aborted = abortedSignal(list);
    if (aborted) return reject(abortReason(aborted));
    const dispose = onAnyAbort(list, (signal) => {
      clearTimeout(timer);
      reject(abortReason(signal));
    });
    const timer = setTimeout(() => {
      dispose();
      resolve();
    }, ms);
  });
}
