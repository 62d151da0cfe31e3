import { describe, expect, it } from 'vitest';
import { PaginationError } from '../../../src/core/errors.js';
import { createEventStream } from '../../../src/core/pager.js';
import { cursorPages, cursorStart, type CursorPosition, type CursorResponse } from '../../../src/core/strategies/cursor.js';

function memoryCursor(total: number, size: number, break_?: 'repeat' | 'no-cursor' | 'empty-forever') {
  const calls: Array<string | null> = [];
  const fetch = async ({ after }: { after: string | null }): Promise<CursorResponse<number>> => {
    calls.push(after);
    const from = after === null ? 0 : Number(after.slice(1)) + 1;
    if (break_ === 'empty-forever') return { items: [], endCursor: `c${from}`, hasNextPage: true, raw: {} };
    const items = Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_, i) => from + i);
    const last = items.at(-1) ?? from - 1;
    const hasNextPage = last < total - 1;
    if (break_ === 'repeat' && from >= size) return { items, endCursor: `c${size - 1}`, hasNextPage: true, raw: {} };
    if (break_ === 'no-cursor') return { items, endCursor: null, hasNextPage: true, raw: {} };
    return { items, endCursor: `c${last}`, hasNextPage, raw: {} };
  };
  return { fetch, calls };
}

const stream = (api: ReturnType<typeof memoryCursor>, prefetch = true, resume?: CursorPosition) =>
  createEventStream({
    source: 'botbye.requests',
    query: 'q',
    start: cursorStart,
    resume,
    open: cursorPages({ prefetch, fetch: api.fetch }),
    normalize: (n: number) => n,
    signals: [],
  });

describe('cursor strategy', () => {
  it('follows endCursor to the end, once per page', async () => {
    const api = memoryCursor(95, 10);
    expect(await stream(api).toArray()).toEqual(Array.from({ length: 95 }, (_, i) => i));
    expect(api.calls).toEqual([null, 'c9', 'c19', 'c29', 'c39', 'c49', 'c59', 'c69', 'c79', 'c89']);
  });

  it('fetches the next page while the consumer still holds the current one', async () => {
    const api = memoryCursor(30, 10);
    const it = stream(api)[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 5));
    expect(api.calls).toEqual([null, 'c9']);
    await it.return?.();
    const lazy = memoryCursor(30, 10);
    const it2 = stream(lazy, false)[Symbol.asyncIterator]();
    await it2.next();
    await new Promise((r) => setTimeout(r, 5));
    expect(lazy.calls).toEqual([null]);
    await it2.return?.();
  });

  it('resumes by cursor plus position within the page', async () => {
    const first = stream(memoryCursor(45, 10));
    const head: number[] = [];
    for await (const n of first) {
      head.push(n);
      if (n === 26) break;
    }
    expect(first.checkpoint().position).toEqual({ after: 'c19', skip: 7 });
    const tail = await stream(memoryCursor(45, 10), true, first.checkpoint().position as CursorPosition).toArray();
    expect([...head, ...tail]).toEqual(Array.from({ length: 45 }, (_, i) => i));
  });

  it.each(['repeat', 'no-cursor', 'empty-forever'] as const)('stops with PaginationError instead of looping (%s)', async (mode) => {
    await expect(stream(memoryCursor(100, 10, mode)).toArray()).rejects.toBeInstanceOf(PaginationError);
  });
});
