import { z } from 'zod';
import { botByeClientBinding } from './binding.js';
import { defineProvider, defineSource } from '../../core/definition.js';
import { clientOptionsSchema, credentialError } from '../../core/options.js';
import type { Query } from '../../core/url.js';
import { pathSegmentSchema, secureOrigin, SECURE_ORIGIN_MESSAGE } from '../../core/url.js';
import { BOTBYE_MAX_LIMIT, botByeRequestsQuerySchema } from './filters.js';
import { normalizeBotByeRequest } from './normalize.js';
import { botByePageSchema, botByeRequestSchema, parseBotByeTime, type BotByeRecord } from './response.js';
import { toWireWhere } from './where.js';

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
type Options = z.output<typeof botByeClientOptionsSchema>;

/** BotBye: one source, a project's requests, paged by opaque cursors. */
export const botByeDefinition = defineProvider({
  name: 'botbye',
  label: 'BotBye',
  options: botByeClientOptionsSchema,
  auth: 'Authorization: Bearer <apiKey>, or X-Api-Key: base64(<apiKey>)',
  credentials: ({ apiKey, auth }) => {
    const encoded = Buffer.from(apiKey, 'utf8').toString('base64');
    return {
      headers: (): Record<string, string> => (auth === 'x-api-key' ? { 'x-api-key': encoded } : { authorization: `Bearer ${apiKey}` }),
      secrets: [apiKey, encoded],
    };
  },
  // The public client and its CLI/worker settings (`binding.ts`); that module imports the client, which imports
  // this one: only functions cross the cycle, and the client reads the definition when called, not when loaded.
  client: botByeClientBinding,
  sources: [
    defineSource({
      id: 'botbye.requests',
      path: '/api/v1/{account_id}/projects/{project_id}/requests',
      paging: 'cursor',
      what: 'BotBye requests query',
      filters: botByeRequestsQuerySchema,
      record: botByeRequestSchema,
      // Each node is checked on its own, so one bad record meets `onInvalidRecord`, not the page.
      envelope: botByePageSchema.extend({ edges: z.array(z.object({ cursor: z.string().nullish(), node: z.unknown() })) }),
      at: (index) => `edges[${index}].node`,
      pageSize: { field: 'limit', max: BOTBYE_MAX_LIMIT },
      rules: { after: (query) => query.after },
      follow: { order: 'asc' },
      idOf: (record: BotByeRecord) => record.id,
      timeOf: (record: BotByeRecord) => parseBotByeTime(record.createdAt).getTime(),
      normalize: normalizeBotByeRequest,
      params: (query, options: Options) => ({ account_id: options.accountId, project_id: query.projectId }),
      // Checkpoints are bound to the account as well: a project id alone could name another account's project.
      key: (query, options: Options) => ({ accountId: options.accountId, ...query }),
      // The schemas only check (no transforms), so the body's own nodes are the records, and unlike zod's copies
      // they keep BotBye's key order: `raw` is exactly what was received.
      records: (page) => page.edges.map((edge) => edge.node),
      tells: (page) => ({ endCursor: page.pageInfo.endCursor ?? null, hasNextPage: page.pageInfo.hasNextPage, total: page.pageInfo.total }),
      request: (query) => {
        const fixed: Query = [
          ...(query.where ? [['where', JSON.stringify(toWireWhere(query.where))] as const] : []),
          ...(query.orderBy ? [['order_by', JSON.stringify(query.orderBy)] as const] : []),
          ['limit', String(query.limit)],
          ...(query.total ? [['total', 'true'] as const] : []),
        ];
        return ({ after, size }) => ({ query: [['cursor', JSON.stringify(after === null ? { first: size } : { first: size, after })], ...fixed] });
      },
    }),
  ],
});
