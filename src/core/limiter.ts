import { abortReason, onAnyAbort, sleep, throwIfAborted, type Signals } from './retry.js';

export interface LimiterOptions {
  /** The most requests in flight at once; the adaptive limit never goes above it. */
  concurrency: number;
  /** Spacing between request starts, when the caller caps the rate. */
  maxRequestsPerSecond?: number | undefined;
  /** Told whenever the adaptive limit moves (for a debug log line). */
  onChange?: ((from: number, to: number) => void) | undefined;
}

/** What `acquire` hands out and `release` takes back: how many were in flight when this request was let go. */
export interface LimiterTicket {
  readonly level: number;
}

/** Successes in a row before trying one more request in flight than the level that was answered 429. */
const FIRST_PROBE_AFTER = 40;
/** Each probe that is answered 429 again makes the next one this much rarer. */
const PROBE_BACKOFF = 2;
const MAX_PROBE_AFTER = 5_000;

/**
 * One per client: every request attempt holds a slot while on the wire. The number of slots adapts to the
 * provider's concurrency ceiling, which is usually fixed per account:
 *
 * - a 429 records its level (the requests in flight when it was sent) as the ceiling, and the limit drops just
 *   below it. A burst of 429s lowers it once, to below the lowest level among them;
 * - below the ceiling, each run of successes as long as the limit adds one back (additive increase);
 * - at the ceiling, the limit tries one above it only after a long run of successes, and each probe answered
 *   429 again doubles that run, so a fixed ceiling costs a handful of 429s in all, not one per climb (as halving
 *   and climbing back did). A probe that succeeds raises the ceiling by one.
 */
export class RequestLimiter {
  readonly #max: number;
  readonly #intervalMs: number;
  readonly #onChange: LimiterOptions['onChange'];
  #limit: number;
  #inFlight = 0;
  #successes = 0;
  /** The lowest level answered 429 so far (Infinity until one is). */
  #ceiling = Number.POSITIVE_INFINITY;
  #probeAfter = FIRST_PROBE_AFTER;
  #nextStartAt = 0;
  readonly #waiters: Array<{ grant: () => void }> = [];

  constructor(options: LimiterOptions) {
    this.#max = options.concurrency;
    this.#limit = options.concurrency;
    this.#intervalMs = options.maxRequestsPerSecond ? 1000 / options.maxRequestsPerSecond : 0;
    this.#onChange = options.onChange;
  }

  /** Current allowed requests in flight. */
  get limit(): number {
    return this.#limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The lowest number of requests in flight that was answered 429, if any was. */
  get ceiling(): number | undefined {
    return Number.isFinite(this.#ceiling) ? this.#ceiling : undefined;
  }

  /** Waits for a slot (and for the rate cap), then returns the ticket to hand back to `release`. */
  async acquire(signal?: AbortSignal | Signals): Promise<LimiterTicket> {
    const signals: Signals = Array.isArray(signal) ? signal : [signal as AbortSignal | undefined];
    throwIfAborted(signals);
    // The slot is counted by whoever grants it (here, or `#wake` for a queued caller), so nothing can slip in
    // between the grant and the caller resuming.
    if (this.#inFlight < this.#limit && !this.#waiters.length) this.#inFlight++;
    else await this.#queue(signals);
    const ticket = { level: this.#inFlight };
    if (this.#intervalMs) {
      const now = Date.now();
      const at = Math.max(now, this.#nextStartAt);
      this.#nextStartAt = at + this.#intervalMs;
      if (at > now) {
        try {
          await sleep(at - now, signals);
        } catch (error) {
          this.#inFlight--;
          this.#wake();
          throw error;
        }
      }
    }
    return ticket;
  }

  /** Frees the slot; `outcome` feeds the adaptive limit. */
  release(ticket: LimiterTicket, outcome: 'ok' | 'rate_limited' | 'failed'): void {
    // A 429 is read at the level it was sent at. A success counts at the lower of that and the requests still in
    // flight now, so it proves a level only if that many really were on the wire together; this also corrects a
    // ceiling set too low when siblings of one burst reached the provider out of order.
    const now = this.#inFlight--;
    if (outcome === 'rate_limited') this.#rateLimited(ticket.level);
    else if (outcome === 'ok') this.#succeeded(Math.min(ticket.level, now));
    this.#wake();
  }

  #rateLimited(level: number): void {
    // A probe above the known ceiling failed: the next one waits longer.
    if (level >= this.#ceiling && this.#limit >= this.#ceiling) this.#probeAfter = Math.min(MAX_PROBE_AFTER, this.#probeAfter * PROBE_BACKOFF);
    this.#ceiling = Math.min(this.#ceiling, Math.max(2, level));
    const below = Math.max(1, this.#ceiling - 1);
    // A 429 at level 1 means the limit is not about concurrency: nothing lower to go to, Retry-After paces it.
    if (below < this.#limit) {
      this.#set(below);
      this.#successes = 0;
    }
  }

  #succeeded(level: number): void {
    if (level >= this.#ceiling) {
      // The provider took more than it used to: the ceiling was lower then, or has moved.
      this.#ceiling = level + 1;
      this.#probeAfter = FIRST_PROBE_AFTER;
    }
    if (this.#limit >= this.#max) return;
    const probing = this.#limit + 1 >= this.#ceiling;
    if (++this.#successes >= (probing ? this.#probeAfter : this.#limit)) {
      this.#set(this.#limit + 1);
      this.#successes = 0;
    }
  }

  #set(limit: number): void {
    if (limit !== this.#limit) this.#onChange?.(this.#limit, limit);
    this.#limit = limit;
  }

  #queue(signals: Signals): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          dispose();
          resolve();
        },
      };
      const dispose = onAnyAbort(signals, (signal) => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(abortReason(signal));
      });
      this.#waiters.push(waiter);
    });
  }

  #wake(): void {
    // Slots are handed over in arrival order, so the page the consumer waits for is never starved by prefetches.
    while (this.#waiters.length && this.#inFlight < this.#limit) {
      this.#inFlight++;
      this.#waiters.shift()!.grant();
    }
  }
}
