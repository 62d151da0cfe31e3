/**
 * A bounded, ordered prefetch queue: tasks start in the order they are pushed, at most `limit` at a time
 * are unconsumed, and results come out in push order whatever order they complete in. This is the whole
 * of "fetch several pages at once, deliver strictly in order, hold at most `concurrency` pages".
 */
export class OrderedQueue<T> {
  readonly #slots: Array<{ promise: Promise<T>; controller: AbortController }> = [];
  readonly #parent: AbortSignal;

  constructor(parent: AbortSignal) {
    this.#parent = parent;
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Starts `task` now. Its signal fires when the parent does or when the queue is cleared. */
  push(task: (signal: AbortSignal) => Promise<T>): void {
    const controller = new AbortController();
    // A stream stopped before this push must not send the request at all.
    if (this.#parent.aborted) controller.abort(this.#parent.reason);
    const onAbort = () => controller.abort(this.#parent.reason);
    this.#parent.addEventListener('abort', onAbort, { once: true });
    const promise = Promise.resolve()
      .then(() => task(controller.signal))
      .finally(() => this.#parent.removeEventListener('abort', onAbort));
    // A prefetched page may fail while nobody awaits it yet (or ever, after a break): that must not
    // become an unhandled rejection. The failure still surfaces when `shift()` reaches it.
    promise.catch(() => {});
    this.#slots.push({ promise, controller });
  }

  /** The oldest task's result (or its error). */
  shift(): Promise<T> {
    const slot = this.#slots.shift();
    if (!slot) return Promise.reject(new Error('OrderedQueue.shift() on an empty queue'));
    return slot.promise;
  }

  /** Aborts and forgets every task not yet shifted (after a short page, or on stop). */
  clear(reason?: unknown): void {
    for (const slot of this.#slots.splice(0)) slot.controller.abort(reason);
  }
}
