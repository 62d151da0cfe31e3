import type { GcoreRecord } from '../providers/gcore/response.js';
import { delay, intParam, json, type Intercept, type Route } from './http.js';

/**
 * A fake Gcore WAAP `GET /waap/v1/analytics/requests`, as a Fetch handler (served by the simulator's node:http
 * server, or by msw through `wafstream/testing/msw`). It follows the doc and provider-notes.md:
 * `APIKey <key>` auth (scheme case-insensitive), `limit` 0..100, `offset` 0..100000, `start` required,
 * arrays as repeated keys, `count` = total matching, problem+json errors with 422 for bad parameters.
 * The dataset is kept sorted by time and windows are found by binary search, so 150 000+ records stay fast.
 */
export interface GcoreFakeOptions {
  /** Informational only: the route matches the path on any origin, so one fake serves every bridge. */
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
  intercept?: Intercept;
  /** The fake's clock: the default `end` is now. Default `Date.now`. */
  now?: () => number;
}

export interface GcoreFake {
  routes: Route[];
  /** The dataset as the fake serves it: sorted by `request_time`, then `id`. Grows with `add`. */
  records: readonly GcoreRecord[];
  /** Every request the fake received, in arrival order. */
  requests: Request[];
  /** Adds records (new arrivals) to the dataset, keeping its order. */
  add(records: readonly GcoreRecord[]): void;
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

/** The Gcore fake over `records`: routes plus the live dataset. */
export function gcoreFake(options: GcoreFakeOptions): GcoreFake {
  const records = [...options.records].sort(byTime);
  let times = Float64Array.from(records, (r) => r.request_time);
  const now = options.now ?? Date.now;
  const startInclusive = options.startInclusive ?? true;
  const endInclusive = options.endInclusive ?? true;
  const requests: Request[] = [];
  let received = 0;

  const handle = async (request: Request): Promise<Response> => {
    const n = ++received;
    requests.push(request);
    if (options.latencyMs) await delay(options.latencyMs);
    if (options.intercept) {
      const injected = await options.intercept(request, n);
      if (injected) return injected;
    }

    const auth = /^apikey (.+)$/i.exec(request.headers.get('authorization') ?? '');
    if (!auth || auth[1] !== options.apiKey) return gcoreError(401, 'Unauthorized', 'Invalid API key.');

    const params = new URL(request.url).searchParams;
    for (const key of params.keys()) {
      if (key.endsWith('[]')) return gcoreError(422, 'Unprocessable Entity', `Unknown query parameter ${key}: send arrays as repeated keys.`);
    }
    const limit = intParam(params.get('limit'), MAX_LIMIT);
    if (limit === undefined || limit > MAX_LIMIT) return gcoreError(422, 'Unprocessable Entity', `limit: must be an integer 0..${MAX_LIMIT}`);
    const offset = intParam(params.get('offset'), 0);
    if (offset === undefined || offset > MAX_OFFSET) return gcoreError(422, 'Unprocessable Entity', `offset: must be an integer 0..${MAX_OFFSET}`);
    const start = instantParam(params.get('start'));
    if (start === undefined) return gcoreError(422, 'Unprocessable Entity', 'start: an ISO 8601 date-time is required');
    const end = params.has('end') ? instantParam(params.get('end')) : now();
    if (end === undefined) return gcoreError(422, 'Unprocessable Entity', 'end: must be an ISO 8601 date-time');
    const direction = ORDERINGS[params.get('ordering') ?? '-request_time'];
    if (!direction) return gcoreError(422, 'Unprocessable Entity', `ordering: this fake supports only ${Object.keys(ORDERINGS).join(', ')}`);

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
    return json({ limit, offset, count, results });
  };

  const add = (more: readonly GcoreRecord[]) => {
    if (!more.length) return;
    // Arrivals are mostly newer than the dataset: V8's TimSort on a sorted run plus a tail is near linear.
    records.push(...more);
    records.sort(byTime);
    times = Float64Array.from(records, (r) => r.request_time);
  };
  return { routes: [{ method: 'GET', path: GCORE_REQUESTS_PATH, handle }], records, requests, add };
}

function byTime(a: GcoreRecord, b: GcoreRecord): number {
  return a.request_time - b.request_time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** An error as Gcore sends it: RFC 9457 problem+json. */
export function gcoreError(status: number, title: string, detail: string): Response {
  return json(
    { type: 'about:blank', title, status, detail },
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
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
