import { sleep } from './retry.js';

export interface LimiterOptions {
  /** The most requests in flight at once; the adaptive limit never goes above it. */
  concurrency: number;
  /** Spacing between request starts, when the caller caps the rate. */
  maxRequestsPerSecond?: number | undefined;
  /** Told whenever the adaptive limit moves (for a debug log line). */
  onChange?: ((from: number, to: number) => void) | undefined;
}

/**
 * One per client: every request attempt holds a slot while on the wire. The number of slots adapts
 * (AIMD, as TCP does): a 429 halves it, never below 1; each run of successes as long as the current
 * limit adds one back, up to `concurrency`. A burst of 429s from requests that were already in flight
 * when the limit dropped counts as one signal, not several halvings.
 */
export class RequestLimiter {
  readonly #max: number;
  readonly #intervalMs: number;
  readonly #onChange: LimiterOptions['onChange'];
  #limit: number;
  #inFlight = 0;
  #successes = 0;
  /** Bumped at every decrease; a 429 from an older generation is the same congestion, already acted on. */
  #generation = 0;
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

  /** Waits for a slot (and for the rate cap), then returns the ticket to hand back to `release`. */
  async acquire(signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    // The slot is counted by whoever grants it (here, or `#wake` for a queued caller), so nothing can slip in
    // between the grant and the caller resuming.
    if (this.#inFlight < this.#limit && !this.#waiters.length) this.#inFlight++;
    else await this.#queue(signal);
    if (this.#intervalMs) {
      const now = Date.now();
      const at = Math.max(now, this.#nextStartAt);
      this.#nextStartAt = at + this.#intervalMs;
      if (at > now) {
        try {
          await sleep(at - now, signal);
        } catch (error) {
          this.#inFlight--;
          this.#wake();
          throw error;
        }
      }
    }
    return this.#generation;
  }

  /** Frees the slot; `outcome` feeds the adaptive limit. */
  release(ticket: number, outcome: 'ok' | 'rate_limited' | 'failed'): void {
    this.#inFlight--;
    if (outcome === 'rate_limited') {
      if (ticket === this.#generation) {
        this.#set(Math.max(1, Math.floor(this.#limit / 2)));
        this.#generation++;
        this.#successes = 0;
      }
    } else if (outcome === 'ok' && this.#limit < this.#max && ++this.#successes >= this.#limit) {
      this.#set(this.#limit + 1);
      this.#successes = 0;
    }
    this.#wake();
  }

  #set(limit: number): void {
    if (limit !== this.#limit) this.#onChange?.(this.#limit, limit);
    this.#limit = limit;
  }

  #queue(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
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
