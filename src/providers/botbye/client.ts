import type { z } from 'zod';
import { createProviderClient } from '../../core/client.js';
import type { FollowOptions, FollowStream } from '../../core/follow.js';
import type { StreamOptions } from '../../core/options.js';
import type { Checkpoint, EventStream } from '../../core/pager.js';
import { botByeClientOptionsSchema, botByeDefinition } from './definition.js';
import type { BotByeFollowQuery, BotByeRequestsQuery } from './filters.js';
import type { BotByeEvent } from './normalize.js';
import { whereBuilder, type WhereNode } from './where.js';

export { botByeClientOptionsSchema } from './definition.js';
export { botByeRequestsQuerySchema } from './filters.js';
export type { BotByeFollowQuery, BotByeRequestsQuery } from './filters.js';
export type { BotByeEvent } from './normalize.js';

/** What `createBotByeClient` takes: the API key, the account and the origin, plus the options every client takes. */
export type BotByeClientOptions = z.input<typeof botByeClientOptionsSchema>;

/** A BotBye client: a project's request records as a stream, or followed as they arrive. */
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

/** A `where` as callers give it, the builder applied. */
function treeOf(where: BotByeRequestsQuery['where']): WhereNode | undefined {
  return typeof where === 'function' ? where(whereBuilder) : where;
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
  const client = createProviderClient(botByeDefinition, options);
  // Read here, not at module load: the definition imports this module back (its client binding), so the
  // definition may still be initialising when this module is evaluated.
  const [requests] = botByeDefinition.sources;
  return {
    requests: (query, streamOptions) => client.list(requests, { ...query, where: treeOf(query?.where) }, streamOptions),
    follow(query, followOptions) {
      const own = treeOf(query?.where);
      const window = (q: BotByeFollowQuery, { start, end }: { start: Date; end: Date }) => {
        const edges = [whereBuilder.gte('createdAt', start), whereBuilder.lt('createdAt', end)] as const;
        return { ...q, where: own ? whereBuilder.and(own, ...edges) : whereBuilder.and(...edges), orderBy: { fieldPath: 'createdAt', direction: 'ASC' } } as const;
      };
      return client.follow(requests, query, window, followOptions, { accountId: client.options.accountId, ...query, where: own });
    },
    close: () => client.close(),
  };
}
