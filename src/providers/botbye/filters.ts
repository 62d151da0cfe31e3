import { z } from 'zod';
import { pathSegmentSchema } from '../../core/url.js';
import { whereFieldSchema, whereSchema, type WhereBuilder, type WhereNode } from './where.js';

/** The most records a page may hold, and what a read asks for by default. */
export const BOTBYE_MAX_LIMIT = 100;

/** What `requests()` validates: the project, the `where` tree (the builder already applied), order and paging. */
export const botByeRequestsQuerySchema = z.strictObject({
  projectId: pathSegmentSchema('a BotBye project id'),
  where: whereSchema.optional(),
  orderBy: z.strictObject({ fieldPath: whereFieldSchema, direction: z.enum(['ASC', 'DESC']) }).optional(),
  /** Records per page, 1..100. Default 100. */
  limit: z.number().int().min(1).max(BOTBYE_MAX_LIMIT).default(BOTBYE_MAX_LIMIT),
  /** Start after this record cursor (an `edges[].cursor` or `pageInfo.endCursor` from an earlier read). */
  after: z.string().min(1).optional(),
  /** Ask BotBye to include the total in `pageInfo.total`; the stream then reports it as `stats().total`. */
  total: z.boolean().optional(),
});

/** What `requests()` takes. `where` is a tree, or a function building one with the typed builder. */
export type BotByeRequestsQuery = Omit<z.input<typeof botByeRequestsQuerySchema>, 'where'> & {
  where?: WhereNode | ((w: WhereBuilder) => WhereNode) | undefined;
};

/** What `follow` takes: the `requests` query without the order and the start cursor, which the follow owns. */
export type BotByeFollowQuery = Omit<BotByeRequestsQuery, 'orderBy' | 'after'>;
