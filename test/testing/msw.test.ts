import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcoreClient, createTransactCdnClient } from '../../src/index.js';
import { createSimulator } from '../../src/testing/index.js';
import { simulatorHandlers } from '../../src/testing/msw.js';
import { MswDispatcher } from '../support/msw-dispatcher.js';

const T = Date.now();
const BASE = 'https://simulator.test';

describe('wafstream/testing/msw: the simulator in-process', () => {
  const sim = createSimulator({ seed: 3, records: 120, clock: () => T, faults: { schedule: { 3: 'reset', 4: 'truncate', 5: 'rate-limit' }, retryAfterSeconds: 0 } });
  const server = setupServer(...simulatorHandlers(sim));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  const { gcore, transactcdn } = sim.credentials(BASE);
  const url = `${BASE}/waap/v1/analytics/requests?start=${new Date(T - 2 * 86_400_000).toISOString()}&limit=100`;

  it('answers fetch on any origin, validates auth, and acts out a reset, a truncation and a 429', async () => {
    const ok = await fetch(url, { headers: { authorization: `APIKey ${gcore.apiKey}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { count: number }).count).toBe(120);
    expect((await fetch(url, { headers: { authorization: 'APIKey nope' } })).status).toBe(401);
    await expect(fetch(url, { headers: { authorization: `APIKey ${gcore.apiKey}` } })).rejects.toThrow();
    const cut = await fetch(url, { headers: { authorization: `APIKey ${gcore.apiKey}` } });
    await expect(cut.json()).rejects.toThrow();
    const limited = await fetch(url, { headers: { authorization: `APIKey ${gcore.apiKey}` } });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '0']);
  });

  it('serves the SDK clients through an undici dispatcher bridged to the msw handlers', async () => {
    const dispatcher = new MswDispatcher(simulatorHandlers(sim));
    const waap = createGcoreClient({ ...gcore, dispatcher });
    const cdn = createTransactCdnClient({ ...transactcdn, dispatcher });
    const start = new Date(T - 2 * 86_400_000);
    const [g, r] = await Promise.all([waap.requests({ start }).toArray(), cdn.rateLimitingEvents({ start }).toArray()]);
    expect(g.map((e) => e.id).sort()).toEqual(sim.data()['gcore.waap'].map((x) => x.id).sort());
    expect(r.map((e) => (e.raw as { id: string }).id).sort()).toEqual(sim.data()['transactcdn.rate_limiting'].map((x) => String(x.id)).sort());
  });

  it('builds its own simulator from options', async () => {
    const handlers = simulatorHandlers({ seed: 3, records: 120, clock: () => T });
    const local = setupServer(...handlers);
    server.close();
    local.listen();
    try {
      const ok = await fetch(url, { headers: { authorization: `APIKey ${gcore.apiKey}` } });
      expect(((await ok.json()) as { count: number }).count).toBe(120);
    } finally {
      local.close();
      server.listen({ onUnhandledRequest: 'error' });
    }
  });
});
