import { z } from 'zod';
import type { CheckpointStore } from './checkpoint-store.js';
import {
  FilterValidationError,
  LimitExceededError,
  isApiError,
  isConnectionError,
  isPaginationError,
  isTimeoutError,
} from './errors.js';
import { openFollowCheckpoint, sealFollowCheckpoint, type FollowCheckpoint, type FollowPosition } from './follow-checkpoint.js';
import { PositionTracker } from './follow-position.js';
import { readAscending, readInChunks, type Batch, type ChunkRules, type ListWindow, type ReadCounters } from './follow-read.js';
import type { Logger } from './options.js';
import { fingerprint } from './pager.js';
import { linkedController } from './signals.js';
import { instantSchema } from './time.js';
import { parseInput } from './validate.js';

/** Time as a follow stream sees it. Inject one in tests to run a simulated hour in seconds. */
export interface FollowClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const HOUR = 3_600_000;

const followOptionsSchema = z.strictObject({
  /** Where to start when the store holds nothing: an instant, or a follow checkpoint. Default: now − lagMs. */
  from: z
    .union([instantSchema, z.custom<FollowCheckpoint>((v) => typeof v === 'object' && v !== null && !(v instanceof Date), 'must be an instant or a follow checkpoint')])
    .optional(),
  /** Settle delay: read only up to now − lagMs, because providers index late. Default 60 000. */
  lagMs: int(0, 24 * HOUR).default(60_000),
  /** Re-read this much before the position and drop ids already delivered: late events within it are caught. Default 60 000. */
  overlapMs: int(0, 24 * HOUR).default(60_000),
  /** Poll period once caught up; while behind, reads run back to back. Default 15 000. */
  intervalMs: int(1, 24 * HOUR).default(15_000),
  /** Durable position. With one, a stored position wins over `from`. */
  store: z
    .custom<CheckpointStore>((v) => typeof (v as CheckpointStore | null)?.load === 'function' && typeof (v as CheckpointStore).save === 'function', 'must have load() and save()')
    .optional(),
  /** Commit after this many handled events or this many ms, whichever comes first. Default 1000 / 5000. */
  commitEvery: z.strictObject({ events: int(1, 10_000_000).default(1000), ms: int(0, 24 * HOUR).default(5000) }).default({ events: 1000, ms: 5000 }),
  /** Ids kept to drop overlap duplicates. Past it the oldest go and the overlap narrows (a warning says so). Default 50 000. */
  maxTrackedIds: int(100, 10_000_000).default(50_000),
  /** Newest-first sources only: events held to sort one sub-window (the memory bound). Default 10 000. */
  maxBufferedEvents: int(100, 1_000_000).default(10_000),
  /** Backoff after a failed read (outage, 5xx): doubling from `baseMs` up to `maxMs`, with jitter. Default 1000 / 60 000. */
  backoff: z.strictObject({ baseMs: int(1, HOUR).default(1000), maxMs: int(1, 24 * HOUR).default(60_000) }).default({ baseMs: 1000, maxMs: 60_000 }),
  /** Stops following: what was handled is committed and the iteration ends normally. */
  signal: z.custom<AbortSignal>((v) => typeof (v as AbortSignal | null)?.aborted === 'boolean', 'must be an AbortSignal').optional(),
  /** For tests: the clock polls, backoff and commit timing read. Default: the system clock and timers. */
  clock: z.custom<FollowClock>((v) => typeof (v as FollowClock | null)?.now === 'function' && typeof (v as FollowClock).sleep === 'function', 'must have now() and sleep()').optional(),
});
/** Options every `follow` method takes. */
export type FollowOptions = z.input<typeof followOptionsSchema>;
type Resolved = z.output<typeof followOptionsSchema>;

/** What `stream.stats()` reports. */
export interface FollowStats {
  /** Events handed to the consumer. */
  events: number;
  /** Provider pages received. */
  pages: number;
  /** Reads that cost a request: pages received, empty answers, failed reads. */
  requests: number;
  /** Failed reads follow backed off from and retried (outages, 5xx, timeouts). */
  retries: number;
  /** Records returned again by an overlap re-read (or outside the window asked) and dropped. */
  skipped: number;
  /** How old the newest delivered event was when last looked at: now − its time. Null before the first event. */
  lagMs: number | null;
  /** How much of the readable window (up to now − lagMs) is still unread. 0 when caught up. */
  behindMs: number | null;
  /** When the last poll started (the clock's time). */
  lastPollAt: Date | null;
  /** When the position was last saved to the store. */
  committedAt: Date | null;
}

/** A page of a follow stream, as `pages()` yields it. */
export interface FollowPage<E> {
  items: E[];
  raw: unknown;
  /** The position after this page's last item. */
  checkpoint: FollowCheckpoint;
}

/** What a client passes to `followStream`: how to read one closed window of its source, and the source's rules. */
export interface FollowSpec<E extends { id: string; time: Date }> {
  source: string;
  /** The follow's filters, fingerprinted so checkpoints stay bound to them. */
  filters: unknown;
  /** The order the list method returns within a window. Newest-first sources are read in sorted sub-windows. */
  order: 'asc' | 'desc';
  /** The source's own list method over `[start, end)`. Called once at creation too, so bad filters throw then. */
  list: ListWindow<E>;
  /** The oldest instant the provider still serves (retention), given the clock's now. */
  earliestMs?: ((nowMs: number) => number) | undefined;
  /** Sub-window sizes for a newest-first source (`minMs` is its time resolution). */
  chunk?: Omit<ChunkRules, 'maxEvents'> | undefined;
  signals: ReadonlyArray<AbortSignal | undefined>;
  logger?: Logger | undefined;
}

const systemClock: FollowClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    }),
};

/** Set by the class below: the only way to build a follow stream, kept off the class so callers cannot. */
let build: <E extends { id: string; time: Date }>(spec: FollowSpec<E>, options: Resolved) => FollowStream<E>;

/**
 * Builds the follow stream of one source. Used by the clients' `follow` methods; internal: the public surface
 * exports `FollowStream` for its type and `instanceof`, not a way to make one.
 */
export function followStream<E extends { id: string; time: Date }>(spec: FollowSpec<E>, options: FollowOptions = {}): FollowStream<E> {
  return build(spec, parseInput(followOptionsSchema, options, 'follow options'));
}

/**
 * A never-ending stream of a source's new events, oldest first per poll. The position is committed to the
 * store only for handled events: an event is handled once the consumer asks for the next one (or calls
 * `commit()`).
 *
 * @example
 * const stream = waap.follow({ decision: ['blocked'] }, { store: fileCheckpointStore('./gcore.json'), signal });
 * for await (const event of stream) await ship(event);
 */
export class FollowStream<E extends { id: string; time: Date }> implements AsyncIterable<E> {
  readonly #spec: FollowSpec<E>;
  readonly #o: Resolved;
  readonly #clock: FollowClock;
  readonly #query: string;
  readonly #from: FollowPosition | undefined;
  #tracker: PositionTracker | undefined;
  /** Received by the consumer, not yet handled, in order. */
  #unhandled: E[] = [];
  #active = false;
  #sinceCommit = 0;
  #lastCommitAt: number;
  #committedThrough = -1;
  #saving: Promise<void> = Promise.resolve();
  #newestMs: number | undefined;
  #lastPollAt: number | undefined;
  #committedAt: number | undefined;
  #retries = 0;
  readonly #counters: ReadCounters = { pages: 0, requests: 0, skipped: 0 };
  #events = 0;
  readonly #chunkSize: { ms: number };

  static {
    build = (spec, options) => new FollowStream(spec, options);
  }

  /** Built through `followStream` only. */
  private constructor(spec: FollowSpec<E>, options: Resolved) {
    this.#spec = spec;
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#query = fingerprint(spec.filters);
    this.#lastCommitAt = this.#clock.now();
    this.#chunkSize = { ms: spec.chunk?.initialMs ?? 0 };
    const expect = { source: spec.source, query: this.#query };
    const from = options.from;
    if (from !== undefined && !(from instanceof Date)) this.#from = openFollowCheckpoint(from, 'follow from', expect).position;
    else {
      const start = from?.getTime() ?? this.#clock.now() - options.lagMs;
      this.#from = { through: start, floor: start, ids: [] };
    }
    // The list methods validate their filters when called: a bad filter throws here, before any request.
    const probe = this.#clock.now() - options.lagMs;
    spec.list({ start: new Date(probe), end: new Date(probe) }, new AbortController().signal);
  }

  [Symbol.asyncIterator](): AsyncIterator<E, undefined> {
    const run = this.#begin();
    let batch: E[] = [];
    let index = 0;
    let queue: Promise<unknown> = Promise.resolve();
    const finished = { value: undefined, done: true } as const;
    const step = async (): Promise<IteratorResult<E, undefined>> => {
      if (run.done) return finished;
      this.#handleReceived();
      await this.#commitIfDue();
      while (index >= batch.length) {
        const next = await run.batches.next().catch(async (error: unknown) => {
          await run.end();
          throw error;
        });
        if (next.done) {
          await run.end();
          return finished;
        }
        batch = next.value.items;
        index = 0;
      }
      const event = batch[index++]!;
      this.#received([event]);
      return { value: event, done: false };
    };
    return {
      // Overlapping next() calls run one after another, as an async generator would serve them.
      next: () => {
        const result = queue.then(step);
        queue = result.catch(() => undefined);
        return result;
      },
      return: async () => {
        // Stop polling first: a next() waiting for new events would otherwise hold return() up for a poll.
        run.stop();
        await queue;
        await run.batches.return(undefined);
        await run.end();
        return finished;
      },
    };
  }

  /** The stream page by page: each page counts as handled when the next one is asked for. */
  async *pages(): AsyncGenerator<FollowPage<E>, void, undefined> {
    const run = this.#begin();
    try {
      for (;;) {
        this.#handleReceived();
        await this.#commitIfDue();
        const next = await run.batches.next();
        if (next.done) return;
        this.#received(next.value.items);
        yield { items: next.value.items, raw: next.value.raw, checkpoint: this.checkpoint() };
      }
    } finally {
      await run.batches.return(undefined);
      await run.end();
    }
  }

  /** Collects up to `max` events (required: a follow stream does not end by itself). */
  async toArray(options: { max: number }): Promise<E[]> {
    const max = options?.max;
    if (!Number.isInteger(max) || max < 0) throw new FilterValidationError('toArray options', [{ path: 'max', message: 'must be a non-negative integer (a follow stream never ends)' }]);
    const out: E[] = [];
    if (max === 0) return out;
    for await (const event of this) {
      out.push(event);
      if (out.length === max) break;
    }
    return out;
  }

  /** The position after the last event the consumer received; pass it as `from` to continue after it. */
  checkpoint(): FollowCheckpoint {
    const position = this.#tracker ? this.#tracker.snapshot(this.#unhandled) : this.#from!;
    return sealFollowCheckpoint(this.#spec.source, this.#query, position);
  }

  /** Marks every event received so far as handled and saves the position to the store now. */
  async commit(): Promise<void> {
    this.#handleReceived();
    await this.#save();
  }

  /** Counters and lag, for metrics and health checks. */
  stats(): FollowStats {
    const now = this.#clock.now();
    const date = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
    return {
      events: this.#events,
      pages: this.#counters.pages,
      requests: this.#counters.requests,
      retries: this.#retries,
      skipped: this.#counters.skipped,
      lagMs: this.#newestMs === undefined ? null : now - this.#newestMs,
      behindMs: this.#tracker ? Math.max(0, now - this.#o.lagMs - this.#tracker.through) : null,
      lastPollAt: date(this.#lastPollAt),
      committedAt: date(this.#committedAt),
    };
  }

  #received(events: E[]): void {
    this.#unhandled = events;
    this.#events += events.length;
    for (const event of events) this.#newestMs = Math.max(this.#newestMs ?? 0, event.time.getTime());
  }

  #handleReceived(): void {
    if (!this.#unhandled.length || !this.#tracker) return;
    for (const event of this.#unhandled) this.#tracker.handled(event.id, event.time.getTime());
    this.#sinceCommit += this.#unhandled.length;
    this.#unhandled = [];
  }

  async #commitIfDue(): Promise<void> {
    const tracker = this.#tracker;
    if (!this.#o.store || !tracker) return;
    const dirty = this.#sinceCommit > 0 || tracker.through !== this.#committedThrough;
    if (!dirty) return;
    if (this.#sinceCommit >= this.#o.commitEvery.events || this.#clock.now() - this.#lastCommitAt >= this.#o.commitEvery.ms) await this.#save();
  }

  /** Saves the handled position; saves run one after another, each with the position of its call. */
  #save(): Promise<void> {
    const store = this.#o.store;
    const tracker = this.#tracker;
    if (!store || !tracker) return Promise.resolve();
    const checkpoint = sealFollowCheckpoint(this.#spec.source, this.#query, tracker.snapshot());
    this.#sinceCommit = 0;
    this.#lastCommitAt = this.#clock.now();
    this.#committedThrough = tracker.through;
    const saving = this.#saving.then(async () => {
      await store.save(checkpoint);
      this.#committedAt = this.#clock.now();
    });
    this.#saving = saving.catch(() => undefined);
    return saving;
  }

  /** Starts one iteration: links the signals, and returns the batches and the way to end cleanly. */
  #begin(): { batches: AsyncGenerator<Batch<E>, void, undefined>; end: () => Promise<void>; stop: () => void; done: boolean } {
    if (this.#active) throw new LimitExceededError('follow: this stream is already being iterated; one iteration at a time');
    this.#active = true;
    const { controller, unlink } = linkedController([...this.#spec.signals, this.#o.signal]);
    // An abort while the consumer is busy with an event still saves what was handled before it.
    const onAbort = () => void this.#save().catch((error: unknown) => this.#spec.logger?.warn?.('follow: commit on abort failed', { error: String(error) }));
    controller.signal.addEventListener('abort', onAbort, { once: true });
    const run = {
      batches: this.#poll(controller.signal),
      done: false,
      stop: () => {
        controller.signal.removeEventListener('abort', onAbort);
        if (!controller.signal.aborted) controller.abort(new DOMException('The follow stream stopped', 'AbortError'));
      },
      end: async () => {
        if (run.done) return;
        run.done = true;
        controller.signal.removeEventListener('abort', onAbort);
        unlink();
        this.#active = false;
        if (!controller.signal.aborted) controller.abort(new DOMException('The follow stream stopped', 'AbortError'));
        await this.#save();
      },
    };
    return run;
  }

  async #position(): Promise<PositionTracker> {
    if (this.#tracker) return this.#tracker;
    const stored = this.#o.store ? await this.#o.store.load() : undefined;
    const position = stored ? openFollowCheckpoint(stored, 'follow store', { source: this.#spec.source, query: this.#query }).position : this.#from!;
    this.#tracker = new PositionTracker(position, this.#o.overlapMs, this.#o.maxTrackedIds, (floor) =>
      this.#spec.logger?.warn?.(`follow ${this.#spec.source}: more than maxTrackedIds ids in the overlap; re-reads start at ${new Date(floor).toISOString()}`),
    );
    this.#committedThrough = position.through;
    return this.#tracker;
  }

  /** The polling loop: a read per poll, back to back while behind, backoff on failures, until aborted. */
  async *#poll(signal: AbortSignal): AsyncGenerator<Batch<E>, void, undefined> {
    const tracker = await this.#position();
    const { lagMs, intervalMs } = this.#o;
    let failures = 0;
    while (!signal.aborted) {
      const pollAt = this.#clock.now();
      this.#lastPollAt = pollAt;
      const earliest = this.#keepWithinRetention(tracker, pollAt);
      const window = { startMs: Math.max(tracker.readStart(), earliest), endMs: pollAt - lagMs };
      if (window.endMs > window.startMs) {
        try {
          const reads = this.#spec.order === 'asc'
            ? readAscending(this.#spec.list, tracker, window, this.#counters, signal)
            : readInChunks(this.#spec.list, tracker, window, this.#rules(), this.#chunkSize, this.#counters, signal);
          for await (const batch of reads) yield batch;
          failures = 0;
        } catch (error) {
          if (signal.aborted) return;
          if (!retryable(error)) throw error;
          failures++;
          this.#retries++;
          this.#counters.requests++;
          const delay = backoffMs(failures, this.#o.backoff);
          this.#spec.logger?.warn?.(`follow ${this.#spec.source}: read failed, retrying in ${delay} ms`, { failures, error: describe(error) });
          await this.#clock.sleep(delay, signal);
          continue;
        }
      }
      await this.#commitIfDue();
      const behind = this.#clock.now() - lagMs - tracker.through;
      if (behind > intervalMs) continue;
      const wait = pollAt + intervalMs - this.#clock.now();
      if (wait > 0) await this.#clock.sleep(wait, signal);
    }
  }

  /** A position older than the provider keeps is moved up to what it still serves, with a warning. */
  #keepWithinRetention(tracker: PositionTracker, nowMs: number): number {
    const earliest = this.#spec.earliestMs?.(nowMs) ?? 0;
    if (tracker.through >= earliest) return earliest;
    this.#spec.logger?.warn?.(
      `follow ${this.#spec.source}: position ${new Date(tracker.through).toISOString()} is past the provider's retention; continuing at ${new Date(earliest).toISOString()}`,
    );
    tracker.finished(earliest);
    return earliest;
  }

  #rules(): ChunkRules {
    const chunk = this.#spec.chunk ?? { minMs: 1000, initialMs: 300_000, maxMs: HOUR };
    return { ...chunk, maxEvents: this.#o.maxBufferedEvents };
  }
}

/** Outages, 5xx, 429, timeouts and unrepairable drift are worth another read; auth and validation errors are not. */
function retryable(error: unknown): boolean {
  if (isConnectionError(error) || isTimeoutError(error) || isPaginationError(error)) return true;
  return isApiError(error) && (error.status >= 500 || error.status === 429 || error.status === 408);
}

function backoffMs(failures: number, backoff: { baseMs: number; maxMs: number }): number {
  const capped = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(failures - 1, 30));
  // Jitter in [50%, 100%]: collectors restarted together do not retry in lockstep.
  return Math.round(capped / 2 + Math.random() * (capped / 2));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
