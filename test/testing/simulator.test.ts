import { afterEach, describe, expect, it } from 'vitest';
import {
  createBotByeClient,
  createGcoreClient,
  createTransactCdnClient,
  isAuthenticationError,
  isNotFoundError,
} from '../../src/index.js';
import { createSimulator, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/testing/index.js';

const T = Date.parse('2026-11-20T12:00:00Z') > Date.now() ? Date.now() : Date.parse('2026-11-20T12:00:00Z');
const DAY = 86_400_000;
const fast = { retryDelay: { baseMs: 1, maxMs: 5 }, maxRetries: 12 } as const;

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  sim = await startSimulator({ clock: () => T, records: 230, ...options });
  return sim;
}

const ids = (list: readonly object[]) => list.map((r) => String((r as { id?: unknown }).id)).sort();
const rawIds = (events: readonly { raw: unknown }[]) => ids(events.map((e) => e.raw as object));

describe('startSimulator over loopback, with the real clients', () => {
  it('serves every record of every source exactly once, each client taking its credentials as they are', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const data = s.data();
    const waap = createGcoreClient(s.credentials.gcore);
    const cdn = createTransactCdnClient(s.credentials.transactcdn);
    const bots = createBotByeClient(s.credentials.botbye);
    const since = new Date(T - DAY - 1000);
    const [g, w, r, b] = await Promise.all([
      waap.requests({ start: since }).toArray(),
      cdn.wafEvents({ start: since }).toArray(),
      cdn.rateLimitingEvents({ start: since }).toArray(),
      bots.requests({ projectId: s.botbyeProjectId }).toArray(),
    ]);
    expect(data['gcore.waap']).toHaveLength(230);
    expect(rawIds(g)).toEqual(ids(data['gcore.waap']));
    expect(rawIds(w)).toEqual(ids(data['transactcdn.waf']));
    expect(rawIds(r)).toEqual(ids(data['transactcdn.rate_limiting']));
    expect(rawIds(b)).toEqual(ids(data['botbye.requests']));
    expect(new Set(g.map((e) => e.disposition)).size).toBeGreaterThan(1);
    await Promise.all([waap.close(), cdn.close(), bots.close()]);
  });

  it('applies each API’s filters on the data for real', async () => {
    const s = await start();
    const data = s.data();
    const since = new Date(T - DAY - 1000);
    const waap = createGcoreClient(s.credentials.gcore);
    const blocked = await waap.requests({ start: since, decision: ['blocked'] }).toArray();
    const wantBlocked = data['gcore.waap'].filter((r) => r.decision === 'blocked');
    expect(wantBlocked.length).toBeGreaterThan(0);
    expect(rawIds(blocked)).toEqual(ids(wantBlocked));

    const cdn = createTransactCdnClient(s.credentials.transactcdn);
    const host = await cdn.wafEvents({ start: since, filters: { Host: 'secure.example.com' } }).toArray();
    const wantHost = data['transactcdn.waf'].filter((e) => e.Host === 'secure.example.com');
    expect(wantHost.length).toBeGreaterThan(0);
    expect(rawIds(host)).toEqual(ids(wantHost));
    const one = data['transactcdn.waf'][3]!;
    expect((await cdn.wafEvent(String(one['Event ID']))).raw).toEqual(one);
    await expect(cdn.wafEvent('1')).rejects.toSatisfy(isNotFoundError);

    const bots = createBotByeClient(s.credentials.botbye);
    const banned = await bots.requests({ projectId: s.botbyeProjectId, where: (w) => w.eq('isBanByRule', true) }).toArray();
    const wantBanned = data['botbye.requests'].filter((n) => n.isBanByRule === true);
    expect(wantBanned.length).toBeGreaterThan(0);
    expect(rawIds(banned)).toEqual(ids(wantBanned));
    await Promise.all([waap.close(), cdn.close(), bots.close()]);
  });

  it('answers a wrong key with 401 and each client with AuthenticationError', async () => {
    const s = await start({ records: 5 });
    const since = new Date(T - DAY);
    const waap = createGcoreClient({ ...s.credentials.gcore, apiKey: 'wrong' });
    const cdn = createTransactCdnClient({ ...s.credentials.transactcdn, token: 'wrong' });
    const bots = createBotByeClient({ ...s.credentials.botbye, apiKey: 'wrong' });
    await expect(waap.requests({ start: since }).toArray()).rejects.toSatisfy(isAuthenticationError);
    await expect(cdn.wafEvents({ start: since }).toArray()).rejects.toSatisfy(isAuthenticationError);
    await expect(bots.requests({ projectId: s.botbyeProjectId }).toArray()).rejects.toSatisfy(isAuthenticationError);
  });

  it('refuses out-of-bounds requests with each API’s documented error', async () => {
    const s = await start({ records: 5 });
    const { gcore, transactcdn, botbye } = s.credentials;
    const get = (path: string, authorization: string) => fetch(`${s.url}${path}`, { headers: { authorization } });
    const g = await get(`/waap/v1/analytics/requests?start=2026-11-19T00:00:00Z&limit=101`, `APIKey ${gcore.apiKey}`);
    expect(g.status).toBe(422);
    expect(g.headers.get('content-type')).toBe('application/problem+json');
    expect(await g.json()).toMatchObject({ status: 422, detail: expect.stringContaining('limit') });
    const old = new Date(T - 31 * DAY).toISOString().slice(0, 10);
    const t = await get(`/v2/mcc/customers/${transactcdn.accountNumber}/waf/eventlogs?start_time=${old}&end_time=${old}`, `TOK:${transactcdn.token}`);
    expect(t.status).toBe(400);
    expect(await t.json()).toEqual({ Message: expect.stringContaining('30 days') });
    const b = await get(`/api/v1/${botbye.accountId}/projects/${s.botbyeProjectId}/requests?limit=101`, `Bearer ${botbye.apiKey}`);
    expect(b.status).toBe(400);
    expect((await get('/nowhere', '')).status).toBe(404);
  });

  it('injects 429 (with Retry-After), 503, resets and truncated bodies by rate, and the clients recover every record once', async () => {
    const s = await start({ records: 400, faults: { rate: 0.4, retryAfterSeconds: 0 } });
    const since = new Date(T - DAY - 1000);
    const waap = createGcoreClient({ ...s.credentials.gcore, ...fast, concurrency: 2 });
    const bots = createBotByeClient({ ...s.credentials.botbye, ...fast });
    const cdn = createTransactCdnClient({ ...s.credentials.transactcdn, ...fast });
    const g = await waap.requests({ start: since, limit: 50 }).toArray();
    const b = await bots.requests({ projectId: s.botbyeProjectId, limit: 50 }).toArray();
    const w = await cdn.wafEvents({ start: since, pageSize: 50 }).toArray();
    expect(rawIds(g)).toEqual(ids(s.data()['gcore.waap']));
    expect(rawIds(b)).toEqual(ids(s.data()['botbye.requests']));
    expect(rawIds(w)).toEqual(ids(s.data()['transactcdn.waf']));
    const injected = Object.values(s.faultsInjected).reduce((a, n) => a + n, 0);
    expect(Object.values(s.faultsInjected).every((n) => n > 0)).toBe(true);
    // Every injected fault cost one request more than a clean drain (8 pages of 50 per source, plus Gcore's probe).
    expect(s.requests.length - injected).toBeGreaterThanOrEqual(3 * 8);
    expect(s.requests.length - injected).toBeLessThanOrEqual(3 * 9 + 1);
    await Promise.all([waap.close(), cdn.close(), bots.close()]);
  });

  it('injects faults by schedule, by request number', async () => {
    const s = await start({ records: 5, faults: { schedule: { 1: 'rate-limit', 2: 'server-error', 3: 'reset', 4: 'truncate' }, retryAfterSeconds: 7 } });
    const url = `${s.url}/waap/v1/analytics/requests?start=2026-01-01T00:00:00Z`;
    const headers = { authorization: `APIKey ${s.credentials.gcore.apiKey}` };
    const first = await fetch(url, { headers });
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await fetch(url, { headers })).status).toBe(503);
    await expect(fetch(url, { headers })).rejects.toThrow();
    const cut = await fetch(url, { headers });
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow();
    const fifth = await fetch(url, { headers });
    expect(((await fifth.json()) as { count: number }).count).toBe(5);
    expect(s.faultsInjected).toEqual({ 'rate-limit': 1, 'server-error': 1, reset: 1, truncate: 1 });
  });

  it('listens on the port asked for', async () => {
    const probe = await startSimulator({ records: 1 });
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const s = await start({ port, records: 1 });
    expect(s.url).toBe(`http://127.0.0.1:${port}`);
  });
});

describe('determinism and arrivals', () => {
  it('gives the same data and credentials for the same seed, other data for another', () => {
    const a = createSimulator({ seed: 9, clock: () => T, records: 50 });
    const b = createSimulator({ seed: 9, clock: () => T, records: 50 });
    const c = createSimulator({ seed: 10, clock: () => T, records: 50 });
    expect(b.data()).toEqual(a.data());
    expect(b.credentials('http://x')).toEqual(a.credentials('http://x'));
    expect(c.data()['gcore.waap']).not.toEqual(a.data()['gcore.waap']);
    expect(c.credentials('http://x').gcore.apiKey).not.toBe(a.credentials('http://x').gcore.apiKey);
  });

  it('lets new events arrive as an injected clock moves, and a client reads them', async () => {
    let now = T;
    const s = await start({ clock: () => now, records: 20, arrivalEveryMs: 60_000 });
    const waap = createGcoreClient(s.credentials.gcore);
    const bots = createBotByeClient(s.credentials.botbye);
    expect(await waap.requests({ start: new Date(T + 1) }).toArray()).toEqual([]);
    now = T + 10 * 60_000 + 59_999;
    const data = s.data();
    for (const source of ['gcore.waap', 'transactcdn.waf', 'transactcdn.rate_limiting', 'botbye.requests'] as const) {
      expect(data[source]).toHaveLength(30);
    }
    const fresh = await waap.requests({ start: new Date(T + 1), end: new Date(now) }).toArray();
    expect(fresh.map((e) => e.time.getTime())).toEqual(Array.from({ length: 10 }, (_, i) => T + (10 - i) * 60_000));
    const recent = await bots.requests({ projectId: s.botbyeProjectId, where: (w) => w.gt('createdAt', new Date(T).toISOString()) }).toArray();
    expect(recent).toHaveLength(10);
    // The same seed and clock give the same arrivals, however often the data was looked at in between.
    let other = T;
    const twin = createSimulator({ clock: () => other, records: 20, arrivalEveryMs: 60_000 });
    other = T + 3 * 60_000;
    twin.data();
    other = now;
    expect(twin.data()).toEqual(s.data());
    await Promise.all([waap.close(), bots.close()]);
  });
});
