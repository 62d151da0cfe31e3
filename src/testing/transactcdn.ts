import { delay, intParam, json, pathParams, type Intercept, type Route } from './http.js';

/**
 * A fake TransactCDN REST API: the WAF event log (list and single entry) and the rate-limiting event log, as Fetch
 * handlers (served by the simulator's node:http server, or by msw through `wafstream/testing/msw`). It follows the two docs and provider-notes.md:
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
  intercept?: Intercept;
}

export interface TransactCdnFake {
  routes: Route[];
  /** Every request the fake received, in arrival order. */
  requests: Request[];
  /** The fake's answers, as served (newest first). They grow with `add`. */
  waf: readonly FakeEvent[];
  rateLimiting: readonly FakeEvent[];
  /** Adds events (new arrivals) to either log, keeping it newest first. */
  add(more: { waf?: readonly FakeEvent[]; rateLimiting?: readonly FakeEvent[] }): void;
}

const DAY_S = 86_400;
const API_TIME = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2})?$/;

/** The TransactCDN fake over both event logs: routes plus the live datasets. */
export function transactCdnFake(options: TransactCdnFakeOptions): TransactCdnFake {
  const waf = [...(options.waf ?? [])].sort(newestFirst);
  const rateLimiting = [...(options.rateLimiting ?? [])].sort(newestFirst);
  const now = options.now ?? Date.now;
  const requests: Request[] = [];
  let received = 0;
  const prefix = `/v2/mcc/customers/:account`;

  /** Auth, account, latency and injected faults, common to every endpoint. */
  async function gate(request: Request, account: unknown): Promise<Response | undefined> {
    const n = ++received;
    requests.push(request);
    if (options.latencyMs) await delay(options.latencyMs);
    const injected = await options.intercept?.(request, n);
    if (injected) return injected;
    if (request.headers.get('authorization') !== `TOK:${options.token}`) return transactCdnError(401, 'Unauthorized');
    if (account !== options.accountNumber) return transactCdnError(404, 'Customer not found');
    return undefined;
  }

  const list = (path: string, events: readonly FakeEvent[], sizeParam: 'page_size' | 'per_page'): Route => ({
    method: 'GET',
    path,
    handle: async (request) => {
      const refused = await gate(request, pathParams(path, request).account);
      if (refused) return refused;
      const query = new URL(request.url).searchParams;

      const startText = query.get('start_time');
      const endText = query.get('end_time');
      if ((startText === null) !== (endText === null)) return transactCdnError(400, 'Specify both start_time and end_time, or neither');
      const nowS = Math.floor(now() / 1000);
      const from = startText === null ? nowS - DAY_S : apiSeconds(startText);
      const to = endText === null ? nowS : apiSeconds(endText);
      if (from === undefined || to === undefined) return transactCdnError(400, 'Invalid date/time format');
      if (from < nowS - 30 * DAY_S) return transactCdnError(400, 'start_time: event log data is only available for the last 30 days');
      if (to < from) return transactCdnError(400, 'end_time is before start_time');

      const size = intParam(query.get(sizeParam), 100);
      if (size === undefined || size < 1 || size > 1000) return transactCdnError(400, `${sizeParam} must be 1..1000`);
      const page = intParam(query.get('page'), 1);
      if (page === undefined || page < 1) return transactCdnError(400, 'page must be a positive integer');
      const filterText = query.get('filters');
      const match = filterText === null ? () => true : parseFilters(filterText);
      // The real API answers invalid filter syntax with a 500 that no retry will fix.
      if (!match) return transactCdnError(500, 'Internal Server Error');

      const upper = options.endInclusive ? to + 1 : to;
      const matching = events.filter((e) => e['Epoch Time'] >= from && e['Epoch Time'] < upper && match(e));
      return json({
        page_of: Math.ceil(matching.length / size),
        time_to: to,
        time_from: from,
        events: matching.slice((page - 1) * size, page * size),
        page,
      });
    },
  });

  const entryPath = `${prefix}/waf/eventlogs/:eventId`;
  const routes: Route[] = [
    list(`${prefix}/waf/eventlogs`, waf, 'page_size'),
    list(`${prefix}/defend/rate_limiting/eventlogs`, rateLimiting, 'per_page'),
    {
      method: 'GET',
      path: entryPath,
      handle: async (request) => {
        const params = pathParams(entryPath, request);
        const refused = await gate(request, params.account);
        if (refused) return refused;
        const event = waf.find((e) => e['Event ID'] === params.eventId);
        return event ? json(event) : transactCdnError(404, 'Event not found');
      },
    },
  ];
  const add = (more: { waf?: readonly FakeEvent[]; rateLimiting?: readonly FakeEvent[] }) => {
    for (const [log, events] of [[waf, more.waf], [rateLimiting, more.rateLimiting]] as const) {
      if (!events?.length) continue;
      log.unshift(...events);
      log.sort(newestFirst);
    }
  };
  return { routes, requests, waf, rateLimiting, add };
}

function newestFirst(a: FakeEvent, b: FakeEvent): number {
  return b['Epoch Time'] - a['Epoch Time'];
}

/** An error as TransactCDN sends it: `{ "Message": … }`. */
export function transactCdnError(status: number, message: string): Response {
  return json({ Message: message }, { status });
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
