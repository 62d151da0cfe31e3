import { linkedController } from './signals.js';

/**
 * A bounded, ordered prefetch queue: tasks start in the order they are pushed, at most `limit` at a time
 * are unconsumed, and results come out in push order whatever order they complete in. This is the whole
 * of "fetch several pages at once, deliver strictly in order, hold at most `concurrency` pages".
 */
export class OrderedQueue<T> {
  readonly #slots: Array<Promise<T>> = [];
  readonly #parent: AbortSignal;
  /** One controller for the tasks in the queue now (not one per task: this runs per page). */
  #batch: AbortController | undefined;
  #unlink: (() => void) | undefined;

  constructor(parent: AbortSignal) {
    this.#parent = parent;
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Starts `task` now. Its signal fires when the parent does or when the queue is cleared. */
  push(task: (signal: AbortSignal) => Promise<T>): void {
    const signal = this.#signal();
    const promise = signal.aborted ? Promise.reject(signal.reason) : Promise.resolve().then(() => task(signal));
    // A prefetched page may fail while nobody awaits it yet (or ever, after a break): that must not
    // become an unhandled rejection. The failure still surfaces when `shift()` reaches it.
    promise.catch(() => {});
    this.#slots.push(promise);
  }

  /** The oldest task's result (or its error). */
  shift(): Promise<T> {
    const slot = this.#slots.shift();
    if (!slot) return Promise.reject(new Error('OrderedQueue.shift() on an empty queue'));
    return slot;
  }

  /** Aborts and forgets every task not yet shifted (after a short page, or on stop). */
  clear(reason?: unknown): void {
    this.#slots.length = 0;
    this.#unlink?.();
    this.#batch?.abort(reason);
    this.#batch = undefined;
    this.#unlink = undefined;
  }

  #signal(): AbortSignal {
    // A stream stopped before this push must not send the request at all.
    if (this.#parent.aborted) return this.#parent;
    if (!this.#batch) {
      // Every task in flight (and its retries) listens on it; the parent's reason passes through as it is.
      const { controller, unlink } = linkedController([this.#parent], (parent) => parent.reason);
      this.#batch = controller;
      this.#unlink = unlink;
    }
    return this.#batch.signal;
  }
}
