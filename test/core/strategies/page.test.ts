import { describe, expect, it } from 'vitest';
import { createEventStream } from '../../../src/core/pager.js';
import { pagePages, pageStart, type PagePosition, type PageRequest } from '../../../src/core/strategies/page.js';

function memoryPages(total: number, size: number, jitterMs = 0) {
  const calls: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (req: PageRequest) => {
    calls.push(req.page);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Later pages answer faster, so completions arrive out of order.
    if (jitterMs) await new Promise((r) => setTimeout(r, Math.max(0, jitterMs - req.page)));
    inFlight--;
    const first = (req.page - 1) * size;
    const items = Array.from({ length: Math.max(0, Math.min(size, total - first)) }, (_, i) => first + i);
    return { items, pageCount: Math.ceil(total / size), raw: { page: req.page } };
  };
  return { fetch, calls, maxInFlight: () => maxInFlight };
}

const stream = (api: ReturnType<typeof memoryPages>, concurrency: number, resume?: PagePosition) =>
  createEventStream({
    source: 'transactcdn.waf',
    query: 'q',
    start: () => pageStart(0, 1),
    resume,
    open: pagePages({ concurrency, fetch: api.fetch }),
    normalize: (n: number) => n,
    signals: [],
  });

describe('page strategy', () => {
  it('delivers every record in order with up to `concurrency` pages in flight, whatever order they complete in', async () => {
    const api = memoryPages(1234, 50, 12);
    expect(await stream(api, 4).toArray()).toEqual(Array.from({ length: 1234 }, (_, i) => i));
    expect(api.maxInFlight()).toBe(4);
    expect([...api.calls].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('stops fetching when the consumer breaks, and resumes mid-page', async () => {
    const api = memoryPages(500, 10);
    const first = stream(api, 3);
    const head: number[] = [];
    for await (const n of first) {
      head.push(n);
      if (n === 123) break;
    }
    expect(api.calls.length).toBeLessThanOrEqual(13 + 3);
    const position = first.checkpoint().position as PagePosition;
    expect(position).toMatchObject({ page: 13, skip: 4 });
    const tail = await stream(memoryPages(500, 10), 3, position).toArray();
    expect([...head, ...tail]).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('handles an empty window', async () => {
    expect(await stream(memoryPages(0, 10), 4).toArray()).toEqual([]);
  });
});
