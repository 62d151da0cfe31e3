import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * "Moving server" fakes: one dataset whose records move while a read is under way, served on a real 127.0.0.1
 * socket in the three paging styles (Gcore offset/limit, TransactCDN page/page_of, BotBye cursor), with knobs for
 * the ways real log APIs misbehave: a page cap, late inserts anywhere in the window, deletes, expiry of the
 * oldest records, one long page, one (or every) empty page, a cursor that is ignored, null optional fields and a
 * record without an id. Every answer is computed from the dataset as it is at that request, so each page is a
 * consistent snapshot, as a real database would serve it.
 */
export interface MovingRecord {
  id: string;
  /** Epoch ms. */
  t: number;
}

export type Style = 'offset' | 'page' | 'cursor';

export interface Knobs {
  /** Serve at most this many records per page, whatever was asked. */
  pageCap?: number;
  /** TransactCDN: compute `page_of` from the asked size (the served size when false). Default false. */
  pageOfByAsked?: boolean;
  /** Called before request `n` (1-based) is answered: mutate the dataset here. */
  beforeRequest?: (n: number, data: Dataset) => void;
  /**
   * Milliseconds to hold request `n` before answering it (`beforeRequest` runs when the answer is made, after the
   * hold): requests in flight at once are then answered out of order, as a loaded server answers them.
   */
  holdMs?: (n: number, url: URL) => number;
  /** Request numbers answered with `extra` more records than asked (a long page). */
  longPage?: { request: number; extra: number };
  /** Request numbers answered with an empty page (counts unchanged); `every: true` from that request on. */
  emptyPage?: { request: number; every?: boolean };
  /** From this request on, the cursor is ignored and page 1 is served again. */
  ignoreCursorFrom?: number;
  /** Send every optional field as `null`. */
  nulls?: boolean;
  /** Serve this record without its id. */
  noIdFor?: string;
}

/** The records, kept sorted by time then id. */
export class Dataset {
  #records: MovingRecord[];
  constructor(records: readonly MovingRecord[]) {
    this.#records = [...records].sort(compare);
  }
  get all(): readonly MovingRecord[] {
    return this.#records;
  }
  insert(...records: MovingRecord[]): void {
    this.#records = [...this.#records, ...records].sort(compare);
  }
  delete(ids: Iterable<string>): void {
    const gone = new Set(ids);
    this.#records = this.#records.filter((r) => !gone.has(r.id));
  }
  /** Removes the `n` oldest records (retention). */
  expireOldest(n: number): MovingRecord[] {
    const gone = this.#records.slice(0, n);
    this.#records = this.#records.slice(n);
    return gone;
  }
  /** Records with `lo <= t <= hi` (or `< hi`), newest first unless `asc`. */
  window(lo: number, hi: number, hiInclusive: boolean, asc = false): MovingRecord[] {
    const out = this.#records.filter((r) => r.t >= lo && (hiInclusive ? r.t <= hi : r.t < hi));
    return asc ? out : out.reverse();
  }
}

function compare(a: MovingRecord, b: MovingRecord): number {
  return a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface MovingServer {
  url: string;
  data: Dataset;
  /** Requests answered so far. */
  requests: () => number;
  /** The URLs asked for, in arrival order. */
  urls: string[];
  /** Replace dataset and knobs (one server serves many schedules). */
  reset(records: readonly MovingRecord[], knobs?: Knobs): void;
  close(): Promise<void>;
}

export const ACCOUNT = 'acc1';
export const PROJECT = 'proj1';

export async function startMovingServer(style: Style, records: readonly MovingRecord[], knobs: Knobs = {}): Promise<MovingServer> {
  const state = { data: new Dataset(records), knobs, n: 0 };
  const urls: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const n = ++state.n;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    urls.push(url.href);
    const knobs = state.knobs;
    const respond = () => {
      knobs.beforeRequest?.(n, state.data);
      const body = answer(style, url, n, state.data, knobs);
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const hold = knobs.holdMs?.(n, url) ?? 0;
    if (hold > 0) setTimeout(respond, hold);
    else respond();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get data() {
      return state.data;
    },
    requests: () => state.n,
    urls,
    reset(next, nextKnobs = {}) {
      state.data = new Dataset(next);
      state.knobs = nextKnobs;
      state.n = 0;
      urls.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(style: Style, url: URL, n: number, data: Dataset, knobs: Knobs): unknown {
  if (style === 'offset') return gcorePage(url, n, data, knobs);
  if (style === 'page') return transactPage(url, n, data, knobs);
  return botbyePage(url, n, data, knobs);
}

/** How many records request `n` serves when `asked` were asked for. */
function servedSize(asked: number, n: number, knobs: Knobs): number {
  let size = knobs.pageCap === undefined ? asked : Math.min(asked, knobs.pageCap);
  if (knobs.longPage?.request === n) size += knobs.longPage.extra;
  return size;
}

function isEmpty(n: number, knobs: Knobs): boolean {
  const e = knobs.emptyPage;
  return e !== undefined && (e.every ? n >= e.request : n === e.request);
}

function gcorePage(url: URL, n: number, data: Dataset, knobs: Knobs) {
  const p = url.searchParams;
  const asked = Number(p.get('limit'));
  const offset = Number(p.get('offset'));
  const asc = p.get('ordering') === 'request_time';
  const all = data.window(Date.parse(p.get('start')!), Date.parse(p.get('end')!), true, asc);
  const slice = isEmpty(n, knobs) ? [] : all.slice(offset, offset + servedSize(asked, n, knobs));
  return { limit: asked, offset, count: all.length, results: slice.map((r) => gcoreRecord(r, knobs)) };
}

function gcoreRecord(r: MovingRecord, knobs: Knobs) {
  const out: Record<string, unknown> = { id: r.id, request_time: r.t, client_ip: '203.0.113.9', path: knobs.nulls ? null : '/x', decision: knobs.nulls ? null : 'blocked' };
  if (knobs.noIdFor === r.id) delete out.id;
  return out;
}

function transactPage(url: URL, n: number, data: Dataset, knobs: Knobs) {
  const p = url.searchParams;
  const asked = Number(p.get('page_size') ?? p.get('per_page') ?? 100);
  const page = Number(p.get('page') ?? 1);
  const lo = Date.parse(`${p.get('start_time')}Z`);
  const hi = Date.parse(`${p.get('end_time')}Z`);
  const all = data.window(lo, hi, false);
  const size = knobs.pageCap === undefined ? asked : Math.min(asked, knobs.pageCap);
  const slice = isEmpty(n, knobs) ? [] : all.slice((page - 1) * size, (page - 1) * size + servedSize(asked, n, knobs));
  const pageOf = Math.ceil(all.length / (knobs.pageOfByAsked ? asked : size));
  return { page, page_of: pageOf, time_from: lo / 1000, time_to: hi / 1000, events: slice.map((r) => transactRecord(r, knobs)) };
}

function transactRecord(r: MovingRecord, knobs: Knobs) {
  const out: Record<string, unknown> = {
    'Epoch Time': r.t / 1000,
    'Client IP': '203.0.113.9',
    'Event ID': r.id,
    id: r.id,
    Referer: knobs.nulls ? null : 'https://example.com/',
    'Action Type': knobs.nulls ? null : 'BLOCK_REQUEST',
    Host: knobs.nulls ? null : 'www.example.com',
  };
  if (knobs.noIdFor === r.id) {
    delete out['Event ID'];
    delete out.id;
  }
  return out;
}

/** Keyset cursors over (createdAt desc, id desc): a cursor names a record, and the next page starts after it. */
function botbyePage(url: URL, n: number, data: Dataset, knobs: Knobs) {
  const p = url.searchParams;
  const cursor = JSON.parse(p.get('cursor') ?? '{}') as { first?: number; after?: string };
  const asked = Number(cursor.first ?? p.get('limit') ?? 20);
  const all = data.window(-Infinity, Infinity, true);
  let from = 0;
  const ignore = knobs.ignoreCursorFrom !== undefined && n >= knobs.ignoreCursorFrom;
  if (cursor.after && !ignore) {
    const [t, id] = Buffer.from(cursor.after, 'base64url').toString().split('|') as [string, string];
    const key = { t: Number(t), id };
    from = all.findIndex((r) => compare(r, key as MovingRecord) < 0);
    if (from < 0) from = all.length;
  }
  const slice = isEmpty(n, knobs) ? [] : all.slice(from, from + servedSize(asked, n, knobs));
  const edges = slice.map((r) => ({ cursor: Buffer.from(`${r.t}|${r.id}`).toString('base64url'), node: botbyeRecord(r, knobs) }));
  const last = slice.at(-1);
  return {
    edges,
    pageInfo: {
      hasPreviousPage: from > 0,
      hasNextPage: from + slice.length < all.length,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: last ? Buffer.from(`${last.t}|${last.id}`).toString('base64url') : null,
      total: all.length,
    },
  };
}

function botbyeRecord(r: MovingRecord, knobs: Knobs) {
  const out: Record<string, unknown> = { id: r.id, createdAt: new Date(r.t).toISOString(), realIp: '203.0.113.9', referer: knobs.nulls ? null : 'https://example.com/', host: knobs.nulls ? null : 'x' };
  if (knobs.noIdFor === r.id) delete out.id;
  return out;
}

/** `n` records spread over `[startMs, startMs + n * stepMs)`, some sharing a millisecond. */
export function movingRecords(n: number, startMs: number, stepMs: number, prefix = 'r'): MovingRecord[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(i).padStart(6, '0')}`, t: startMs + Math.floor(i * stepMs) }));
}
