import { z } from 'zod';
import { gcoreClientBinding } from './binding.js';
import { defineProvider, defineSource } from '../../core/definition.js';
import { clientOptionsSchema, credentialError } from '../../core/options.js';
import { GCORE_MAX_LIMIT, gcoreQueryBuilder, gcoreRequestsQuerySchema, retentionWarning } from './filters.js';
import { normalizeGcore } from './normalize.js';
import { gcoreRecordSchema, gcoreRequestsPageSchema, type GcoreRecord } from './response.js';

/** The API's documented cap on `offset`. */
export const MAX_OFFSET = 100_000;

// Strict, so a misspelt option (`timeout:`) is refused by name instead of silently ignored.
export const gcoreClientOptionsSchema = z.strictObject({
  ...clientOptionsSchema.shape,
  /** A Gcore API token; sent as `Authorization: APIKey <token>`. */
  apiKey: z.string(credentialError('a Gcore API key')).trim().min(1, 'must be a non-empty Gcore API key'),
});

/** `Date` reaches ±8.64e15 ms; an integer past it would make an Invalid Date. */
const recordSchema = gcoreRecordSchema.refine((record) => Math.abs(record.request_time) <= 8.64e15, {
  path: ['request_time'],
  message: 'is not a valid instant',
});

/** Gcore WAAP: one source, the request log, paged by offset and limit. */
export const gcoreDefinition = defineProvider({
  name: 'gcore',
  label: 'Gcore',
  baseUrl: 'https://api.gcore.com',
  options: gcoreClientOptionsSchema,
  auth: 'Authorization: APIKey <apiKey>',
  credentials: ({ apiKey }) => ({ headers: () => ({ authorization: `APIKey ${apiKey}` }), secrets: [apiKey] }),
  // The public client and its CLI/worker settings (`binding.ts`); that module imports the client, which imports
  // this one: only functions cross the cycle, and the client reads the definition when called, not when loaded.
  client: gcoreClientBinding,
  sources: [
    defineSource({
      id: 'gcore.waap',
      path: '/waap/v1/analytics/requests',
      paging: 'offset',
      what: 'Gcore requests filters',
      filters: gcoreRequestsQuerySchema,
      record: recordSchema,
      // Records are checked one by one, so one bad record meets `onInvalidRecord`, not the page.
      envelope: gcoreRequestsPageSchema.extend({ results: z.array(z.unknown()) }),
      at: 'results',
      pageSize: { field: 'limit', max: GCORE_MAX_LIMIT },
      // No `end`, or one still in the future, is pinned to "now" when iteration starts, so records arriving
      // meanwhile cannot shift offsets under a newest-first read. The filters require a start.
      rules: {
        maxOffset: MAX_OFFSET,
        window: { grainMs: 1, settleMs: 0 },
        direction: (filters) => (filters.ordering === 'request_time' || filters.ordering === 'requestTime' ? 'asc' : 'desc'),
      },
      // The 100 100-record reach is the list's business: it splits large windows itself.
      follow: { order: 'asc' },
      idOf: (record: GcoreRecord) => record.id,
      timeOf: (record: GcoreRecord) => record.request_time,
      normalize: normalizeGcore,
      records: (page) => page.results,
      tells: (page) => ({ total: page.count }),
      request: (filters) => {
        const build = gcoreQueryBuilder(filters);
        return (ask) => ({ query: build(ask, ask) });
      },
      warn: (filters, logger) => {
        const stale = retentionWarning(filters);
        if (stale) logger?.warn?.(stale, { start: filters.start.toISOString() });
      },
    }),
  ],
});
