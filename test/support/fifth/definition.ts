// A fifth, cursor-paged provider ("acme"), defined only here: it proves a provider needs no edit outside its folder.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { defineProvider, defineSource } from '../../../src/core/definition.js';
import type { EventOf } from '../../../src/core/event.js';
import { clientOptionsSchema, parseClientOptions, resolveClientOptions } from '../../../src/core/options.js';
import { EventStream, fingerprint, readCheckpoint, type Checkpoint } from '../../../src/core/pager.js';
import { cursorPages, cursorPositionSchema, cursorStart } from '../../../src/core/strategies/cursor.js';
import { createTransport } from '../../../src/core/transport.js';
import { parseInput, parseRecords, parseResponse } from '../../../src/core/validate.js';
import type { StreamOptions } from '../../../src/core/options.js';
import type { InvalidRecord } from '../../../src/core/pager.js';

export const acmeHitSchema = z.object({ hit_id: z.string(), at: z.number().int(), ip: z.string(), blocked: z.boolean() });
export type AcmeHit = z.infer<typeof acmeHitSchema>;
const acmePageSchema = z.object({ hits: z.array(z.unknown()), next: z.string().nullable() });
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
  options: acmeOptionsSchema,
  auth: 'X-Acme-Key: <key>',
  sources: [
    defineSource({
      id: 'acme.hits',
      path: '/hits',
      paging: 'cursor',
      filters: acmeFiltersSchema,
      record: acmeHitSchema,
      idOf: (raw: AcmeHit) => raw.hit_id,
      timeOf: (raw: AcmeHit) => raw.at,
      normalize: normalizeAcmeHit,
    }),
  ],
});

const [hits] = acmeDefinition.sources;

/** The acme client, built only from core pieces and the definition above. */
export function createAcmeClient(options: z.input<typeof acmeOptionsSchema>) {
  const { key, ...rest } = parseClientOptions(acmeOptionsSchema, options, 'acme client options');
  const resolved = resolveClientOptions(rest, 'https://api.acme.test', 'acme client options');
  const transport = createTransport({ ...resolved, provider: acmeDefinition.name, authHeaders: () => ({ 'x-acme-key': key }), secrets: () => [key] });
  return {
    hits(query: z.input<typeof acmeFiltersSchema> = {}, streamOptions: StreamOptions<Checkpoint> = {}): EventStream<AcmeEvent> {
      const filters = parseInput(acmeFiltersSchema, query, 'acme hits query');
      const queryKey = fingerprint(filters);
      return EventStream.of({
        source: hits.id,
        query: queryKey,
        start: cursorStart,
        resume: readCheckpoint(streamOptions.resume, hits.id, queryKey, cursorPositionSchema),
        open: cursorPages<AcmeHit>({
          prefetch: resolved.concurrency > 1,
          idOf: hits.idOf,
          async fetch({ after, signal }) {
            const query: Array<[string, string]> = [['size', String(filters.pageSize)], ...(after ? [['after', after] as [string, string]] : [])];
            const { body } = await transport.getJson(hits.path, query, { signal });
            const page = parseResponse(acmePageSchema, body, acmeDefinition.name, hits.path);
            const items = parseRecords(acmeHitSchema, page.hits, acmeDefinition.name, hits.path, 'hits') as Array<AcmeHit | InvalidRecord>;
            return { items, endCursor: page.next, hasNextPage: page.next !== null, raw: body };
          },
        }),
        normalize: hits.normalize,
        signals: [resolved.signal, streamOptions.signal],
      });
    },
    close: () => transport.close(),
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
