import { delay, http, HttpResponse, type RequestHandler } from 'msw';
import type { GcoreRecord } from '../../src/providers/gcore/response.js';

/**
 * A fake Gcore WAAP `GET /waap/v1/analytics/requests`, as msw handlers: use it in-process through
 * `MswDispatcher` or on a real port through `serveHandlers`. It follows the doc and provider-notes.md:
 * `APIKey <key>` auth (scheme case-insensitive), `limit` 0..100, `offset` 0..100000, `start` required,
 * arrays as repeated keys, `count` = total matching, problem+json errors with 422 for bad parameters.
 * The dataset is kept sorted by time and windows are found by binary search, so 150 000+ records stay fast.
 */
export interface GcoreFakeOptions {
  /** Informational only: the handlers match the path on any origin, so one fake serves both bridges. */
  baseUrl?: string;
  apiKey: string;
  /** The dataset; the fake sorts a copy by `request_time` (then `id`, for a stable order within one ms). */
  records: readonly GcoreRecord[];
  /** Whether a record at exactly `start` / `end` matches. Both default to true. */
  startInclusive?: boolean;
  endInclusive?: boolean;
  /** Waited before every answer. */
  latencyMs?: number;
  /**
   * Called first for every request with its 1-based number; a Response returned here is sent instead of the
   * normal answer (a 429, a 503, a `x-fake-fault: reset|truncate`), `undefined` lets the fake answer.
   */
  intercept?: (request: Request, n: number) => Response | undefined | Promise<Response | undefined>;
}

export interface GcoreFake {
  handlers: RequestHandler[];
  /** The dataset as the fake serves it: sorted by `request_time`, then `id`. */
  records: readonly GcoreRecord[];
  /** Every request the fake received, in arrival order. */
  requests: Request[];
}

export const GCORE_REQUESTS_PATH = '/waap/v1/analytics/requests';
const MAX_LIMIT = 100;
const MAX_OFFSET = 100_000;
const ORDERINGS: Record<string, 'asc' | 'desc'> = {
  request_time: 'asc',
  requestTime: 'asc',
  '-request_time': 'desc',
  '-requestTime': 'desc',
};

export function gcoreFake(options: GcoreFakeOptions): GcoreFake {
  const records = [...options.records].sort((a, b) => a.request_time - b.request_time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const times = Float64Array.from(records, (r) => r.request_time);
  const startInclusive = options.startInclusive ?? true;
  const endInclusive = options.endInclusive ?? true;
  const requests: Request[] = [];
  let received = 0;

  const handler = http.get(`*${GCORE_REQUESTS_PATH}`, async ({ request }) => {
    const n = ++received;
    requests.push(request);
    if (options.latencyMs) await delay(options.latencyMs);
    if (options.intercept) {
      const injected = await options.intercept(request, n);
      if (injected) return injected;
    }

    const auth = /^apikey (.+)$/i.exec(request.headers.get('authorization') ?? '');
    if (!auth || auth[1] !== options.apiKey) return problem(401, 'Unauthorized', 'Invalid API key.');

    const params = new URL(request.url).searchParams;
    for (const key of params.keys()) {
      if (key.endsWith('[]')) return problem(422, 'Unprocessable Entity', `Unknown query parameter ${key}: send arrays as repeated keys.`);
    }
    const limit = intParam(params, 'limit', MAX_LIMIT);
    if (limit === undefined || limit > MAX_LIMIT) return problem(422, 'Unprocessable Entity', `limit: must be an integer 0..${MAX_LIMIT}`);
    const offset = intParam(params, 'offset', 0);
    if (offset === undefined || offset > MAX_OFFSET) return problem(422, 'Unprocessable Entity', `offset: must be an integer 0..${MAX_OFFSET}`);
    const start = instantParam(params.get('start'));
    if (start === undefined) return problem(422, 'Unprocessable Entity', 'start: an ISO 8601 date-time is required');
    const end = params.has('end') ? instantParam(params.get('end')) : Date.now();
    if (end === undefined) return problem(422, 'Unprocessable Entity', 'end: must be an ISO 8601 date-time');
    const direction = ORDERINGS[params.get('ordering') ?? '-request_time'];
    if (!direction) return problem(422, 'Unprocessable Entity', `ordering: this fake supports only ${Object.keys(ORDERINGS).join(', ')}`);

    const lo = startInclusive ? lowerBound(times, start) : upperBound(times, start);
    const hi = Math.max(lo, endInclusive ? upperBound(times, end) : lowerBound(times, end));
    const match = matcher(params);
    let indexes: number[] | undefined;
    if (match) {
      indexes = [];
      for (let i = lo; i < hi; i++) if (match(records[i]!)) indexes.push(i);
    }
    const count = indexes ? indexes.length : hi - lo;
    const results: GcoreRecord[] = [];
    for (let k = offset; k < Math.min(count, offset + limit); k++) {
      const position = direction === 'asc' ? k : count - 1 - k;
      results.push(records[indexes ? indexes[position]! : lo + position]!);
    }
    return HttpResponse.json({ limit, offset, count, results });
  });

  return { handlers: [handler], records, requests };
}

function problem(status: number, title: string, detail: string): Response {
  return HttpResponse.json(
    { type: 'about:blank', title, status, detail },
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
}

function intParam(params: URLSearchParams, key: string, fallback: number): number | undefined {
  const value = params.get(key);
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function instantParam(value: string | null): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}(T|$)/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A predicate for the list filters present in the query, or undefined when there are none. */
function matcher(params: URLSearchParams): ((record: GcoreRecord) => boolean) | undefined {
  const set = (key: string, normalize: (v: string) => string = (v) => v) => {
    const values = params.getAll(key);
    return values.length ? new Set(values.map(normalize)) : undefined;
  };
  const decision = set('decision');
  const countries = set('countries', (v) => v.toUpperCase());
  const ips = set('ips', (v) => v.trim());
  const statusCodes = set('status_codes', (v) => String(Number(v)));
  const methods = set('http_methods');
  if (!decision && !countries && !ips && !statusCodes && !methods) return undefined;
  return (r) =>
    (!decision || decision.has(r.decision ?? '')) &&
    (!countries || countries.has((r.country ?? '').toUpperCase())) &&
    (!ips || ips.has(r.client_ip)) &&
    (!statusCodes || statusCodes.has(String(r.status_code))) &&
    (!methods || methods.has((r.method ?? '').toUpperCase()));
}

/** First index whose time is >= t. */
function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is > t. */
function upperBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const DECISIONS = ['blocked', 'monitored', 'allowed', 'passed'] as const;
const COUNTRIES = ['DE', 'US', 'MY', 'FR', 'BR'] as const;
const METHODS = ['GET', 'POST', 'HEAD'] as const;
const STATUSES = [200, 403, 404, 429, 302, 503, 499] as const;

export interface MakeGcoreRecordsOptions {
  /** Time of the first (oldest) record, epoch ms. */
  startMs: number;
  /** Milliseconds between consecutive instants. */
  stepMs: number;
  /** Consecutive records sharing one instant (default 1): 500 puts records 0..499 at startMs, 500..999 one step later. */
  sameMsEvery?: number;
}

/**
 * `n` valid, distinct records (unique ids), oldest first, with decisions, countries, methods, status codes and IPs
 * cycling at different periods so filters select varied subsets.
 */
export function makeGcoreRecords(n: number, options: MakeGcoreRecordsOptions): GcoreRecord[] {
  const every = Math.max(1, options.sameMsEvery ?? 1);
  const out: GcoreRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const decision = DECISIONS[i % DECISIONS.length]!;
    const hex = i.toString(16).padStart(32, '0');
    out[i] = {
      id: `${hex}-${String(i % 1_000_000).padStart(6, '0')}`,
      request_time: options.startMs + Math.floor(i / every) * options.stepMs,
      client_ip: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`,
      path: `/item/${i}`,
      method: METHODS[i % METHODS.length]!,
      rule_name: decision === 'blocked' ? 'SQL injection' : '',
      rule_id: decision === 'blocked' ? 'S1000' : '',
      country: COUNTRIES[i % COUNTRIES.length]!,
      action: decision === 'blocked' ? 'block' : '',
      domain: 'shop.example.com',
      domain_id: 1 + (i % 3),
      user_agent: 'Mozilla/5.0',
      user_agent_client: 'Chrome',
      organization: 'Example Org',
      reference_id: hex,
      status_code: STATUSES[i % STATUSES.length]!,
      result: decision === 'blocked' ? 'blocked' : 'passed',
      traffic_types: decision === 'blocked' ? 'injectionattack' : '',
      decision,
      optional_action: decision === 'blocked' && i % 8 === 0 ? 'captcha' : '',
      session_id: '',
      scheme: 'https',
      http_version: '1.1',
      ja3: 'e7d705a3286e19ea42f587b344ee6865',
    };
  }
  return out;
}
