/** A merged stream's position: each input's own checkpoint, taken before any event the merge held unread. */
export interface MergedCheckpoint {
  v: 1;
  kind: 'merge';
  /** In input order: pass `inputs[i]` back to input i (`resume` for a list, `from` for a follow). */
  inputs: unknown[];
}

/** What `mergeEvents` returns: the merged events, and a checkpoint covering every input. */
export type MergedEvents<E> = AsyncGenerator<E, void, undefined> & {
  /** The position after the last merged event the consumer received, input by input. */
  checkpoint(): MergedCheckpoint;
};

type Input = AsyncIterable<{ time: Date }> & { checkpoint?: () => unknown };

/**
 * K-way merge of several event streams by `time`, newest first (each input must already be in that order, as
 * every wafstream list is by default), or oldest first with `order: 'asc'`. `order: 'arrival'` hands events over
 * as each input produces them: the one that suits `follow` streams, which wait for new events and never end.
 * Heads are read concurrently; breaking out of the merged loop closes every input, which cancels their requests.
 * `checkpoint()` gives each input's position without the events the merge had read ahead and not handed over.
 *
 * @example
 * const merged = mergeEvents([waap.requests(q1), cdn.wafEvents(q2)]);
 * for await (const e of merged) if (done(e)) break;
 * const [gcore, cdnWaf] = merged.checkpoint().inputs; // waap.requests(q1, { resume: gcore }) …
 */
export function mergeEvents<S extends ReadonlyArray<Input>>(
  streams: S,
  options: { order?: 'desc' | 'asc' | 'arrival' } = {},
): MergedEvents<EventOfStream<S[number]>> {
  type E = EventOfStream<S[number]>;
  const live = (i: number) => (typeof streams[i]!.checkpoint === 'function' ? streams[i]!.checkpoint!() : undefined);
  // While input i has an event read ahead (or a read in flight), its position is the one taken before that read.
  const before: unknown[] = streams.map(() => undefined);
  const ahead: boolean[] = streams.map(() => false);
  let iterators: AsyncIterator<E>[] = [];
  const pull = (i: number): Promise<IteratorResult<E>> => {
    before[i] = live(i);
    ahead[i] = true;
    return iterators[i]!.next();
  };
  const order = options.order ?? 'desc';
  const open = () => {
    iterators = streams.map((stream) => stream[Symbol.asyncIterator]() as AsyncIterator<E>);
  };
  const generator = order === 'arrival' ? byArrival(open, pull, ahead, streams.length, () => iterators) : byTime(open, pull, ahead, streams.length, order === 'desc', () => iterators);
  return Object.assign(generator, {
    checkpoint: (): MergedCheckpoint => ({ v: 1, kind: 'merge', inputs: streams.map((_, i) => (ahead[i] ? before[i] : live(i))) }),
  });
}

async function* byTime<E extends { time: Date }>(
  open: () => void,
  pull: (i: number) => Promise<IteratorResult<E>>,
  ahead: boolean[],
  count: number,
  newestFirst: boolean,
  iterators: () => AsyncIterator<E>[],
): AsyncGenerator<E, void, undefined> {
  open();
  const heads: Array<IteratorResult<E> | undefined> = [];
  try {
    // Inside the try: if one input fails on its first page, the others are still closed below.
    const first = await Promise.allSettled(Array.from({ length: count }, (_, i) => pull(i)));
    for (const settled of first) {
      if (settled.status === 'rejected') throw settled.reason;
      heads.push(settled.value);
    }
    for (;;) {
      let pick = -1;
      let best = 0;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (!head || head.done) continue;
        const t = head.value.time.getTime();
        if (pick === -1 || (newestFirst ? t > best : t < best)) {
          pick = i;
          best = t;
        }
      }
      if (pick === -1) return;
      const value = (heads[pick] as IteratorYieldResult<E>).value;
      heads[pick] = undefined;
      ahead[pick] = false;
      yield value;
      heads[pick] = await pull(pick);
      if (heads[pick]!.done) ahead[pick] = false;
    }
  } finally {
    await Promise.allSettled(iterators().map((it, i) => (heads[i]?.done ? undefined : it.return?.())));
  }
}

async function* byArrival<E extends { time: Date }>(
  open: () => void,
  pull: (i: number) => Promise<IteratorResult<E>>,
  ahead: boolean[],
  count: number,
  iterators: () => AsyncIterator<E>[],
): AsyncGenerator<E, void, undefined> {
  open();
  const pending = new Map<number, Promise<{ i: number; result: IteratorResult<E> }>>();
  const start = (i: number) => pending.set(i, pull(i).then((result) => ({ i, result })));
  const closed = new Set<number>();
  try {
    for (let i = 0; i < count; i++) start(i);
    while (pending.size) {
      const { i, result } = await Promise.race(pending.values());
      pending.delete(i);
      ahead[i] = false;
      if (result.done) {
        closed.add(i);
        continue;
      }
      yield result.value;
      start(i);
    }
  } finally {
    // Closing an input with a read in flight cancels it; its read-ahead event was never handed over.
    await Promise.allSettled(iterators().map((it, i) => (closed.has(i) ? undefined : it.return?.())));
  }
}

/** The element type of one input stream: a union over the inputs, so `raw` still narrows on `source`. */
type EventOfStream<T> = T extends AsyncIterable<infer E> ? E : never;
