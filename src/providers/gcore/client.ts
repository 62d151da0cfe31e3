import type { z } from 'zod';
import { createProviderClient } from '../../core/client.js';
import type { FollowOptions, FollowStream } from '../../core/follow.js';
import type { StreamOptions } from '../../core/options.js';
import type { Checkpoint, EventStream } from '../../core/pager.js';
import { gcoreClientOptionsSchema, gcoreDefinition } from './definition.js';
import type { GcoreRequestsQuery } from './filters.js';
import type { GcoreEvent } from './normalize.js';

export { gcoreClientOptionsSchema, MAX_OFFSET } from './definition.js';

/** What `createGcoreClient` takes: the API key plus the options every client takes. */
export type GcoreClientOptions = z.input<typeof gcoreClientOptionsSchema>;

/** A Gcore WAAP client: its request analytics as a stream, or followed as they arrive. */
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
  follow(filters?: GcoreFollowQuery, options?: FollowOptions): FollowStream<GcoreEvent>;
  /** Closes the client's keep-alive connections. */
  close(): Promise<void>;
}

/** What `follow` takes: the `requests` filters without the window and the order. */
export type GcoreFollowQuery = Omit<GcoreRequestsQuery, 'start' | 'end' | 'ordering'>;
/** @deprecated Use `GcoreFollowQuery`. */
export type GcoreFollowFilters = GcoreFollowQuery;


/**
 * A Gcore WAAP client.
 *
 * @example
 * const waap = createGcoreClient({ apiKey: process.env.GCORE_API_KEY! });
 */
export function createGcoreClient(options: GcoreClientOptions): GcoreClient {
  const client = createProviderClient(gcoreDefinition, options);
  // Read here, not at module load: the definition imports this module back (its client binding), so the
  // definition may still be initialising when this module is evaluated.
  const [waap] = gcoreDefinition.sources;
  return {
    requests: (filters, streamOptions) => client.list(waap, filters, streamOptions),
    follow: (filters = {}, followOptions) =>
      client.follow(waap, filters, (own, { start, end }) => ({ ...own, start, end, ordering: 'request_time' }), followOptions),
    close: () => client.close(),
  };
}
