import { z } from 'zod';
import { clientOptionsSchema, credentialError, invalidRecordPolicy, parseClientOptions, resolveClientOptions, type StreamOptions } from '../../core/options.js';
import { followStream, type FollowOptions, type FollowStream } from '../../core/follow.js';
import { EventStream, fingerprint, readCheckpoint, type Checkpoint, type InvalidRecord } from '../../core/pager.js';
import { offsetPages, offsetPositionSchema, offsetStart } from '../../core/strategies/offset.js';
import { createTransport } from '../../core/transport.js';
import { parseInput, parseRecords, parseResponse } from '../../core/validate.js';
import { gcoreQueryBuilder, gcoreRequestsQuerySchema, retentionWarning, type GcoreRequestsQuery } from './filters.js';
import { normalizeGcore, type GcoreEvent } from './normalize.js';
import { gcoreRecordSchema, gcoreRequestsPageSchema, type GcoreRecord } from './response.js';

const DEFAULT_BASE_URL = 'https://api.gcore.com';
const REQUESTS_PATH = '/waap/v1/analytics/requests';
/** The API's documented caps: `limit` ≤ 100, `offset` ≤ 100 000. */
const MAX_LIMIT = 100;
export const MAX_OFFSET = 100_000;

/** The page envelope; records are checked one by one, so one bad record meets `onInvalidRecord`, not the page. */
const envelopeSchema = gcoreRequestsPageSchema.extend({ results: z.array(z.unknown()) });
/** `Date` reaches ±8.64e15 ms; an integer past it would make an Invalid Date. */
const recordSchema = gcoreRecordSchema.refine((record) => Math.abs(record.request_time) <= 8.64e15, {
  path: ['request_time'],
  message: 'is not a valid instant',
});

// Strict, so a misspelt option (`timeout:`) is refused by name instead of silently ignored.
export const gcoreClientOptionsSchema = z.strictObject({
  ...clientOptionsSchema.shape,
  /** A Gcore API token; sent as `Authorization: APIKey <token>`. */
  apiKey: z.string(credentialError('a Gcore API key')).trim().min(1, 'must be a non-empty Gcore API key'),
});
export type GcoreClientOptions = z.input<typeof gcoreClientOptionsSchema>;

export interface GcoreClient {
  /**
   * Request analytics (`GET /waap/v1/analytics/requests`), newest first unless `ordering` says otherwise.
   * Filters are validated now; requests start when iteration does. Result sets past the API's 100 100-record
   * reach are read as consecutive time windows.
   *
   * @example
   * for await (const e of waap.requests({ start: '2026-11-20T00:00:00Z', decision: ['blocked'] })) console.log(e.client.ip);
   */
  requests(filters: GcoreRequestsQuery, options?: StreamOptions<Checkpoint>): EventStream<GcoreEvent>;
  /**
   * New request analytics as they arrive, read in closed windows up to now − `lagMs`, oldest first
   * (`ordering: 'request_time'`). The window is the follow's business, so `start`, `end` and `ordering` are not filters.
   *
   * @example
   * for await (const e of waap.follow({ decision: ['blocked'] }, { store: fileCheckpointStore('gcore.json') })) await ship(e);
   */
  follow(filters?: GcoreFollowFilters, options?: FollowOptions): FollowStream<GcoreEvent>;
  /** Closes the client's keep-alive connections. */
  close(): Promise<void>;
}

/** What `follow` takes: the `requests` filters without the window and the order. */
export type GcoreFollowFilters = Omit<GcoreRequestsQuery, 'start' | 'end' | 'ordering'>;

/**
 * A Gcore WAAP client.
 *
 * @example
 * const waap = createGcoreClient({ apiKey: process.env.GCORE_API_KEY! });
 */
export function createGcoreClient(options: GcoreClientOptions): GcoreClient {
  const { apiKey, ...rest } = parseClientOptions(gcoreClientOptionsSchema, options, 'Gcore client options');
  const resolved = resolveClientOptions(rest, DEFAULT_BASE_URL, 'Gcore client options');
  // The key lives only in these closures: nothing on the returned object can print it.
  const transport = createTransport({
    ...resolved,
    provider: 'gcore',
    authHeaders: () => ({ authorization: `APIKey ${apiKey}` }),
    secrets: () => [apiKey],
  });

  function requests(query: GcoreRequestsQuery, streamOptions: StreamOptions<Checkpoint> = {}): EventStream<GcoreEvent> {
    const filters = parseInput(gcoreRequestsQuerySchema, query, 'Gcore requests filters');
    const stale = retentionWarning(filters);
    if (stale) resolved.logger?.warn?.(stale, { start: filters.start.toISOString() });
    const key = fingerprint(filters);
    const resume = readCheckpoint(streamOptions.resume, 'gcore.waap', key, offsetPositionSchema);
    const onInvalidRecord = invalidRecordPolicy(streamOptions.onInvalidRecord, resolved.onInvalidRecord);
    const buildQuery = gcoreQueryBuilder(filters);
    const ascending = filters.ordering === 'request_time' || filters.ordering === 'requestTime';

    return EventStream.of({
      source: 'gcore.waap',
      query: key,
      // Pinned when iteration starts: no `end`, or one still in the future, becomes "now", so records arriving
      // meanwhile cannot shift offsets under a newest-first read.
      start: () => {
        const now = Date.now();
        return offsetStart(filters.start.getTime(), Math.min(filters.end?.getTime() ?? now, now));
      },
      resume,
      open: offsetPages<GcoreRecord>({
        limit: filters.limit ?? MAX_LIMIT,
        maxOffset: MAX_OFFSET,
        direction: ascending ? 'asc' : 'desc',
        concurrency: resolved.concurrency,
        timeOf: (record) => record.request_time,
        idOf: (record) => record.id,
        stallBackoffMs: resolved.retryDelay.baseMs,
        async fetch({ startMs, endMs, offset, limit, signal }) {
          const response = await transport.getJson(REQUESTS_PATH, buildQuery({ startMs, endMs }, { offset, limit }), { signal });
          const page = parseResponse(envelopeSchema, response.body, 'gcore', REQUESTS_PATH);
          const items = parseRecords(recordSchema, page.results, 'gcore', REQUESTS_PATH, 'results') as Array<GcoreRecord | InvalidRecord>;
          return { items, total: page.count, raw: response.body };
        },
      }),
      normalize: normalizeGcore,
      onInvalidRecord,
      signals: [resolved.signal, streamOptions.signal],
    });
  }

  function follow(filters: GcoreFollowFilters = {}, options?: FollowOptions): FollowStream<GcoreEvent> {
    return followStream(
      {
        source: 'gcore.waap',
        filters,
        order: 'asc',
        // The 100 100-record reach is the list method's business: it splits large windows itself.
        list: ({ start, end }, signal) => requests({ ...filters, start, end, ordering: 'request_time' }, { signal }),
        signals: [resolved.signal],
        logger: resolved.logger,
      },
      options,
    );
  }

  return { requests, follow, close: () => transport.close() };
}
