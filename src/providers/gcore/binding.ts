import { defineClient, type GatheredOptions, type FilterPairs } from '../../core/definition.js';
import { createGcoreClient, type GcoreClient, type GcoreClientOptions, type GcoreFollowQuery } from './client.js';
import type { GcoreRequestsQuery } from './filters.js';

// `filters` keys that take one value (the last given wins) and those whose values are numbers.
const SCALARS = new Set(['limit', 'ordering']);
const NUMBERS = new Set(['domains', 'exclude_domains', 'limit']);
const asNumber = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);

/** CLI `--filter key=value` pairs as Gcore filters: lists, except the scalar keys; numbers where the API wants them. */
export function gcoreFilters(pairs: FilterPairs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, values] of pairs) {
    const typed = NUMBERS.has(key) ? values.map(asNumber) : values;
    out[key] = SCALARS.has(key) ? typed.at(-1) : typed;
  }
  return out;
}

/**
 * How the CLI and the workers drive a Gcore client. Queries arrive untyped (flags, job data): the casts hand them
 * to the client, whose filter schema validates them before any request.
 */
export const gcoreClientBinding = defineClient({
  create: (options: GatheredOptions) => createGcoreClient(options as GcoreClientOptions),
  fields: [
    { flag: 'gcore-api-key', env: 'GCORE_API_KEY', option: 'apiKey', secret: true, required: true },
    { flag: 'gcore-base-url', env: 'GCORE_BASE_URL', option: 'baseUrl' },
  ],
  sources: [
    {
      id: 'gcore.waap',
      aliases: ['gcore'],
      windowed: true,
      list: (client, query, options) => client.requests(query as GcoreRequestsQuery, options),
      follow: (client, query, options) => client.follow(query as GcoreFollowQuery, options),
      listQuery: (pairs, { start, end }) => ({ ...gcoreFilters(pairs), start, end }),
      followQuery: (pairs) => gcoreFilters(pairs),
    },
  ],
});
