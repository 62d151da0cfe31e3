import type { FollowSpec } from '../../src/core/follow.js';
import type { Arrival } from './arrival-fake.js';

export interface MemoryEvent {
  id: string;
  time: Date;
}

/**
 * A follow source in memory, for the core's own tests: records become visible at `visibleAt` by `now()`, the list
 * method answers pages of `pageSize` in the given order, and `fail(now)` may turn a read into an error.
 */
export function memorySource(
  arrivals: Arrival[],
  now: () => number,
  options: { order?: 'asc' | 'desc'; pageSize?: number; fail?: (now: number) => Error | undefined } = {},
) {
  const order = options.order ?? 'asc';
  const pageSize = options.pageSize ?? 50;
  const reads: Array<{ start: number; end: number }> = [];
  const spec: FollowSpec<MemoryEvent> = {
    source: 'gcore.waap',
    filters: { test: true },
    order,
    chunk: { minMs: 1000, initialMs: 60_000, maxMs: 600_000 },
    list: ({ start, end }) => ({
      async *pages() {
        if (start.getTime() === end.getTime()) return;
        reads.push({ start: start.getTime(), end: end.getTime() });
        const error = options.fail?.(now());
        if (error) throw error;
        const rows = arrivals
          .filter((a) => a.visibleAt <= now() && a.time >= start.getTime() && a.time < end.getTime())
          .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
        if (order === 'desc') rows.reverse();
        for (let i = 0; i < rows.length; i += pageSize) {
          yield { items: rows.slice(i, i + pageSize).map((a) => ({ id: a.id, time: new Date(a.time) })), raw: null };
        }
      },
    }),
    signals: [],
  };
  return { spec, reads };
}
