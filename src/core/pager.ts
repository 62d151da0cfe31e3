import { z } from 'zod';
import { digestOf, type Checkpoint } from './checkpoint.js';
import { FilterValidationError, LimitExceededError, type Issue } from './errors.js';
import type { StreamOptions } from './options.js';
import { abortReason } from './retry.js';
import { linkedController } from './signals.js';
import { InvalidRecord } from './validate.js';

export { InvalidRecord };
// Checkpoints live in checkpoint.ts; these names stay importable from here.
export { checkpointSchema, fingerprint, readCheckpoint, type Checkpoint } from './checkpoint.js';

/** What `onInvalidRecord` receives for a record it skips. */
export interface InvalidRecordInfo {
  source: string;
  raw: unknown;
  issues: readonly Issue[];
}

/** `'throw'` (default), `'skip'`, or a dead-letter hook called with the record, after which the stream goes on. */
export type OnInvalidRecord = 'throw' | 'skip' | ((info: InvalidRecordInfo) => void);

/** A stream's counters, live: read them during or after a read (a progress display, a metrics export). */
export interface StreamStats {
  /** Events handed to the consumer. */
  events: number;
  /** Provider pages that reached the consumer. */
  pages: number;
  /** Page requests the paging strategy sent (each retry inside the transport is not counted again). */
  requests: number;
  /** Records skipped by `onInvalidRecord: 'skip'` or a hook. */
  skipped: number;
  /** Records the provider served twice (after its data moved) that were dropped instead of delivered again. */
  duplicatesDropped: number;
  /** Times the strategy re-anchored the read because the provider's data or page size moved. */
  repairs: number;
  /** Records matching the query, when the provider tells it (see `totalIsEstimate`). */
  total?: number | undefined;
  /** True when `total` is an upper bound (TransactCDN: pages × page size), not an exact count. */
  totalIsEstimate?: boolean | undefined;
}

/** The counters a strategy updates. */
export interface PagingStats {
  requests: number;
  duplicatesDropped: number;
  repairs: number;
  total?: number | undefined;
  totalIsEstimate?: boolean | undefined;
}

/** One provider page, as a paging strategy hands it to the stream. */
export interface Page<Raw, Pos> {
  /** The provider's records on this page, in delivery order. */
  readonly items: readonly Raw[];
  /** The provider's page body, as received. */
  readonly raw: unknown;
  /** The position just after `items[index]`: resuming there continues with `items[index + 1]`. */
  positionAfter(index: number): Pos;
}

export interface PagingContext {
  /** Fires when the consumer stops (break, return, abort): every request in flight must end. */
  signal: AbortSignal;
  /** The stream's counters. */
  stats: PagingStats;
}

/** A paging strategy: from a position, the pages that follow it, in order. */
export type OpenPages<Raw, Pos> = (from: Pos, context: PagingContext) => AsyncIterable<Page<Raw, Pos>>;

/** A page as the consumer sees it from `stream.pages()`. */
export interface EventPage<E> {
  items: E[];
  /** The provider's page body, as received. */
  raw: unknown;
  /** Resumes after this page's last item. */
  checkpoint: Checkpoint;
}

export interface StreamSpec<E, Raw, Pos> {
  source: string;
  /** `fingerprint(validatedQuery)`: ties checkpoints to the query that made them. */
  query: string;
  /** Where a fresh stream starts; called once, when iteration first starts, which is when an open window is pinned. */
  start: () => Pos;
  /** A position read back from a checkpoint (see `readCheckpoint`). */
  resume?: Pos | undefined;
  open: OpenPages<Raw, Pos>;
  normalize: (raw: Raw) => E;
  /** The client's and the call's signals. */
  signals: ReadonlyArray<AbortSignal | undefined>;
  /** What to do with a record that broke its schema. Default `'throw'`. */
  onInvalidRecord?: OnInvalidRecord | undefined;
}

/** What `toArray()` collects at most when no `max` is given; past it, it throws instead of growing without bound. */
export const TO_ARRAY_DEFAULT_CAP = 10_000;

/** Set by the class below: the only way to build a stream, kept off the class so callers cannot. */
let build: <E>(spec: StreamSpec<E, unknown, unknown>) => EventStream<E>;

/**
 * A stream over a paging strategy: what the client factory (and tests of the strategies) build streams with.
 * Internal: the public surface exports `EventStream` for its type and `instanceof`, not a way to make one.
 */
export function createEventStream<E, Raw, Pos>(spec: StreamSpec<E, Raw, Pos>): EventStream<E> {
  // Raw and Pos only ever flow from the strategy back into it (normalize, checkpoints), so erasing them is safe.
  return build(spec as unknown as StreamSpec<E, unknown, unknown>);
}

/**
 * The async iterable every list method returns.
 *
 * @example
 * const stream = waap.requests({ start: '2026-11-20T00:00:00Z' });
 * for await (const event of stream) { if (done(event)) break; }
 * await save(stream.checkpoint()); // later: waap.requests(filters, { resume: checkpoint })
 */
export class EventStream<E> implements AsyncIterable<E> {
  readonly #spec: StreamSpec<E, unknown, unknown>;
  #initial: { pos: unknown } | undefined;
  /** Position after the last item the consumer received, or the start before it received any. */
  #position: { page: Page<unknown, unknown>; index: number } | { pos: unknown } | undefined;
  readonly #stats: StreamStats = { events: 0, pages: 0, requests: 0, skipped: 0, duplicatesDropped: 0, repairs: 0 };

  static {
    build = (spec) => new EventStream(spec);
  }

  /** Built through `createEventStream` only. */
  private constructor(spec: StreamSpec<E, unknown, unknown>) {
    this.#spec = spec;
    if (spec.resume !== undefined) this.#initial = { pos: spec.resume };
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return this.#events();
  }

  /** The stream's counters so far (a copy): events, pages, requests, skipped records, and the total when known. */
  stats(): StreamStats {
    const out = { ...this.#stats };
    if (out.total === undefined) delete out.total;
    if (out.totalIsEstimate === undefined) delete out.totalIsEstimate;
    return out;
  }

  /** The stream page by page, each with the checkpoint after its last item. */
  async *pages(): AsyncGenerator<EventPage<E>, void, undefined> {
    for await (const page of this.#run()) {
      const items: E[] = [];
      let failure: unknown;
      for (let index = 0; index < page.items.length; index++) {
        const item = page.items[index];
        if (item instanceof InvalidRecord) {
          failure = this.#invalid(item);
          if (failure) break;
        } else items.push(this.#spec.normalize(item));
        this.#position = { page, index };
      }
      this.#stats.events += items.length;
      this.#stats.pages++;
      if (items.length || !failure) yield { items, raw: page.raw, checkpoint: this.checkpoint() };
      if (failure) throw failure;
    }
  }

  /** Applies `onInvalidRecord`: returns the error to throw, or undefined once the record was skipped. */
  #invalid(record: InvalidRecord): unknown {
    const policy = this.#spec.onInvalidRecord ?? 'throw';
    if (policy === 'throw') return record.error;
    this.#stats.skipped++;
    if (typeof policy === 'function') policy({ source: this.#spec.source, raw: record.raw, issues: record.issues });
    return undefined;
  }

  /**
   * Collects the stream. Without `max` it refuses (throws `LimitExceededError`) to grow past
   * 10 000 events; with `max` it stops after that many.
   */
  async toArray(options: { max?: number } = {}): Promise<E[]> {
    const cap = options.max ?? TO_ARRAY_DEFAULT_CAP;
    if (!Number.isInteger(cap) || cap < 0) throw new FilterValidationError('toArray options', [{ path: 'max', message: 'must be a non-negative integer' }]);
    const out: E[] = [];
    if (cap === 0) return out;
    for await (const event of this) {
      if (out.length === cap) {
        if (options.max !== undefined) break;
        throw new LimitExceededError(`toArray() stopped at ${cap} events and more remain; pass { max } to collect more, or iterate with for await`);
      }
      out.push(event);
      if (out.length === cap && options.max !== undefined) break;
    }
    return out;
  }

  /** The position after the last event the consumer received; pass it back as `{ resume }`. */
  checkpoint(): Checkpoint {
    const pos = this.#position;
    const position = (pos === undefined ? this.#startPosition() : 'pos' in pos ? pos.pos : pos.page.positionAfter(pos.index)) as z.core.util.JSONType;
    const body = { v: 1 as const, source: this.#spec.source, query: this.#spec.query, position };
    return { ...body, digest: digestOf(body) };
  }

  #startPosition(): unknown {
    this.#initial ??= { pos: this.#spec.start() };
    return this.#initial.pos;
  }

  /**
   * Events one by one. Hand-written rather than an async generator: it runs once per event, and a generator's
   * resumption machinery costs as much as normalizing the event.
   */
  #events(): AsyncIterator<E, undefined> {
    const normalize = this.#spec.normalize;
    const stats = this.#stats;
    const signals = this.#spec.signals.filter((signal): signal is AbortSignal => signal !== undefined);
    const pages = this.#run();
    let page: Page<unknown, unknown> | undefined;
    let index = 0;
    let done = false;
    const finished = { value: undefined, done: true } as const;
    // Overlapping next() calls are served one after another, as an async generator would serve them: two at
    // once must not both advance the page and skip records. The common case (one call at a time) pays a flag.
    let busy = false;
    const waiting: Array<() => void> = [];
    const next = async (): Promise<IteratorResult<E, undefined>> => {
      if (busy) await new Promise<void>((resolve) => waiting.push(resolve));
      else busy = true;
      try {
        while (!done) {
          if (page && index < page.items.length) {
            // An abort also stops the rest of a page already fetched, not only the next request.
            for (const signal of signals) {
              if (signal.aborted) {
                done = true;
                await pages.return(undefined);
                throw abortReason(signal);
              }
            }
            const item = page.items[index];
            if (item instanceof InvalidRecord) {
              const failure = this.#invalid(item);
              if (failure) {
                done = true;
                await pages.return(undefined);
                throw failure;
              }
              this.#position = { page, index };
              index++;
              continue;
            }
            const event = normalize(item);
            // Set before handing over: once the consumer holds this event, the checkpoint is after it.
            this.#position = { page, index };
            index++;
            stats.events++;
            return { value: event, done: false };
          }
          const result = await pages.next().catch((error: unknown) => {
            done = true;
            throw error;
          });
          if (result.done) break;
          page = result.value;
          index = 0;
          stats.pages++;
        }
        done = true;
        return finished;
      } finally {
        // Hand the turn straight to the next waiter, so no new call can slip in between.
        const wake = waiting.shift();
        if (wake) wake();
        else busy = false;
      }
    };
    return {
      next,
      return: async () => {
        done = true;
        await pages.return(undefined);
        return finished;
      },
    };
  }

  /** Drives the strategy, and on any exit aborts what is still in flight before closing it. */
  async *#run(): AsyncGenerator<Page<unknown, unknown>, void, undefined> {
    const from = this.#position === undefined ? this.#startPosition() : this.checkpoint().position;
    const { controller, unlink } = linkedController(this.#spec.signals);
    const iterator = this.#spec.open(from, { signal: controller.signal, stats: this.#stats })[Symbol.asyncIterator]();
    try {
      controller.signal.throwIfAborted();
      for (;;) {
        const next = await iterator.next();
        // An abort that raced a page already fetched still ends the stream: nothing more is handed over.
        controller.signal.throwIfAborted();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      unlink();
      if (!controller.signal.aborted) controller.abort(stopped());
      await iterator.return?.();
    }
  }
}

function stopped(): Error {
  return new DOMException('The consumer stopped reading the stream', 'AbortError');
}
