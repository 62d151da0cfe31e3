import { delay, http, HttpResponse, type RequestHandler } from 'msw';

/**
 * A fake TransactCDN REST API: the WAF event log (list and single entry) and the rate-limiting event log, as msw
 * handlers (one fake for `MswDispatcher` and `serveHandlers`). It follows the two docs and provider-notes.md:
 * `Authorization: TOK:<token>` (401 otherwise), `start_time`/`end_time` as `YYYY-MM-DD[Thh:mm:ss]` UTC, both or
 * neither (neither = the last 24 hours), a `start_time` older than 30 days → 400, `filters` as JSON whose values are
 * a string or an array of strings (anything else → 500, as the real API does), `page_size` / `per_page` 1..1000
 * (default 100; over 1000 → 400), pages numbered from 1 with `page_of` = ceil(matching / size), newest first.
 */
export type FakeEvent = Record<string, unknown> & { 'Epoch Time': number };

export interface TransactCdnFakeOptions {
  token: string;
  accountNumber: string;
  /** WAF events; the fake serves them newest first. */
  waf?: readonly FakeEvent[];
  rateLimiting?: readonly FakeEvent[];
  /** Whether an event inside the `end_time` second itself matches (the docs do not say). Default false. */
  endInclusive?: boolean;
  /** The fake's clock, for the 30-day rule and the default window. */
  now?: () => number;
  latencyMs?: number;
  /** Called first for every request with its 1-based number; a Response returned is sent instead of the answer. */
  intercept?: (request: Request, n: number) => Response | undefined | Promise<Response | undefined>;
}

export interface TransactCdnFake {
  handlers: RequestHandler[];
  /** Every request the fake received, in arrival order. */
  requests: Request[];
  /** The fake's answers, as served (newest first). */
  waf: readonly FakeEvent[];
  rateLimiting: readonly FakeEvent[];
}

const DAY_S = 86_400;
const API_TIME = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2})?$/;

export function transactCdnFake(options: TransactCdnFakeOptions): TransactCdnFake {
  const newestFirst = (events: readonly FakeEvent[] = []) => [...events].sort((a, b) => b['Epoch Time'] - a['Epoch Time']);
  const waf = newestFirst(options.waf);
  const rateLimiting = newestFirst(options.rateLimiting);
  const now = options.now ?? Date.now;
  const requests: Request[] = [];
  let received = 0;
  const prefix = `*/v2/mcc/customers/:account`;

  /** Auth, account, latency and injected faults, common to every endpoint. */
  async function gate(request: Request, account: unknown): Promise<Response | undefined> {
    const n = ++received;
    requests.push(request);
    if (options.latencyMs) await delay(options.latencyMs);
    const injected = await options.intercept?.(request, n);
    if (injected) return injected;
    if (request.headers.get('authorization') !== `TOK:${options.token}`) return error(401, 'Unauthorized');
    if (account !== options.accountNumber) return error(404, 'Customer not found');
    return undefined;
  }

  const list = (events: readonly FakeEvent[], sizeParam: 'page_size' | 'per_page') =>
    async ({ request, params }: { request: Request; params: Record<string, unknown> }) => {
      const refused = await gate(request, params.account);
      if (refused) return refused;
      const query = new URL(request.url).searchParams;

      const startText = query.get('start_time');
      const endText = query.get('end_time');
      if ((startText === null) !== (endText === null)) return error(400, 'Specify both start_time and end_time, or neither');
      const nowS = Math.floor(now() / 1000);
      const from = startText === null ? nowS - DAY_S : apiSeconds(startText);
      const to = endText === null ? nowS : apiSeconds(endText);
      if (from === undefined || to === undefined) return error(400, 'Invalid date/time format');
      if (from < nowS - 30 * DAY_S) return error(400, 'start_time: event log data is only available for the last 30 days');
      if (to < from) return error(400, 'end_time is before start_time');

      const size = intParam(query.get(sizeParam), 100);
      if (size === undefined || size < 1 || size > 1000) return error(400, `${sizeParam} must be 1..1000`);
      const page = intParam(query.get('page'), 1);
      if (page === undefined || page < 1) return error(400, 'page must be a positive integer');
      const filterText = query.get('filters');
      const match = filterText === null ? () => true : parseFilters(filterText);
      // The real API answers invalid filter syntax with a 500 that no retry will fix.
      if (!match) return error(500, 'Internal Server Error');

      const upper = options.endInclusive ? to + 1 : to;
      const matching = events.filter((e) => e['Epoch Time'] >= from && e['Epoch Time'] < upper && match(e));
      return HttpResponse.json({
        page_of: Math.ceil(matching.length / size),
        time_to: to,
        time_from: from,
        events: matching.slice((page - 1) * size, page * size),
        page,
      });
    };

  const handlers = [
    http.get(`${prefix}/waf/eventlogs`, list(waf, 'page_size')),
    http.get(`${prefix}/defend/rate_limiting/eventlogs`, list(rateLimiting, 'per_page')),
    http.get(`${prefix}/waf/eventlogs/:eventId`, async ({ request, params }) => {
      const refused = await gate(request, params.account);
      if (refused) return refused;
      const event = waf.find((e) => e['Event ID'] === params.eventId);
      return event ? HttpResponse.json(event) : error(404, 'Event not found');
    }),
  ];
  return { handlers, requests, waf, rateLimiting };
}

function error(status: number, message: string): Response {
  return HttpResponse.json({ Message: message }, { status });
}

function intParam(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ss`, UTC, in epoch seconds. */
function apiSeconds(text: string): number | undefined {
  const match = API_TIME.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[2] ?? 'T00:00:00'}Z`);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** The filter predicate, or undefined when the JSON is not `{ field: string | string[] }`. */
function parseFilters(text: string): ((event: FakeEvent) => boolean) | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const wanted: Array<[string, string[]]> = [];
  for (const [key, value] of Object.entries(parsed)) {
    const values = Array.isArray(value) ? value : [value];
    if (!values.length || !values.every((v) => typeof v === 'string')) return undefined;
    wanted.push([key, values as string[]]);
  }
  return (event) => wanted.every(([key, values]) => values.includes(String(event[key])));
}

const ACTIONS = ['BLOCK_REQUEST', 'ALERT', 'CUSTOM_RESPONSE', 'REDIRECT_302'] as const;
const HOSTS = ['www.example.com', 'secure.example.com'] as const;
const COUNTRIES = ['US', 'DE', 'FR'] as const;
const ENFORCEMENTS = ['DROP_REQUEST', 'ALERT', 'REDIRECT_302', 'CUSTOM_RESPONSE'] as const;

export interface MakeEventsOptions {
  /** Epoch ms of the oldest event. */
  startMs: number;
  /** Milliseconds between consecutive events (may be fractional: the fake keeps microseconds). */
  stepMs: number;
}

/** `n` distinct WAF events, oldest first, with hosts, countries and actions cycling so filters select subsets. */
export function makeWafEvents(n: number, options: MakeEventsOptions): FakeEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const us = Math.round((options.startMs + i * options.stepMs) * 1000);
    return {
      'Epoch Time': us / 1_000_000,
      'Event ID': String(10n ** 37n + BigInt(i)),
      id: `hash-${i}`,
      'Client IP': `10.0.${(i >> 8) & 255}.${i & 255}`,
      'Country Code': COUNTRIES[i % COUNTRIES.length]!,
      Host: HOSTS[i % HOSTS.length]!,
      URL: `http://${HOSTS[i % HOSTS.length]!}/page/${i}`,
      'Action Type': ACTIONS[i % ACTIONS.length]!,
      'Profile Type': i % 5 === 4 ? 'AUDIT' : 'PRODUCTION',
      'Profile Name': i % 3 === 1 ? 'My Profile' : 'Other Profile',
      Timestamp: `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}:${String(us % 1_000_000).padStart(6, '0')}Z`,
      'Sub Events': [{ 'Rule ID': 981000 + (i % 7), 'Rule Message': `rule ${i % 7}`, 'Matched On': 'ARGS:a' }],
    };
  });
}

/** `n` distinct rate-limiting events, oldest first. */
export function makeRateLimitingEvents(n: number, options: MakeEventsOptions): FakeEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const us = Math.round((options.startMs + i * options.stepMs) * 1000);
    return {
      'Epoch Time': us / 1_000_000,
      id: `rl-${i}`,
      'Client IP': `192.0.2.${i & 255}`,
      Host: HOSTS[i % HOSTS.length]!,
      'Rate Limiting Enforcement Type': ENFORCEMENTS[i % ENFORCEMENTS.length]!,
      Status: 'HTTP_STATUS_SERVICE_NOT_AVAILABLE',
      'Request Method': 'HTTP_METHOD_GET',
      Referer: 'XXXNAXXX@fields.REFERER',
    };
  });
}
