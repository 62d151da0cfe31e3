/** Issue 9: a provider that takes 2 requests at once and answers 429 above that. Over loopback; timing is in the bench. */
import { afterEach, describe, expect, it } from 'vitest';
import { createGcoreClient } from '../../src/providers/gcore/client.js';
import { GCORE_END_MS, gcorePage, sendJson, serveRaw, type RawServer } from '../support/gateways.js';

const PAGES = 100;
const TOTAL = PAGES * 100;

/** Answers after `latencyMs`, or at once with 429 `Retry-After: 1` when `allowed` requests are already in flight. */
function ceilingServer(allowed: number, latencyMs: number) {
  return serveRaw(async (_, res, { inFlight, url }) => {
    if (inFlight > allowed) return sendJson(res, '{"detail":"Too many concurrent requests"}', 429, { 'retry-after': '1' });
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    sendJson(res, gcorePage(url, TOTAL));
  });
}

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the limiter learns a concurrency ceiling', () => {
  it('100 Gcore pages at concurrency 4 against a 2-in-flight server: every record once, at most 5 answers 429', async () => {
    server = await ceilingServer(2, 15);
    const debug: string[] = [];
    const waap = createGcoreClient({ apiKey: 'k', baseUrl: server.url, concurrency: 4, logger: { debug: (m) => debug.push(m) } });
    const events = await waap
      .requests({ start: new Date(GCORE_END_MS - 10 * TOTAL - 1000), end: new Date(GCORE_END_MS) })
      .toArray();
    await waap.close();
    expect(new Set(events.map((e) => e.id)).size).toBe(TOTAL);
    expect(events).toHaveLength(TOTAL);
    const rejected = server.statuses.get(429) ?? 0;
    expect(rejected).toBeGreaterThan(0); // the ceiling was really hit: this is not a test against an idle server
    expect(rejected).toBeLessThanOrEqual(5);
    expect(server.statuses.get(200)).toBeGreaterThanOrEqual(PAGES);
    expect(debug.some((m) => /rate limited, requests in flight \d → 2$/.test(m))).toBe(true);
  });
});
