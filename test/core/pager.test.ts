import { describe, expect, it } from 'vitest';
import { FilterValidationError, LimitExceededError, ServerError } from '../../src/core/errors.js';
import { createEventStream, fingerprint, readCheckpoint, type Page, type StreamSpec } from '../../src/core/pager.js';
import { pagePositionSchema, type PagePosition } from '../../src/core/strategies/page.js';

/** A strategy over fixed pages of numbers; records which signals it was handed and can fail on a page. */
function numbers(pages: number[][], options: { failOn?: number; hangOn?: number } = {}) {
  const seen: AbortSignal[] = [];
  const spec: StreamSpec<string, number, PagePosition> = {
    source: 'transactcdn.waf',
    query: 'q',
    start: () => ({ start: 0, end: 1, page: 1, skip: 0 }),
    open: async function* (from, { signal }) {
      seen.push(signal);
      for (let p = from.page; p <= pages.length; p++) {
        if (p === options.failOn) throw new ServerError({ provider: 'transactcdn', status: 503, method: 'GET', path: '/x' });
        if (p === options.hangOn) await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        const skip = p === from.page ? from.skip : 0;
        const page: Page<number, PagePosition> = {
          items: pages[p - 1]!.slice(skip),
          raw: { p },
          positionAfter: (i) => ({ start: 0, end: 1, page: p, skip: skip + i + 1 }),
        };
        yield page;
      }
    },
    normalize: (n) => `#${n}`,
    signals: [],
  };
  return { spec, seen };
}

const PAGES = [[1, 2, 3], [4, 5, 6], [7]];

describe('EventStream', () => {
  it('yields normalized events in order, and pages with their checkpoints', async () => {
    expect(await createEventStream(numbers(PAGES).spec).toArray()).toEqual(['#1', '#2', '#3', '#4', '#5', '#6', '#7']);
    const pages = [];
    for await (const page of createEventStream(numbers(PAGES).spec).pages()) pages.push(page);
    expect(pages.map((p) => p.items)).toEqual([['#1', '#2', '#3'], ['#4', '#5', '#6'], ['#7']]);
    expect(pages[0]!.checkpoint.position).toEqual({ start: 0, end: 1, page: 1, skip: 3 });
    expect(pages[0]!.raw).toEqual({ p: 1 });
  });

  it('checkpoints after exactly the last event received, and resumes with the next', async () => {
    for (let stopAfter = 1; stopAfter <= 7; stopAfter++) {
      const stream = createEventStream(numbers(PAGES).spec);
      const head: string[] = [];
      for await (const e of stream) {
        head.push(e);
        if (head.length === stopAfter) break;
      }
      const checkpoint = JSON.parse(JSON.stringify(stream.checkpoint()));
      const resume = readCheckpoint(checkpoint, 'transactcdn.waf', 'q', pagePositionSchema);
      const tail = await createEventStream({ ...numbers(PAGES).spec, resume }).toArray();
      expect([...head, ...tail]).toEqual(['#1', '#2', '#3', '#4', '#5', '#6', '#7']);
    }
  });

  it('serves overlapping next() calls one after another, losing nothing', async () => {
    const it = createEventStream(numbers(PAGES).spec)[Symbol.asyncIterator]();
    const results = await Promise.all(Array.from({ length: 9 }, () => it.next()));
    expect(results.filter((r) => !r.done).map((r) => r.value)).toEqual(['#1', '#2', '#3', '#4', '#5', '#6', '#7']);
    expect(results.slice(7).every((r) => r.done)).toBe(true);
  });

  it('aborts the strategy signal when the consumer breaks', async () => {
    const { spec, seen } = numbers(PAGES);
    for await (const e of createEventStream(spec)) if (e === '#2') break;
    expect(seen[0]!.aborted).toBe(true);
    expect((seen[0]!.reason as Error).name).toBe('AbortError');
  });

  it('a caller abort ends a hanging iteration with AbortError', async () => {
    const controller = new AbortController();
    const stream = createEventStream({ ...numbers(PAGES, { hangOn: 2 }).spec, signals: [controller.signal] });
    const got: string[] = [];
    const run = (async () => {
      for await (const e of stream) got.push(e);
    })();
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(got).toEqual(['#1', '#2', '#3']);
    expect(stream.checkpoint().position).toEqual({ start: 0, end: 1, page: 1, skip: 3 });
  });

  it('a failure ends the iteration loudly, and the checkpoint still marks what was received', async () => {
    const stream = createEventStream(numbers(PAGES, { failOn: 2 }).spec);
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const e of stream) got.push(e);
      })(),
    ).rejects.toBeInstanceOf(ServerError);
    expect(got).toEqual(['#1', '#2', '#3']);
    const tail = await createEventStream({ ...numbers(PAGES).spec, resume: stream.checkpoint().position as PagePosition }).toArray();
    expect(tail).toEqual(['#4', '#5', '#6', '#7']);
  });

  it('toArray refuses to grow past its cap without max, and stops at max with it', async () => {
    const many = Array.from({ length: 11 }, (_, p) => Array.from({ length: 1000 }, (_, i) => p * 1000 + i));
    await expect(createEventStream(numbers(many).spec).toArray()).rejects.toBeInstanceOf(LimitExceededError);
    expect(await createEventStream(numbers(many).spec).toArray({ max: 5 })).toEqual(['#0', '#1', '#2', '#3', '#4']);
    expect(await createEventStream(numbers(many).spec).toArray({ max: 11_000 })).toHaveLength(11_000);
    expect(await createEventStream(numbers(PAGES).spec).toArray({ max: 0 })).toEqual([]);
  });

  it('refuses a checkpoint from another source, another query, or of another shape', () => {
    // A real checkpoint (it carries a digest since issue 8); the edited copies below keep the old digest.
    const good = createEventStream({ ...numbers(PAGES).spec, start: () => ({ start: 0, end: 1, page: 2, skip: 0 }) }).checkpoint();
    expect(readCheckpoint(good, 'transactcdn.waf', 'q', pagePositionSchema)).toEqual(good.position);
    for (const [bad, rule] of [
      [{ ...good, source: 'gcore.waap' }, /made by gcore.waap/],
      [{ ...good, query: 'other' }, /different query/],
      [{ ...good, position: { page: 0 } }, /unreadable position/],
      ['nope', /not a wafstream checkpoint/],
    ] as const) {
      expect(() => readCheckpoint(bad, 'transactcdn.waf', 'q', pagePositionSchema)).toThrow(FilterValidationError);
      expect(() => readCheckpoint(bad, 'transactcdn.waf', 'q', pagePositionSchema)).toThrow(rule);
    }
  });

  it('fingerprints a query by content, not key order', () => {
    expect(fingerprint({ a: 1, b: [new Date(5)] })).toBe(fingerprint({ b: [new Date(5)], a: 1, c: undefined }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });
});
