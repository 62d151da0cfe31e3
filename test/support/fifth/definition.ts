// A fifth, cursor-paged provider ("acme"), defined only here: it proves a provider needs no edit outside its folder.
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
  credentials: ({ key }) => ({ headers: () => ({ 'x-acme-key': key }), secrets: [key] }),
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
  ],
});

const [hits] = acmeDefinition.sources;

/** The acme client: the definition above through the same factory as the built-in providers. */
export function createAcmeClient(options: z.input<typeof acmeOptionsSchema>) {
  const client = createProviderClient(acmeDefinition, options);
  return {
    hits: (query: z.input<typeof acmeFiltersSchema> = {}, streamOptions?: StreamOptions<Checkpoint>): EventStream<AcmeEvent> => client.list(hits, query, streamOptions),
    close: () => client.close(),
  };
}

/** A fake acme API on 127.0.0.1: `count` hits newest first, a cursor is the index of the next hit. */
export async function startAcmeServer(count: number, startMs: number): Promise<{ url: string; requests: string[]; hits: AcmeHit[]; close: () => Promise<void> }> {
  const all: AcmeHit[] = Array.from({ length: count }, (_, i) => ({ hit_id: `h${i}`, at: startMs - i * 1000, ip: `10.0.0.${i % 250}`, blocked: i % 3 === 0 }));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(url.search);
    if (req.headers['x-acme-key'] !== 'secret-acme-key') {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad key"}');
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
  return { url: `http://127.0.0.1:${port}`, requests, hits: all, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
