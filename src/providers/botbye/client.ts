import { z } from 'zod';
import { clientOptionsSchema, credentialError, invalidRecordPolicy, parseClientOptions, resolveClientOptions, type StreamOptions } from '../../core/options.js';
import { followStream, type FollowOptions, type FollowStream } from '../../core/follow.js';
import { EventStream, fingerprint, readCheckpoint, type Checkpoint, type InvalidRecord } from '../../core/pager.js';
import { cursorPages, cursorPositionSchema, cursorStart, type CursorPosition } from '../../core/strategies/cursor.js';
import { createTransport, type Query } from '../../core/transport.js';
import { pathSegmentSchema, secureOrigin, SECURE_ORIGIN_MESSAGE } from '../../core/url.js';
import { parseInput, parseRecords, parseResponse } from '../../core/validate.js';
import { normalizeBotByeRequest, type BotByeEvent } from './normalize.js';
import { botByePageSchema, botByeRequestSchema, type BotByeRequest } from './response.js';
import { toWireWhere, whereBuilder, whereFieldSchema, whereSchema, type WhereBuilder, type WhereNode } from './where.js';

export type { BotByeEvent } from './normalize.js';

const SOURCE = 'botbye.requests';
/** The page envelope; each node is checked on its own, so one bad record meets `onInvalidRecord`, not the page. */
const envelopeSchema = botByePageSchema.extend({ edges: z.array(z.object({ cursor: z.string().nullish(), node: z.unknown() })) });
const MAX_LIMIT = 100;

// Strict, so a misspelt option is refused by name instead of silently ignored.
export const botByeClientOptionsSchema = z.strictObject({
  ...clientOptionsSchema.shape,
  /** BotBye API key. Printable ASCII, as it goes into a header. */
  apiKey: z.string(credentialError('a BotBye API key')).regex(/^[\x21-\x7e]+$/, 'must be a non-empty API key of printable characters without spaces'),
  /** Your BotBye account id (the path's `{account_id}`). */
  accountId: pathSegmentSchema('a BotBye account id'),
  /** BotBye's API origin. Required: the doc names none. https, or http on a loopback address. */
  baseUrl: z
    .url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'is required (BotBye\'s API origin, e.g. https://api.botbye.example)' : undefined) })
    .refine(secureOrigin, SECURE_ORIGIN_MESSAGE),
  /** `bearer` (default): `Authorization: Bearer <key>`; `x-api-key`: `X-Api-Key: base64(<key>)`. */
  auth: z.enum(['bearer', 'x-api-key']).optional(),
});
export type BotByeClientOptions = z.input<typeof botByeClientOptionsSchema>;

export const botByeRequestsQuerySchema = z.strictObject({
  projectId: pathSegmentSchema('a BotBye project id'),
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
export type BotByeRequestsQuery = Omit<z.input<typeof botByeRequestsQuerySchema>, 'where'> & {
  where?: WhereNode | ((w: WhereBuilder) => WhereNode) | undefined;
};

export interface BotByeClient {
  /** Request records of one project, page by page through BotBye's cursors. */
  requests(query: BotByeRequestsQuery, options?: StreamOptions<Checkpoint>): EventStream<BotByeEvent>;
  /**
   * New request records as they arrive: each poll reads a `createdAt` window (`gte` start, `lt` end, joined to your
   * `where` with `and`), ordered by `createdAt` ascending. See `FollowOptions`.
   */
  follow(query: BotByeFollowQuery, options?: FollowOptions): FollowStream<BotByeEvent>;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

/** What `follow` takes: the `requests` query without the order and the start cursor, which the follow owns. */
export type BotByeFollowQuery = Omit<BotByeRequestsQuery, 'orderBy' | 'after'>;

/**
 * A BotBye client. The API key lives only in closures: it is not a property of the returned object and
 * never appears in an error.
 *
 * @example
 * const bots = createBotByeClient({ apiKey: process.env.BOTBYE_API_KEY!, accountId: 'acc_1', baseUrl });
 * for await (const event of bots.requests({ projectId, where: (w) => w.eq('isBanByRule', true) })) console.log(event.id);
 */
export function createBotByeClient(options: BotByeClientOptions): BotByeClient {
  const { apiKey, accountId, auth, ...rest } = parseClientOptions(botByeClientOptionsSchema, options, 'BotBye client options');
  const resolved = resolveClientOptions(rest, rest.baseUrl, 'BotBye client options');
  const encodedKey = Buffer.from(apiKey, 'utf8').toString('base64');
  const transport = createTransport({
    ...resolved,
    provider: 'botbye',
    authHeaders: (): Record<string, string> => (auth === 'x-api-key' ? { 'x-api-key': encodedKey } : { authorization: `Bearer ${apiKey}` }),
    secrets: () => [apiKey, encodedKey],
  });

  const client: BotByeClient = {
    follow(query, options) {
      const own = typeof query?.where === 'function' ? query.where(whereBuilder) : query?.where;
      const list = ({ start, end }: { start: Date; end: Date }, signal: AbortSignal) => {
        const window = [whereBuilder.gte('createdAt', start), whereBuilder.lt('createdAt', end)] as const;
        const where = own ? whereBuilder.and(own, ...window) : whereBuilder.and(...window);
        return client.requests({ ...query, where, orderBy: { fieldPath: 'createdAt', direction: 'ASC' } }, { signal });
      };
      const filters = { accountId, ...query, where: own };
      return followStream({ source: SOURCE, filters, order: 'asc', list, signals: [resolved.signal], logger: resolved.logger }, options);
    },
    requests(input, streamOptions) {
      const where = typeof input?.where === 'function' ? input.where(whereBuilder) : input?.where;
      const query = parseInput(botByeRequestsQuerySchema, { ...input, where }, 'BotBye requests query');
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
  return client;
}
