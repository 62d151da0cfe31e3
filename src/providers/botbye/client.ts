import { z } from 'zod';
import { clientOptionsSchema, invalidRecordPolicy, resolveClientOptions, type StreamOptions } from '../../core/options.js';
import { EventStream, fingerprint, readCheckpoint, type Checkpoint, type InvalidRecord } from '../../core/pager.js';
import { cursorPages, cursorPositionSchema, cursorStart, type CursorPosition } from '../../core/strategies/cursor.js';
import { createTransport, type Query } from '../../core/transport.js';
import { parseInput, parseRecords, parseResponse } from '../../core/validate.js';
import { normalizeBotByeRequest, type BotByeEvent } from './normalize.js';
import { botByePageSchema, botByeRequestSchema, type BotByeRequest } from './response.js';
import { toWireWhere, whereBuilder, whereFieldSchema, whereSchema, type WhereBuilder, type WhereNode } from './where.js';

export type { BotByeEvent } from './normalize.js';

const SOURCE = 'botbye.requests';
/** The page envelope; each node is checked on its own, so one bad record meets `onInvalidRecord`, not the page. */
const envelopeSchema = botByePageSchema.extend({ edges: z.array(z.object({ cursor: z.string().nullish(), node: z.unknown() })) });
const MAX_LIMIT = 100;

/** Loopback hosts may be plain http (a local proxy, a test server); anything else must be https. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

// Strict, so a misspelt option is refused by name instead of silently ignored.
const botByeOptionsSchema = z.strictObject({
  ...clientOptionsSchema.shape,
  /** BotBye API key. Printable ASCII, as it goes into a header. */
  apiKey: z.string().regex(/^[\x21-\x7e]+$/, 'must be a non-empty API key of printable characters without spaces'),
  /** Your BotBye account id (the path's `{account_id}`). */
  accountId: z.string().min(1),
  /** BotBye's API origin. Required: the doc names none. https, or http on a loopback address. */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => {
      const parsed = new URL(url);
      return parsed.protocol === 'https:' || isLoopback(parsed.hostname);
    }, 'must be https (plain http only on a loopback address: 127.0.0.0/8, localhost, [::1])'),
  /** `bearer` (default): `Authorization: Bearer <key>`; `x-api-key`: `X-Api-Key: base64(<key>)`. */
  auth: z.enum(['bearer', 'x-api-key']).optional(),
});
export type BotByeClientOptions = z.input<typeof botByeOptionsSchema>;

const requestsQuerySchema = z.strictObject({
  projectId: z.string().min(1),
  where: whereSchema.optional(),
  orderBy: z.strictObject({ fieldPath: whereFieldSchema, direction: z.enum(['ASC', 'DESC']) }).optional(),
  /** Records per page, 1..100. Default 100. */
  limit: z.number().int().min(1).max(MAX_LIMIT).default(MAX_LIMIT),
  /** Start after this record cursor (an `edges[].cursor` or `pageInfo.endCursor` from an earlier read). */
  after: z.string().min(1).optional(),
  /** Ask BotBye to include the total in `pageInfo.total`; the stream then reports it as `stats().total`. */
  total: z.boolean().optional(),
});

/** What `requests()` takes. `where` is a tree, or a function building one with the typed builder. */
export type BotByeRequestsQuery = Omit<z.input<typeof requestsQuerySchema>, 'where'> & {
  where?: WhereNode | ((w: WhereBuilder) => WhereNode) | undefined;
};

export interface BotByeClient {
  /** Request records of one project, page by page through BotBye's cursors. */
  requests(query: BotByeRequestsQuery, options?: StreamOptions<Checkpoint>): EventStream<BotByeEvent>;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

/**
 * A BotBye client. The API key lives only in closures: it is not a property of the returned object and
 * never appears in an error.
 *
 * @example
 * const bots = createBotByeClient({ apiKey: process.env.BOTBYE_API_KEY!, accountId: 'acc_1', baseUrl });
 * for await (const event of bots.requests({ projectId, where: (w) => w.eq('isBanByRule', true) })) console.log(event.id);
 */
export function createBotByeClient(options: BotByeClientOptions): BotByeClient {
  const { apiKey, accountId, auth, ...rest } = parseInput(botByeOptionsSchema, options, 'BotBye client options');
  const resolved = resolveClientOptions(rest, rest.baseUrl, 'BotBye client options');
  const encodedKey = Buffer.from(apiKey, 'utf8').toString('base64');
  const transport = createTransport({
    ...resolved,
    provider: 'botbye',
    authHeaders: (): Record<string, string> => (auth === 'x-api-key' ? { 'x-api-key': encodedKey } : { authorization: `Bearer ${apiKey}` }),
    secrets: () => [apiKey, encodedKey],
  });

  return {
    requests(input, streamOptions) {
      const where = typeof input?.where === 'function' ? input.where(whereBuilder) : input?.where;
      const query = parseInput(requestsQuerySchema, { ...input, where }, 'BotBye requests query');
      const path = `/api/v1/${encodeURIComponent(accountId)}/projects/${encodeURIComponent(query.projectId)}/requests`;
      const fixed: Query = [
        ...(query.where ? [['where', JSON.stringify(toWireWhere(query.where))] as const] : []),
        ...(query.orderBy ? [['order_by', JSON.stringify(query.orderBy)] as const] : []),
        ['limit', String(query.limit)],
        ...(query.total ? [['total', 'true'] as const] : []),
      ];
      const key = fingerprint({ accountId, ...query });
      const start = (): CursorPosition => ({ ...cursorStart(), after: query.after ?? null });
      return EventStream.of({
        source: SOURCE,
        query: key,
        start,
        resume: readCheckpoint(streamOptions?.resume, SOURCE, key, cursorPositionSchema),
        onInvalidRecord: invalidRecordPolicy(streamOptions?.onInvalidRecord, resolved.onInvalidRecord),
        open: cursorPages<BotByeRequest>({
          // Cursor pages cannot be fetched in parallel; `concurrency: 1` means strictly one request at a time.
          prefetch: resolved.concurrency > 1,
          idOf: (record) => record.id,
          stallBackoffMs: resolved.retryDelay.baseMs,
          async fetch({ after, signal }) {
            const cursor = JSON.stringify(after === null ? { first: query.limit } : { first: query.limit, after });
            const { body } = await transport.getJson(path, [['cursor', cursor], ...fixed], { signal });
            const page = parseResponse(envelopeSchema, body, 'botbye', path);
            // The schemas only check (no transforms), so the body's own nodes are the records, and
            // unlike zod's copies they keep BotBye's key order: `raw` is exactly what was received.
            const nodes = page.edges.map((edge) => edge.node);
            return {
              items: parseRecords(botByeRequestSchema, nodes, 'botbye', path, (index) => `edges[${index}].node`) as Array<BotByeRequest | InvalidRecord>,
              endCursor: page.pageInfo.endCursor ?? null,
              hasNextPage: page.pageInfo.hasNextPage,
              total: page.pageInfo.total,
              raw: body,
            };
          },
        }),
        normalize: normalizeBotByeRequest,
        signals: [resolved.signal, streamOptions?.signal],
      });
    },
    close: () => transport.close(),
  };
}
