// A fifth, cursor-paged provider ("acme"), defined only here: it proves a provider needs no edit outside its folder.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createProviderClient } from '../../../src/core/client.js';
import { defineProvider, defineSource } from '../../../src/core/definition.js';
import type { EventOf } from '../../../src/core/event.js';
import { clientOptionsSchema, type StreamOptions } from '../../../src/core/options.js';
import type { Checkpoint, EventStream } from '../../../src/core/pager.js';

export const acmeHitSchema = z.object({ hit_id: z.string(), at: z.number().int(), ip: z.string(), blocked: z.boolean() });
export type AcmeHit = z.infer<typeof acmeHitSchema>;
export const acmeFiltersSchema = z.strictObject({ pageSize: z.number().int().min(1).max(50).default(7) });
const acmeOptionsSchema = z.strictObject({ ...clientOptionsSchema.shape, key: z.string().min(1) });

export type AcmeEvent = EventOf<'acme', 'acme.hits', AcmeHit>;
/** The same hits, searched with a POST body: a second source, to show a source may page with POST. */
export type AcmeSearchEvent = EventOf<'acme', 'acme.search', AcmeHit>;
export const acmeSearchSchema = z.strictObject({ blocked: z.boolean().optional(), first: z.number().int().min(1).max(20).default(5) });

/** acme signs every request: HMAC-SHA256 of `method path?query body` with the key, in `x-acme-signature`. */
export function acmeSignature(key: string, method: string, pathAndQuery: string, body: string | undefined): string {
  return createHmac('sha256', key).update(`${method} ${pathAndQuery} ${body ?? ''}`).digest('hex');
}

export function normalizeAcmeHit(raw: AcmeHit): AcmeEvent {
  return {
    provider: 'acme',
    source: 'acme.hits',
    id: raw.hit_id,
    time: new Date(raw.at),
    disposition: raw.blocked ? 'blocked' : 'allowed',
    providerAction: raw.blocked ? 'deny' : 'pass',
    client: { ip: raw.ip },
    request: {},
    response: {},
    rules: [],
    raw,
  };
}

export const acmeDefinition = defineProvider({
  name: 'acme',
  label: 'acme',
  baseUrl: 'https://api.acme.test',
  options: acmeOptionsSchema,
  auth: 'X-Acme-Key: <key>',
  credentials: ({ key }) => ({
    headers: () => ({ 'x-acme-key': key }),
    secrets: [key],
    sign: ({ method, url, body }) => ({ 'x-acme-signature': acmeSignature(key, method, url.slice(url.indexOf('/', 8)), body) }),
  }),
  sources: [
    defineSource({
      id: 'acme.hits',
      path: '/hits',
      paging: 'cursor',
      what: 'acme hits query',
      filters: acmeFiltersSchema,
      record: acmeHitSchema,
      envelope: z.object({ hits: z.array(z.unknown()), next: z.string().nullable() }),
      at: 'hits',
      pageSize: { field: 'pageSize', max: 50 },
      rules: {},
      idOf: (raw: AcmeHit) => raw.hit_id,
      timeOf: (raw: AcmeHit) => raw.at,
      normalize: normalizeAcmeHit,
      records: (page) => page.hits,
      tells: (page) => ({ endCursor: page.next, hasNextPage: page.next !== null }),
      request: () => ({ after, size }) => ({ query: [['size', String(size)], ...(after ? [['after', after] as const] : [])] }),
    }),
    defineSource({
      id: 'acme.search',
      path: '/search',
      paging: 'cursor',
      what: 'acme search query',
      filters: acmeSearchSchema,
      record: acmeHitSchema,
      envelope: z.object({ results: z.array(z.unknown()), cursor: z.string().nullable() }),
      at: 'results',
      pageSize: { field: 'first', max: 20 },
      rules: {},
      idOf: (raw: AcmeHit) => raw.hit_id,
      timeOf: (raw: AcmeHit) => raw.at,
      normalize: (raw: AcmeHit): AcmeSearchEvent => ({ ...normalizeAcmeHit(raw), source: 'acme.search' }),
      records: (page) => page.results,
      tells: (page) => ({ endCursor: page.cursor, hasNextPage: page.cursor !== null }),
      request: (filters) => ({ after, size }) => ({ method: 'POST', query: [], body: { blocked: filters.blocked, first: size, after } }),
    }),
  ],
});

const [hits, search] = acmeDefinition.sources;

/** The acme client: the definition above through the same factory as the built-in providers. */
export function createAcmeClient(options: z.input<typeof acmeOptionsSchema>) {
  const client = createProviderClient(acmeDefinition, options);
  return {
    hits: (query: z.input<typeof acmeFiltersSchema> = {}, streamOptions?: StreamOptions<Checkpoint>): EventStream<AcmeEvent> => client.list(hits, query, streamOptions),
    search: (query: z.input<typeof acmeSearchSchema> = {}, streamOptions?: StreamOptions<Checkpoint>): EventStream<AcmeSearchEvent> => client.list(search, query, streamOptions),
    close: () => client.close(),
  };
}

/**
 * A fake acme API on 127.0.0.1: `count` hits newest first, a cursor is the index of the next hit. `GET /hits` pages
 * by query; `POST /search` by a JSON body `{ blocked?, first, after? }`. Every request must carry the key and a
 * valid signature over its method, path and body (401 otherwise).
 */
export async function startAcmeServer(count: number, startMs: number): Promise<{ url: string; requests: string[]; bodies: unknown[]; hits: AcmeHit[]; close: () => Promise<void> }> {
  const all: AcmeHit[] = Array.from({ length: count }, (_, i) => ({ hit_id: `h${i}`, at: startMs - i * 1000, ip: `10.0.0.${i % 250}`, blocked: i % 3 === 0 }));
  const requests: string[] = [];
  const bodies: unknown[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(url.search);
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const body = text === '' ? undefined : text;
    if (req.headers['x-acme-key'] !== 'secret-acme-key' || req.headers['x-acme-signature'] !== acmeSignature('secret-acme-key', req.method!, req.url!, body)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad key or signature"}');
      return;
    }
    if (req.method === 'POST' && url.pathname === '/search') {
      const ask = JSON.parse(text) as { blocked?: boolean; first: number; after?: string | null };
      bodies.push(ask);
      const matching = all.filter((hit) => ask.blocked === undefined || hit.blocked === ask.blocked);
      const from = Number(ask.after ?? 0);
      const cursor = from + ask.first < matching.length ? String(from + ask.first) : null;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: matching.slice(from, from + ask.first), cursor }));
      return;
    }
    const from = Number(url.searchParams.get('after') ?? 0);
    const size = Number(url.searchParams.get('size'));
    const page = all.slice(from, from + size);
    const next = from + size < all.length ? String(from + size) : null;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hits: page, next }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, bodies, hits: all, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
