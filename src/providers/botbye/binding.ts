import { defineClient, type GatheredOptions, type FilterPairs, type TimeWindow } from '../../core/definition.js';
import { createBotByeClient, type BotByeClient, type BotByeClientOptions } from './client.js';
import type { BotByeFollowQuery, BotByeRequestsQuery } from './filters.js';

const asNumber = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
const scalar = (v: string): string | number | boolean => (v === 'true' ? true : v === 'false' ? false : asNumber(v));

/**
 * CLI `--filter key=value` pairs as a `where` tree: `eq` for one value, `in` for several, `and` over the keys, and
 * with a window its `createdAt` bounds (BotBye's lists take no `start`/`end`). None when there is nothing to say.
 */
export function botByeWhere(pairs: FilterPairs, window?: TimeWindow): unknown {
  const leaves: unknown[] = [];
  for (const [key, values] of pairs) {
    leaves.push(values.length === 1 ? { predicate: 'eq', fieldPath: key, value: scalar(values[0]!) } : { predicate: 'in', fieldPath: key, value: values.map(scalar) });
  }
  if (window) leaves.push({ predicate: 'gte', fieldPath: 'createdAt', value: window.start }, { predicate: 'lt', fieldPath: 'createdAt', value: window.end });
  return leaves.length === 0 ? undefined : leaves.length === 1 ? leaves[0] : { predicate: 'and', operands: leaves };
}

/**
 * How the CLI and the workers drive a BotBye client. Queries arrive untyped (flags, job data): the casts hand them
 * to the client, whose query schema validates them (the `where` tree included) before any request.
 */
export const botByeClientBinding = defineClient({
  create: (options: GatheredOptions) => createBotByeClient(options as BotByeClientOptions),
  fields: [
    { flag: 'botbye-api-key', env: 'BOTBYE_API_KEY', option: 'apiKey', secret: true, required: true },
    { flag: 'botbye-account-id', env: 'BOTBYE_ACCOUNT_ID', option: 'accountId', required: true },
    { flag: 'botbye-project-id', env: 'BOTBYE_PROJECT_ID', option: 'projectId', required: true, query: true },
    // Required: BotBye's documentation names no default origin.
    { flag: 'botbye-base-url', env: 'BOTBYE_BASE_URL', option: 'baseUrl', required: true },
  ],
  sources: [
    {
      id: 'botbye.requests',
      aliases: ['botbye'],
      // The window is a `where` on `createdAt`, not `start`/`end`: a backfill cannot shard it.
      windowed: false,
      list: (client, query, options) => client.requests(query as BotByeRequestsQuery, options),
      follow: (client, query, options) => client.follow(query as BotByeFollowQuery, options),
      listQuery: (pairs, window, settings) => ({ projectId: settings.projectId, where: botByeWhere(pairs, window) }),
      followQuery: (pairs, settings) => ({ projectId: settings.projectId, ...(pairs.size ? { where: botByeWhere(pairs) } : {}) }),
    },
  ],
});
