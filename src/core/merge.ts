/**
 * K-way merge of several event streams by `time`, newest first (each input must already be in that order,
 * as every wafstream list is by default). Heads are read concurrently; breaking out of the merged loop closes
 * every input, which cancels their requests in flight.
 *
 * @example
 * for await (const e of mergeEvents([waap.requests(q1), cdn.wafEvents(q2)])) console.log(e.source, e.time);
 */
export async function* mergeEvents<E extends { time: Date }>(
  streams: ReadonlyArray<AsyncIterable<E>>,
  options: { order?: 'desc' | 'asc' } = {},
): AsyncGenerator<E, void, undefined> {
  const newestFirst = (options.order ?? 'desc') === 'desc';
  const iterators = streams.map((stream) => stream[Symbol.asyncIterator]());
  const heads: Array<IteratorResult<E> | undefined> = await Promise.all(iterators.map((it) => it.next()));
  try {
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
