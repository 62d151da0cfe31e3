import { delay, json, pathParams, type Intercept, type Route } from './http.js';

/**
 * A fake BotBye requests API as a Fetch handler (served by the simulator's node:http server, or by msw through
 * `wafstream/testing/msw`). It follows
 * botbye-requests.txt and provider-notes.md: `Authorization: Bearer <key>` or `X-Api-Key: base64(<key>)`
 * (401 otherwise), `cursor` / `where` / `order_by` as JSON query parameters, `limit` at most 100 (400 past it),
 * a malformed `where` → 400. It evaluates the `where` tree on its dataset for real and sorts by `order_by`
 * (default `createdAt` DESC), with keyset cursors: a cursor names the sort key and id of a record, and the
 * next page starts strictly after it, so a record shares a timestamp with its neighbours without being lost.
 */
export type FakeNode = Record<string, unknown> & { id: string; createdAt: string };

export interface BotByeFakeOptions {
  apiKey: string;
  /** Which header the fake checks. Default 'bearer'. */
  auth?: 'bearer' | 'x-api-key';
  accountId: string;
  projectId: string;
  records: readonly FakeNode[];
  /** Which spelling of the branch list the server reads. Default 'operands'. */
  branchKey?: 'operands' | 'opearands';
  latencyMs?: number;
  /** Called first for every request with its 1-based number; a Response returned is sent instead of the answer. */
  intercept?: Intercept;
  /** Rewrites a page body before it is sent (to fake a repeating cursor, odd values, …). */
  tamper?: (page: FakePage, n: number) => FakePage;
}

export interface FakePage {
  edges: Array<{ cursor: string; node: FakeNode }>;
  pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null; total: number };
}

export interface BotByeFake {
  routes: Route[];
  requests: Request[];
  /** The dataset, in the order given (each request sorts its matches). Grows with `add`. */
  records: readonly FakeNode[];
  /** Adds records (new arrivals) to the dataset. */
  add(records: readonly FakeNode[]): void;
}

export const BOTBYE_REQUESTS_PATH = '/api/v1/:accountId/projects/:projectId/requests';
const LEAVES = new Set(['eq', 'not_eq', 'like', 'starts_with', 'gt', 'lt', 'gte', 'lte', 'in', 'is_null', 'is_not_null']);
type Predicate = (node: FakeNode) => boolean;

/** The BotBye fake over `records`: routes plus the live dataset. */
export function botByeFake(options: BotByeFakeOptions): BotByeFake {
  const requests: Request[] = [];
  const branchKey = options.branchKey ?? 'operands';
  const records = [...options.records];
  let received = 0;

  const handle = async (request: Request): Promise<Response> => {
    const params = pathParams(BOTBYE_REQUESTS_PATH, request);
    const n = ++received;
    requests.push(request);
    if (options.latencyMs) await delay(options.latencyMs);
    const injected = await options.intercept?.(request, n);
    if (injected) return injected;
    if (!authorized(request, options)) {
      // Echo what was sent, as a careless server might: the client must scrub it from its errors.
      return json({ error: 'Unauthorized', received: request.headers.get('authorization') ?? request.headers.get('x-api-key') }, { status: 401 });
    }
    if (params.accountId !== options.accountId || params.projectId !== options.projectId) return badRequest('unknown account or project', 404);

    const url = new URL(request.url);
    const limitText = url.searchParams.get('limit');
    const cursor = parseJson(url.searchParams.get('cursor') ?? '{}');
    if (!cursor.ok || typeof cursor.value !== 'object' || cursor.value === null) return badRequest('cursor is not JSON');
    const { first, after } = cursor.value as { first?: unknown; after?: unknown };
    const size = Number(first ?? limitText ?? 20);
    if (limitText !== null && !/^\d+$/.test(limitText)) return badRequest('limit must be an integer');
    if (!Number.isInteger(size) || size < 1 || size > 100 || Number(limitText ?? 0) > 100) return badRequest('limit must be 1..100');

    let match: Predicate = () => true;
    const whereText = url.searchParams.get('where');
    if (whereText !== null) {
      const where = parseJson(whereText);
      const compiled = where.ok ? compile(where.value, branchKey) : 'where is not JSON';
      if (typeof compiled === 'string') return badRequest(compiled);
      match = compiled;
    }
    const order = parseJson(url.searchParams.get('order_by') ?? '{"fieldPath":"createdAt","direction":"DESC"}');
    const orderBy = order.ok ? (order.value as { fieldPath?: unknown; direction?: unknown }) : undefined;
    if (!orderBy || typeof orderBy.fieldPath !== 'string' || (orderBy.direction !== 'ASC' && orderBy.direction !== 'DESC')) return badRequest('order_by is malformed');

    const sign = orderBy.direction === 'ASC' ? 1 : -1;
    const field = orderBy.fieldPath;
    const keyOf = (node: FakeNode): [unknown, string] => [node[field] ?? null, node.id];
    const compareKeys = (a: [unknown, string], b: [unknown, string]) => sign * compareValues(a[0], b[0]) || compareValues(a[1], b[1]);
    const matching = records.filter(match).sort((a, b) => compareKeys(keyOf(a), keyOf(b)));

    let from = 0;
    if (after !== undefined) {
      const key = decodeCursor(after);
      if (!key) return badRequest('cursor.after is not a cursor of this API');
      from = matching.findIndex((node) => compareKeys(keyOf(node), key) > 0);
      if (from < 0) from = matching.length;
    }
    const slice = matching.slice(from, from + size);
    const edges = slice.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
    let page: FakePage = {
      edges,
      pageInfo: {
        hasPreviousPage: from > 0,
        hasNextPage: from + slice.length < matching.length,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
        total: matching.length,
      },
    };
    if (options.tamper) page = options.tamper(page, n);
    return json(page);
  };

  const route: Route = { method: 'GET', path: BOTBYE_REQUESTS_PATH, handle };
  return { routes: [route], requests, records, add: (more) => void records.push(...more) };
}

function authorized(request: Request, options: BotByeFakeOptions): boolean {
  if ((options.auth ?? 'bearer') === 'bearer') return request.headers.get('authorization') === `Bearer ${options.apiKey}`;
  return request.headers.get('x-api-key') === Buffer.from(options.apiKey).toString('base64');
}

function badRequest(message: string, status = 400): Response {
  return botByeError(status, message);
}

/** An error as BotBye sends it: `{ "error": … }`. */
export function botByeError(status: number, message: string): Response {
  return json({ error: message }, { status });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function encodeCursor(key: [unknown, string]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: unknown): [unknown, string] | undefined {
  if (typeof cursor !== 'string') return undefined;
  const parsed = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  return parsed.ok && Array.isArray(parsed.value) && parsed.value.length === 2 && typeof parsed.value[1] === 'string'
    ? (parsed.value as [unknown, string])
    : undefined;
}

/** Total order over the values the dataset holds: null first, then numbers, booleans, strings (dates compare as ISO strings of one format). */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** A field's value and the leaf's value in comparable form: `createdAt` compares as an instant. */
function comparable(field: string, value: unknown): unknown {
  return field === 'createdAt' && typeof value === 'string' ? Date.parse(value) : value;
}

/** Compiles a `where` tree to a predicate, or returns the reason it is malformed. */
function compile(node: unknown, branchKey: 'operands' | 'opearands'): Predicate | string {
  if (!node || typeof node !== 'object') return 'where node is not an object';
  const { predicate, fieldPath, value } = node as { predicate?: unknown; fieldPath?: unknown; value?: unknown };
  if (predicate === 'and' || predicate === 'or') {
    const list = (node as Record<string, unknown>)[branchKey];
    if (!Array.isArray(list) || list.length === 0) return `${predicate} needs ${branchKey}`;
    const parts: Predicate[] = [];
    for (const child of list) {
      const compiled = compile(child, branchKey);
      if (typeof compiled === 'string') return compiled;
      parts.push(compiled);
    }
    return predicate === 'and' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
  }
  if (typeof predicate !== 'string' || !LEAVES.has(predicate)) return `unknown predicate ${String(predicate)}`;
  if (typeof fieldPath !== 'string' || !fieldPath) return `${predicate} needs a fieldPath`;
  const get = (r: FakeNode) => comparable(fieldPath, r[fieldPath]);
  const want = comparable(fieldPath, value);
  switch (predicate) {
    case 'is_null':
      return (r) => r[fieldPath] === null || r[fieldPath] === undefined;
    case 'is_not_null':
      return (r) => r[fieldPath] !== null && r[fieldPath] !== undefined;
    case 'in': {
      if (!Array.isArray(value)) return 'in needs an array value';
      const wanted = value.map((v) => comparable(fieldPath, v));
      return (r) => wanted.includes(get(r));
    }
    case 'like':
    case 'starts_with': {
      if (typeof value !== 'string') return `${predicate} needs a string value`;
      const pattern = predicate === 'like'
        ? new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 's')
        : undefined;
      return (r) => typeof r[fieldPath] === 'string' && (pattern ? pattern.test(r[fieldPath] as string) : (r[fieldPath] as string).startsWith(value));
    }
  }
  if (value === undefined || (typeof value === 'object' && value !== null)) return `${predicate} needs a scalar value`;
  switch (predicate) {
    case 'eq':
      return (r) => get(r) === want;
    case 'not_eq':
      return (r) => get(r) !== want;
    case 'gt':
      return (r) => get(r) != null && compareValues(get(r), want) > 0;
    case 'lt':
      return (r) => get(r) != null && compareValues(get(r), want) < 0;
    case 'gte':
      return (r) => get(r) != null && compareValues(get(r), want) >= 0;
    default:
      return (r) => get(r) != null && compareValues(get(r), want) <= 0;
  }
}
