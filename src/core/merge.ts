/**
 * K-way merge of several event streams by `time`, newest first (each input must already be in that order,
 * as every wafstream list is by default). Heads are read concurrently; breaking out of the merged loop closes
 * every input, which cancels their requests in flight.
 *
 * @example
 * for await (const e of mergeEvents([waap.requests(q1), cdn.wafEvents(q2)])) console.log(e.source, e.time);
 */
export async function* mergeEvents<S extends ReadonlyArray<AsyncIterable<{ time: Date }>>>(
  streams: S,
  options: { order?: 'desc' | 'asc' } = {},
): AsyncGenerator<EventOfStream<S[number]>, void, undefined> {
  type E = EventOfStream<S[number]>;
  const newestFirst = (options.order ?? 'desc') === 'desc';
  const iterators = streams.map((stream) => stream[Symbol.asyncIterator]() as AsyncIterator<E>);
  const heads: Array<IteratorResult<E> | undefined> = [];
  try {
    // Inside the try: if one input fails on its first page, the others are still closed below.
    const first = await Promise.allSettled(iterators.map((it) => it.next()));
    for (const settled of first) {
      if (settled.status === 'rejected') throw settled.reason;
      heads.push(settled.value);
    }
    while (true) {
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
      yield value;
      heads[pick] = await iterators[pick]!.next();
    }
  } finally {
    await Promise.allSettled(iterators.map((it, i) => (heads[i]?.done ? undefined : it.return?.())));
  }
}

/** The element type of one input stream: a union over the inputs, so `raw` still narrows on `source`. */
type EventOfStream<T> = T extends AsyncIterable<infer E> ? E : never;
