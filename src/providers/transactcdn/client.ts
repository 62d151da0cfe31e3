import { z } from 'zod';
import { PaginationError } from '../../core/errors.js';
import { clientOptionsSchema, invalidRecordPolicy, parseClientOptions, resolveClientOptions, type StreamOptions } from '../../core/options.js';
import { followStream, type FollowOptions, type FollowSpec, type FollowStream } from '../../core/follow.js';
import { EventStream, fingerprint, readCheckpoint, type Checkpoint, type InvalidRecord, type StreamSpec } from '../../core/pager.js';
import { pagePages, pagePositionSchema, pageStart, type PagePosition, type PageRequest, type PageResponse } from '../../core/strategies/page.js';
import { createTransport, type Transport } from '../../core/transport.js';
import { parseInput, parseRecords, parseResponse } from '../../core/validate.js';
import {
  eventIdSchema,
  rateLimitingEventsQuerySchema,
  serializeFilters,
  wafEventsQuerySchema,
  type RateLimitingEventsQuery,
  type WafEventsQuery,
} from './filters.js';
import { normalizeRateLimitingEvent, normalizeWafEvent, type TransactCdnRateLimitingEvent, type TransactCdnWafEvent } from './normalize.js';
import { eventTimeMs, pageEnvelopeSchema, rateLimitingEventSchema, wafEventSchema } from './response.js';
import { pinWindow, querySeconds, RETENTION_MS } from './time.js';

export type { RateLimitingEventsQuery, WafEventsQuery } from './filters.js';
export type { TransactCdnRateLimitingEvent, TransactCdnWafEvent } from './normalize.js';
export type { TransactCdnRateLimitingRecord, TransactCdnWafRecord } from './response.js';

export const TRANSACTCDN_DEFAULT_BASE_URL = 'https://api.transactcdn.com';
const PROVIDER = 'transactcdn';
const DEFAULT_PAGE_SIZE = 1000;

export const transactCdnClientOptionsSchema = z.strictObject({
  ...clientOptionsSchema.shape,
  /** The REST API token; sent as `Authorization: TOK:<token>`. */
  token: z
    .string({ error: 'is required (a TransactCDN REST API token)' })
    .min(1, 'must not be empty')
    .regex(/^(?!TOK:)/i, 'must be the token alone, without the TOK: prefix')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  /** The customer account number, as in `/v2/mcc/customers/0001/…`. */
  accountNumber: z
    .string({ error: 'is required (the customer account number, e.g. 0001)' })
    .regex(/^[A-Za-z0-9]{1,32}$/, 'must be the customer account number (letters and digits, e.g. 0001)'),
});
/** What `createTransactCdnClient` takes: the credentials plus the options every client takes. */
export type TransactCdnClientOptions = z.input<typeof transactCdnClientOptionsSchema>;

type Query = [string, string][];

/**
 * A client for TransactCDN's WAF and rate-limiting event logs.
 *
 * @example
 * const cdn = createTransactCdnClient({ token: process.env.TRANSACTCDN_TOKEN!, accountNumber: '0001' });
 * for await (const event of cdn.wafEvents({ start: '2026-11-20T00:00:00Z', filters: { Host: 'www.example.com' } })) { … }
 */
export function createTransactCdnClient(options: TransactCdnClientOptions) {
  const { token, accountNumber, ...rest } = parseClientOptions(transactCdnClientOptionsSchema, options, 'TransactCDN client options');
  const resolved = resolveClientOptions(rest, TRANSACTCDN_DEFAULT_BASE_URL, 'TransactCDN client options');
  // The token lives only in these closures: never on the returned object, never in an error.
  const transport: Transport = createTransport({
    ...resolved,
    provider: PROVIDER,
    authHeaders: () => ({ authorization: `TOK:${token}` }),
    secrets: () => [token],
  });
  const base = `/v2/mcc/customers/${encodeURIComponent(accountNumber)}`;
  const wafPath = `${base}/waf/eventlogs`;
  const rateLimitingPath = `${base}/defend/rate_limiting/eventlogs`;

  /** GETs one page of an event log for the whole seconds around the window; the envelope validated, each event checked. */
  async function getPage<S extends typeof wafEventSchema | typeof rateLimitingEventSchema>(
    path: string,
    schema: S,
    request: PageRequest,
    fixed: { filters: string | undefined; sizeParam: 'page_size' | 'per_page' },
  ): Promise<PageResponse<z.output<S>>> {
    const { startTime, endTime } = querySeconds(request.startMs, request.endMs);
    const query: Query = [['start_time', startTime], ['end_time', endTime]];
    if (fixed.filters) query.push(['filters', fixed.filters]);
    query.push(['page', String(request.page)], [fixed.sizeParam, String(request.size)]);
    const response = await transport.getJson(path, query, { signal: request.signal });
    const body = parseResponse(pageEnvelopeSchema, response.body, PROVIDER, path);
    // A page other than the one asked for would repeat or skip records; nothing later could tell.
    if (body.events.length && body.page !== request.page) {
      throw new PaginationError(`${PROVIDER}: asked ${path} for page ${request.page} and got page ${body.page}`);
    }
    const items = parseRecords(schema, body.events, PROVIDER, path, 'events') as Array<z.output<S> | InvalidRecord>;
    return { items, pageCount: body.page_of, raw: response.body };
  }

  function stream<E, Raw>(spec: {
    source: StreamSpec<E, Raw, PagePosition>['source'];
    query: unknown;
    window: { start?: Date | undefined; end?: Date | undefined };
    fetch: (request: PageRequest) => Promise<PageResponse<Raw>>;
    normalize: (raw: Raw) => E;
    timeOf: (raw: Raw) => number;
    idOf: (raw: Raw) => string;
    size: number;
    options: StreamOptions<Checkpoint> | undefined;
  }): EventStream<E> {
    const query = fingerprint(spec.query);
    const resume = readCheckpoint(spec.options?.resume, spec.source, query, pagePositionSchema);
    const onInvalidRecord = invalidRecordPolicy(spec.options?.onInvalidRecord, resolved.onInvalidRecord);
    return EventStream.of({
      source: spec.source,
      query,
      // Called when iteration starts: that is the instant an open window is pinned (and kept in checkpoints).
      start: () => {
        const window = pinWindow(spec.window.start, spec.window.end, Date.now());
        return pageStart(window.startMs, window.endMs);
      },
      resume,
      // The API speaks whole seconds: the strategy trims each page to the caller's exact [start, end).
      open: pagePages<Raw>({
        concurrency: resolved.concurrency,
        size: spec.size,
        fetch: spec.fetch,
        timeOf: spec.timeOf,
        idOf: spec.idOf,
        stallBackoffMs: resolved.retryDelay.baseMs,
      }),
      normalize: spec.normalize,
      onInvalidRecord,
      signals: [resolved.signal, spec.options?.signal],
    });
  }

  /** The log's rules for follow: newest first, so sorted sub-windows of whole seconds; 30 days kept. */
  const logRules = {
    order: 'desc',
    chunk: { minMs: 1000, initialMs: 300_000, maxMs: 3_600_000 },
    // A minute inside the retention: the list method checks its `start` against the wall clock a little later.
    earliestMs: (nowMs: number) => nowMs - RETENTION_MS + 60_000,
    signals: [resolved.signal],
    logger: resolved.logger,
  } satisfies Partial<FollowSpec<TransactCdnWafEvent>>;

  const client = {
    /** WAF event log entries in `[start, end)`, newest first as the API sends them, normalized. */
    wafEvents(query: WafEventsQuery = {}, options?: StreamOptions<Checkpoint>): EventStream<TransactCdnWafEvent> {
      const parsed = parseInput(wafEventsQuerySchema, query, 'TransactCDN wafEvents query');
      const size = parsed.pageSize ?? DEFAULT_PAGE_SIZE;
      const fixed = { filters: serializeFilters(parsed.filters), sizeParam: 'page_size' as const };
      return stream({
        source: 'transactcdn.waf',
        query: { ...parsed, pageSize: size },
        window: parsed,
        fetch: (request) => getPage(wafPath, wafEventSchema, request, fixed),
        normalize: normalizeWafEvent,
        timeOf: (raw) => eventTimeMs(raw)!,
        idOf: (raw) => (raw['Event ID'] ?? raw.id)!,
        size,
        options,
      });
    },

    /** Rate-limiting event log entries in `[start, end)` (the API samples about 10% of them), normalized. */
    rateLimitingEvents(query: RateLimitingEventsQuery = {}, options?: StreamOptions<Checkpoint>): EventStream<TransactCdnRateLimitingEvent> {
      const parsed = parseInput(rateLimitingEventsQuerySchema, query, 'TransactCDN rateLimitingEvents query');
      const size = parsed.perPage ?? DEFAULT_PAGE_SIZE;
      const fixed = { filters: serializeFilters(parsed.filters), sizeParam: 'per_page' as const };
      return stream({
        source: 'transactcdn.rate_limiting',
        query: { ...parsed, perPage: size },
        window: parsed,
        fetch: (request) => getPage(rateLimitingPath, rateLimitingEventSchema, request, fixed),
        normalize: normalizeRateLimitingEvent,
        timeOf: (raw) => eventTimeMs(raw)!,
        idOf: (raw) => raw.id,
        size,
        options,
      });
    },

    /** One WAF event log entry by its `Event ID`, normalized. A missing entry throws `NotFoundError`. */
    async wafEvent(eventId: string, options?: { signal?: AbortSignal | undefined }): Promise<TransactCdnWafEvent> {
      const id = parseInput(eventIdSchema, eventId, 'TransactCDN Event ID');
      const path = `${wafPath}/${encodeURIComponent(id)}`;
      // The transport listens to the client's signal and this one side by side: nothing is combined per call.
      const response = await transport.getJson(path, [], { signal: options?.signal });
      return normalizeWafEvent(parseResponse(wafEventSchema, response.body, PROVIDER, path));
    },

    /** New WAF event log entries as they arrive, oldest first within each sorted sub-window. See `FollowOptions`. */
    followWafEvents(query: Omit<WafEventsQuery, 'start' | 'end'> = {}, options?: FollowOptions): FollowStream<TransactCdnWafEvent> {
      const list = ({ start, end }: { start: Date; end: Date }, signal: AbortSignal) => client.wafEvents({ ...query, start, end }, { signal });
      return followStream({ ...logRules, source: 'transactcdn.waf', filters: query, list }, options);
    },

    /** New rate-limiting event log entries as they arrive (the log is sampled, about 10%). See `FollowOptions`. */
    followRateLimitingEvents(query: Omit<RateLimitingEventsQuery, 'start' | 'end'> = {}, options?: FollowOptions): FollowStream<TransactCdnRateLimitingEvent> {
      const list = ({ start, end }: { start: Date; end: Date }, signal: AbortSignal) => client.rateLimitingEvents({ ...query, start, end }, { signal });
      return followStream({ ...logRules, source: 'transactcdn.rate_limiting', filters: query, list }, options);
    },

    /** Closes the client's connections (a caller-given dispatcher is left open). */
    close(): Promise<void> {
      return transport.close();
    },
  };
  return client;
}

/** The client `createTransactCdnClient` returns. */
export type TransactCdnClient = ReturnType<typeof createTransactCdnClient>;
