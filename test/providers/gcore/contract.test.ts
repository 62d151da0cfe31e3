import { isIP } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCoreSchema } from '../../../src/providers/registry.js';
import { parseResponse } from '../../../src/core/validate.js';
import { createGcoreClient, MAX_OFFSET } from '../../../src/providers/gcore/client.js';
import { GCORE_RETENTION_MS, gcoreQueryBuilder, gcoreRequestsQuerySchema, type GcoreRequestsQuery } from '../../../src/providers/gcore/filters.js';
import { normalizeGcore } from '../../../src/providers/gcore/normalize.js';
import { gcoreRequestsPageSchema } from '../../../src/providers/gcore/response.js';
import { loadSpec, REQUESTS_PATH, SPEC_PATH, specQueryConstraints, zodQueryConstraints } from './openapi.js';
import { startPrism, type Exchange, type PrismServer } from './prism.js';

/**
 * The shipped client (default undici transport, real sockets) against Gcore's own OpenAPI contract, served and
 * enforced by Prism: every request the SDK sends must be one the contract accepts, and every response Prism
 * builds from the contract must pass the SDK's response schema and normalize.
 */

const KEY = 'gc-contract-4f1e-api-key';
const NOW = Date.now();
const START = new Date(NOW - 86_400_000).toISOString();
const END = new Date(NOW).toISOString();

let prism: PrismServer;
beforeAll(async () => {
  // Throws with Prism's own output when it cannot start: the suite fails, it is never skipped.
  prism = await startPrism(SPEC_PATH);
}, 60_000);
afterAll(async () => {
  await prism?.close();
});

const hex = (c: string, n = 32) => c.repeat(n);
const ja3 = (i: number) => (i % 2 ? hex('A') : hex('e')).slice(0, 30) + String(i).padStart(2, '0');
const ja4 = (i: number) => `t13d1516H${i}_8DAAF6152771_02713d6af8${String(i).padStart(2, '0')}`;
const texts = (n: number, longest: number, stem: string) => Array.from({ length: n }, (_, i) => (i === 0 ? stem.repeat(longest).slice(0, longest) : `${stem} ${i}`));

/** One of `parts` slices of `upper`: the window and paging fields, plus every `parts`-th filter. */
function upperPart(part: number, parts: number): GcoreRequestsQuery {
  const always = new Set(['start', 'end', 'limit', 'ordering']);
  const filters = Object.entries(upper).filter(([key]) => !always.has(key));
  const kept = filters.filter((_, index) => index % parts === part);
  return { ...Object.fromEntries(Object.entries(upper).filter(([key]) => always.has(key))), ...Object.fromEntries(kept) } as GcoreRequestsQuery;
}

/** Every filter at its upper edge: lists at maxItems, strings at maxLength, numbers at their maximum. */
const upper: GcoreRequestsQuery = {
  start: START,
  end: END,
  limit: 100,
  ordering: '-request_time',
  domains: [1, 2_147_483_647],
  exclude_domains: [0, 42],
  ips: ['1.2.3.4', ' 2001:678:194::3c25:ddad', '10.0.0.1', '192.168.1.255', '::1', 'fe80::1', '8.8.8.8', '203.0.113.7', '2001:db8::2', '0.0.0.0'],
  exclude_ips: Array.from({ length: 11 }, (_, i) => `198.51.100.${i}`),
  path: ['/home', '/users/*/profile'],
  exclude_path: ['/admin/*', '/'],
  countries: ['DE', 'MY'],
  exclude_countries: ['US'],
  status_codes: [100, 599, '403'],
  exclude_status_codes: [100, 599],
  http_methods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'],
  exclude_http_methods: ['TRACE', 'OPTIONS'],
  reference_ids: [hex('a'), hex('0')],
  exclude_reference_ids: [hex('b')],
  request_ids: [`${hex('c')}-000000`, `${hex('9')}-999999`],
  exclude_request_ids: [`${hex('d')}-458959`],
  session_ids: [hex('e')],
  exclude_session_ids: [hex('f'), hex('1')],
  security_rule_names: ['S'.repeat(100), 'SQL injection', 'all _ ~!@#$%^&*()+[]{}|.,;:<>?/- of them'],
  exclude_security_rule_names: ['XSS (reflected) [v2]'],
  decision: ['blocked', 'monitored', 'allowed', 'passed'],
  exclude_decision: ['passed', 'allowed', 'monitored', 'blocked'],
  optional_action: ['captcha', 'challenge'],
  exclude_optional_action: ['challenge', 'captcha'],
  ja3: Array.from({ length: 10 }, (_, i) => ja3(i)),
  exclude_ja3: Array.from({ length: 10 }, (_, i) => ja3(i + 10)),
  ja4: Array.from({ length: 10 }, (_, i) => ja4(i)),
  exclude_ja4: Array.from({ length: 10 }, (_, i) => ja4(9 - i)),
  user_agent: texts(10, 300, 'Mozilla/5.0 (X11; Linux x86_64) '),
  exclude_user_agent: texts(10, 300, 'python-requests/2.32 '),
  user_agent_clients: texts(10, 50, 'Chrome '),
  exclude_user_agent_clients: texts(10, 50, 'OpenAI GPTBot '),
  user_agent_devices: texts(10, 50, 'PlayStation '),
  exclude_user_agent_devices: texts(10, 50, 'SMART TV '),
  tags: texts(5, 50, 'evasiveclient '),
  exclude_tags: texts(5, 50, 'mousedevice '),
  organizations: texts(10, 100, 'Example Org & Co. '),
  exclude_organizations: texts(10, 100, 'Acme corp '),
};

/** The lower edges, and the single-string forms of the former string filters. */
const lower: GcoreRequestsQuery = {
  start: START,
  limit: 1,
  ordering: 'request_time',
  status_codes: [100],
  path: '/users/*/profile',
  exclude_path: '/home',
  ja3: 'E7D705A3286E19EA42F587B344EE6865',
  exclude_ja3: 'e7d705a3286e19ea42f587b344ee6865',
  ja4: 'T13D1516H2_8DAAF6152771_02713D6AF862',
  exclude_ja4: 't13d1516h2_8daaf6152771_02713d6af862',
  user_agent: 'curl/8.5.0',
  exclude_user_agent: 'u',
  security_rule_names: ['x'],
  exclude_security_rule_names: ['X'.repeat(100)],
  exclude_http_methods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'],
  tags: ['t'],
};

async function drain(query: GcoreRequestsQuery, logger?: { warn: (message: string) => void }) {
  const waap = createGcoreClient({ apiKey: KEY, baseUrl: prism.url, maxRetries: 0, ...(logger ? { logger } : {}) });
  try {
    const before = prism.exchanges.length;
    const events = await waap.requests(query).toArray();
    return { events, exchanges: prism.exchanges.slice(before) };
  } finally {
    await waap.close();
  }
}

const SPEC_PARAMETERS = specQueryConstraints(loadSpec());
// Prism 5 cannot check an `http` scheme named APIKey; it says so in a warning, which is the only finding allowed.
const UNSUPPORTED_SECURITY = /do not support this type of security scheme/;

/** What Prism cannot check, checked here; and that Prism found nothing wrong. */
function expectAccepted(exchange: Exchange) {
  expect(exchange.status, `${exchange.url.search}: ${JSON.stringify(exchange.violations)}`).toBe(200);
  expect(exchange.violations.filter((v) => !UNSUPPORTED_SECURITY.test(v.message))).toEqual([]);
  expect(exchange.headers.authorization).toBe(`APIKey ${KEY}`);
  expect(exchange.url.pathname).toBe(REQUESTS_PATH);
  // Prism ignores unknown query parameters: every key must be one of the contract's, never `ips[]`.
  for (const key of exchange.url.searchParams.keys()) expect(SPEC_PARAMETERS.has(key), `unknown parameter ${key}`).toBe(true);
  // Prism does not know pydantic's `ipvanyaddress` format and lets any string through.
  for (const key of ['ips', 'exclude_ips']) {
    for (const ip of exchange.url.searchParams.getAll(key)) expect(isIP(ip), `${key}=${ip}`).not.toBe(0);
  }
}

describe('Gcore client against Gcore\'s OpenAPI contract (Prism, real sockets)', () => {
  it('Prism enforces the contract: a request outside it is refused (so acceptance below means something)', async () => {
    const send = async (query: string) => {
      const answer = await request(`${prism.url}${REQUESTS_PATH}?${query}`, { headers: { authorization: `APIKey ${KEY}` } });
      await answer.body.dump();
      return answer.statusCode;
    };
    const start = `start=${encodeURIComponent(START)}`;
    expect(await send(start)).toBe(200);
    expect(await send(`${start}&${Array(11).fill('ips=1.2.3.4').join('&')}`)).toBe(422);
    expect(await send(`${start}&ja4=t13d1516h2-8daaf6152771-02713d6af862`)).toBe(422);
    expect(await send(`${start}&tags=${Array(6).fill('t').join('&tags=')}`)).toBe(422);
    expect(await send(`${start}&limit=101`)).toBe(422);
    expect(await send(`${start}&offset=100001`)).toBe(422);
    expect(await send('limit=1')).toBe(422); // no start
    expect(prism.exchanges.slice(-6).every((e) => e.violations.some((v) => v.severity === 'Error'))).toBe(true);
  });

  // All the upper edges at once make a URL past the 8 KiB the transport refuses to send (a gateway would answer 431),
  // so they go out in three queries, the filters dealt round-robin; each query still carries the window and paging.
  it.each([0, 1, 2])('accepts every filter at its upper edge, sent as repeated keys (part %i of 3)', async (part) => {
    const query = upperPart(part, 3);
    const { events, exchanges } = await drain(query);
    expect(exchanges.length).toBeGreaterThan(0);
    const parsed = gcoreRequestsQuerySchema.parse(query);
    for (const exchange of exchanges) {
      expectAccepted(exchange);
      const params = exchange.url.searchParams;
      for (const [key, value] of Object.entries(parsed)) {
        if (Array.isArray(value)) expect(params.getAll(key), key).toEqual(value.map(String));
      }
    }
    expect(events.length).toBeGreaterThan(0);
  });

  it('accepts the lower edges and single strings for the list filters', async () => {
    const { exchanges } = await drain(lower);
    expect(exchanges.length).toBeGreaterThan(0);
    for (const exchange of exchanges) {
      expectAccepted(exchange);
      expect(exchange.url.searchParams.getAll('ja4')).toEqual(['T13D1516H2_8DAAF6152771_02713D6AF862']);
      expect(exchange.url.searchParams.getAll('path')).toEqual(['/users/*/profile']);
      expect(exchange.url.searchParams.get('limit')).toBe('1');
    }
  });

  it("accepts the pager's last reachable page (offset at the client's cap) and its first", async () => {
    const filters = gcoreRequestsQuerySchema.parse({ start: START, end: END });
    const window = { startMs: Date.parse(START), endMs: Date.parse(END) };
    for (const offset of [0, MAX_OFFSET]) {
      const query = new URLSearchParams(gcoreQueryBuilder(filters)(window, { offset, limit: 100 }));
      const answer = await request(`${prism.url}${REQUESTS_PATH}?${query}`, { headers: { authorization: `APIKey ${KEY}` } });
      await answer.body.dump();
      expectAccepted(prism.exchanges.at(-1)!);
    }
  });

  it('warns through the logger, and still asks, when start is older than the 30 days Gcore keeps', async () => {
    const warnings: string[] = [];
    const { exchanges } = await drain({ start: NOW - GCORE_RETENTION_MS - 60_000 }, { warn: (message) => warnings.push(message) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/older than 30 days/);
    expect(warnings[0]).not.toContain(KEY);
    exchanges.forEach(expectAccepted);
    warnings.length = 0;
    await drain({ start: NOW - GCORE_RETENTION_MS + 60_000 }, { warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([]);
  });

  // Runs last: it looks back over every exchange of the file.
  it('sent every contract parameter, each bound at its edge and every enum value, all accepted', () => {
    const sent = prism.exchanges.filter((e) => e.status === 200 && e.url.pathname === REQUESTS_PATH);
    const values = (key: string) => sent.map((e) => e.url.searchParams.getAll(key));
    const missing: string[] = [];
    // The SDK's bounds (the drift test proves they are the contract's, bar `limit` ≥ 1).
    const sdk = zodQueryConstraints(gcoreRequestsQuerySchema);
    sdk.set('offset', { ...SPEC_PARAMETERS.get('offset')!, maximum: MAX_OFFSET });
    for (const [key, rule] of sdk) {
      const lists = values(key).filter((list) => list.length);
      const flat = lists.flat();
      if (!flat.length) missing.push(`${key}: never sent`);
      if (rule.maxItems !== undefined && !lists.some((list) => list.length === rule.maxItems)) missing.push(`${key}: never ${rule.maxItems} items`);
      if (rule.maxLength !== undefined && !flat.some((v) => v.length === rule.maxLength)) missing.push(`${key}: never ${rule.maxLength} chars`);
      if (rule.minimum !== undefined && !flat.includes(String(rule.minimum))) missing.push(`${key}: never ${rule.minimum}`);
      if (rule.maximum !== undefined && !flat.includes(String(rule.maximum))) missing.push(`${key}: never ${rule.maximum}`);
      if (rule.exclusiveMinimum !== undefined && !flat.includes(String(rule.exclusiveMinimum + 1))) missing.push(`${key}: never ${rule.exclusiveMinimum + 1}`);
      for (const value of rule.enum ?? []) if (!flat.includes(value)) missing.push(`${key}: never ${value}`);
    }
    expect(missing).toEqual([]);
    expect([...SPEC_PARAMETERS.keys()].filter((key) => !sdk.has(key))).toEqual([]);
  });
});

describe('the Prism harness', () => {
  it('fails with Prism\'s own output when Prism cannot start, so the suite fails instead of skipping', async () => {
    await expect(startPrism('/nonexistent/gcore.openapi.json')).rejects.toThrow(/Prism \(the Gcore contract mock\) could not start: exited .*ENOENT/s);
  });
});

describe("Prism's responses, generated from the contract", () => {
  it('pass the response schema and normalize, the contract\'s "" defaults becoming absent fields', async () => {
    const { events, exchanges } = await drain({ start: START, end: END });
    const bodies = exchanges.map((e) => e.body);
    expect(bodies.length).toBeGreaterThan(0);
    let records = 0;
    for (const body of bodies) {
      const page = parseResponse(gcoreRequestsPageSchema, body, 'gcore', REQUESTS_PATH);
      expect(page.results.length).toBeGreaterThan(0);
      for (const record of page.results) {
        records++;
        const event = eventCoreSchema.parse(normalizeGcore(record));
        expect(event.raw).toEqual(record);
        // Prism fills defaulted fields with their `default`, "", which means "not recorded".
        for (const field of ['session_id', 'scheme', 'http_version', 'ja3'] as const) {
          if (record[field] === '') {
            const normalizedField = { session_id: event.client.sessionId, scheme: event.request.scheme, http_version: event.request.httpVersion, ja3: event.client.ja3 }[field];
            expect(normalizedField, field).toBeUndefined();
          }
        }
      }
    }
    // What the stream delivered is exactly those records, normalized.
    expect(events.map((e) => e.raw)).toEqual(bodies.flatMap((b) => (b as { results: unknown[] }).results));
    expect(events).toHaveLength(records);
    const defaults = (bodies[0] as { results: Record<string, unknown>[] }).results[0]!;
    expect([defaults.session_id, defaults.scheme, defaults.http_version, defaults.ja3]).toEqual(['', '', '', '']);
  });
});
