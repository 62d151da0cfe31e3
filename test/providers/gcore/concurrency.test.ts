import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { delay, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { createGcoreClient } from '../../../src/index.js';
import { serveHandlers, type LoopbackServer } from '../../support/loopback.js';
import { gcoreFake, makeGcoreRecords } from '../../support/gcore-fake.js';

const KEY = 'gc-concurrency-key';
const T0 = Date.parse('2026-11-20T00:00:00Z');
const START = new Date(T0 - 1).toISOString();
const END = new Date(T0 + 3_600_000).toISOString();

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const newestFirst = (records: readonly { id: string; request_time: number }[]) =>
  [...records].sort((a, b) => b.request_time - a.request_time || (a.id < b.id ? 1 : -1)).map((r) => r.id);

/** Answers after a random 0-30 ms, so later pages often complete before earlier ones. */
const jitter = async () => {
  await delay(Math.floor(Math.random() * 30));
  return undefined;
};

describe('Gcore under concurrency (real sockets)', () => {
  it('keeps at most `concurrency` requests in flight and delivers in order whatever order pages complete in', async () => {
    const records = makeGcoreRecords(3000, { startMs: T0, stepMs: 100, sameMsEvery: 2 });
    server = await serveHandlers(gcoreFake({ apiKey: KEY, records, intercept: jitter }).handlers);
    const waap = createGcoreClient({ apiKey: KEY, baseUrl: server.url, concurrency: 3 });
    const ids = (await waap.requests({ start: START, end: END }).toArray()).map((e) => e.id);
    expect(ids).toEqual(newestFirst(records));
    expect(server.maxInFlight()).toBeLessThanOrEqual(3);
    expect(server.maxInFlight()).toBeGreaterThanOrEqual(2); // it did run pages in parallel
    await waap.close();
  });

  it('runs 16 pages at once without tripping Node\'s listener-leak warning', async () => {
    const records = makeGcoreRecords(3000, { startMs: T0, stepMs: 10 });
    server = await serveHandlers(gcoreFake({ apiKey: KEY, records, intercept: jitter }).handlers);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const waap = createGcoreClient({ apiKey: KEY, baseUrl: server.url, concurrency: 16, signal: new AbortController().signal });
    try {
      expect(await waap.requests({ start: START, end: END }).toArray()).toHaveLength(3000);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
      expect(server.maxInFlight()).toBeGreaterThan(4);
      expect(server.maxInFlight()).toBeLessThanOrEqual(16);
    } finally {
      process.off('warning', onWarning);
      await waap.close();
    }
  });

  it('the caller\'s client signal carries one listener however many streams run, and still stops them all', async () => {
    const records = makeGcoreRecords(500, { startMs: T0, stepMs: 10 });
    server = await serveHandlers(gcoreFake({ apiKey: KEY, records, latencyMs: 20 }).handlers);
    const caller = new AbortController();
    const waap = createGcoreClient({ apiKey: KEY, baseUrl: server.url, signal: caller.signal });
    const streams = Array.from({ length: 12 }, () => waap.requests({ start: START, end: END })[Symbol.asyncIterator]());
    await Promise.all(streams.map((it) => it.next()));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort();
    // Each stream stops at once, even with most of a fetched page still unread.
    const ends = await Promise.all(streams.map((it) => it.next().then(() => 'delivered', (e: Error) => e.name)));
    expect(ends).toEqual(Array(12).fill('AbortError'));
    await waap.close();
  });

  it('a 429 storm lowers the requests in flight, and every record still arrives once, in order', async () => {
    const records = makeGcoreRecords(4000, { startMs: T0, stepMs: 50 });
    const storm = (_: Request, n: number) =>
      n > 3 && n < 30 && n % 2 === 0 ? HttpResponse.json({ title: 'Too Many Requests' }, { status: 429, headers: { 'retry-after': '0' } }) : jitter();
    server = await serveHandlers(gcoreFake({ apiKey: KEY, records, intercept: storm }).handlers);
    const debug: string[] = [];
    const waap = createGcoreClient({ apiKey: KEY, baseUrl: server.url, concurrency: 4, maxRetries: 8, logger: { debug: (m) => debug.push(m) } });
    const ids = (await waap.requests({ start: START, end: END }).toArray()).map((e) => e.id);
    expect(ids).toEqual(newestFirst(records));
    // Issue 9: the limiter drops below the level answered 429 and stays there (probing rarely), not halving and
    // climbing back into the wall. Ramping back up is covered in test/core/limiter.test.ts.
    expect(debug.some((m) => /rate limited, requests in flight 4 → [123]$/.test(m))).toBe(true);
    await waap.close();
  });

  it('checkpoints stay exact under concurrency: what the consumer received, not what was fetched', async () => {
    const records = makeGcoreRecords(1500, { startMs: T0, stepMs: 10, sameMsEvery: 3 });
    server = await serveHandlers(gcoreFake({ apiKey: KEY, records, intercept: jitter }).handlers);
    const waap = createGcoreClient({ apiKey: KEY, baseUrl: server.url, concurrency: 4 });
    const want = newestFirst(records);
    for (const stopAfter of [1, 99, 100, 101, 777]) {
      const first = waap.requests({ start: START, end: END });
      const head: string[] = [];
      for await (const e of first) {
        head.push(e.id);
        if (head.length === stopAfter) break;
      }
      const tail = (await waap.requests({ start: START, end: END }, { resume: JSON.parse(JSON.stringify(first.checkpoint())) }).toArray()).map((e) => e.id);
      expect([...head, ...tail]).toEqual(want);
    }
    await waap.close();
  });

  it('maxRequestsPerSecond spaces the requests the provider sees', async () => {
    const records = makeGcoreRecords(600, { startMs: T0, stepMs: 10 });
    const arrivals: number[] = [];
    const fake = gcoreFake({ apiKey: KEY, records, intercept: () => void arrivals.push(performance.now()) });
    server = await serveHandlers(fake.handlers);
    const waap = createGcoreClient({ apiKey: KEY, baseUrl: server.url, concurrency: 4, maxRequestsPerSecond: 40 });
    expect(await waap.requests({ start: START, end: END }).toArray()).toHaveLength(600);
    // Pages overlap by one record (issue 8), so 600 records take ceil(599 / 99) = 7 pages.
    expect(arrivals).toHaveLength(7);
    // Seven starts at 40 per second need six gaps of 25 ms (slack for socket set-up; unthrottled, the last six
    // would arrive within a few ms of each other).
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(6 * 25 - 30);
    await waap.close();
  });

  it('a break with requests in flight cancels them: the process exits on its own at once, with no close()', async () => {
    const records = makeGcoreRecords(2000, { startMs: T0, stepMs: 10 });
    // Every page but the first hangs for 20 s: only a real cancellation lets the child exit quickly.
    const fake = gcoreFake({ apiKey: KEY, records, intercept: async (_, n) => (n > 1 ? (await delay(20_000), undefined) : undefined) });
    server = await serveHandlers(fake.handlers);
    const script = `
      const { createGcoreClient } = await import('wafstream');
      const waap = createGcoreClient({ apiKey: '${KEY}', baseUrl: process.argv[1], concurrency: 4 });
      for await (const event of waap.requests({ start: '${START}', end: '${END}' })) {
        await new Promise((resolve) => setTimeout(resolve, 300)); // the prefetches reach the server meanwhile
        break;
      }
      console.log('stopped');`;
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, server.url], { cwd: new URL('../../..', import.meta.url) });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out.trim()).toBe('stopped');
    expect(code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(fake.requests.length).toBeGreaterThan(1); // there were prefetches in flight to cancel
  });
});
