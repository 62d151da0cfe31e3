import type { z } from 'zod';
import { pinWindow, windowOf } from './client-window.js';
import type { AnySource, EventOfSource, ProviderDefinition, SourceRequest } from './definition.js';
import { PaginationError } from './errors.js';
import { followStream, type FollowOptions, type FollowStream } from './follow.js';
import { clientOptionsSchema, invalidRecordPolicy, parseClientOptions, resolveClientOptions, type ResolvedClientOptions, type StreamOptions } from './options.js';
import { createEventStream, fingerprint, readCheckpoint, type Checkpoint, type EventStream, type OpenPages } from './pager.js';
import { cursorPages, cursorPositionSchema, cursorStart } from './strategies/cursor.js';
import { offsetPages, offsetPositionSchema, offsetStart } from './strategies/offset.js';
import { pagePages, pagePositionSchema, pageStart, type PageServerKnowledge } from './strategies/page.js';
import { createTransport, type Transport } from './transport.js';
import { parseInput, parseRecords, parseResponse } from './validate.js';

/** A definition the factory can build: its options extend the shared client options. */
export type BuildableDefinition = ProviderDefinition<string, readonly AnySource[], z.ZodType<z.output<typeof clientOptionsSchema>>>;

/** A source's filters as callers write them. */
export type InputOf<S extends AnySource> = z.input<S['filters']>;

/** What the factory builds from a definition; a provider's client is a thin, typed face over it. */
export interface ProviderClient<D extends BuildableDefinition> {
  /** The validated client options (credentials included: keep this object in closures, never on a client). */
  readonly options: z.output<D['options']>;
  readonly resolved: ResolvedClientOptions;
  readonly transport: Transport;
  /** A read of one source: filters validated and the checkpoint checked now, requests when iteration starts. */
  list<S extends D['sources'][number]>(source: S, input: InputOf<S>, streamOptions?: StreamOptions<Checkpoint>): EventStream<EventOfSource<S>>;
  /**
   * A follow of one source: each closed window `[start, end)` is read with `list(source, window(query, …))`.
   * `filters` (default: `query`) is what its checkpoints are bound to.
   */
  follow<S extends D['sources'][number], Q>(
    source: S,
    query: Q,
    window: (query: Q, window: { start: Date; end: Date }) => InputOf<S>,
    options?: FollowOptions,
    filters?: unknown,
  ): FollowStream<EventOfSource<S>>;
  close(): Promise<void>;
}

/**
 * Builds a provider's client machinery from its definition: options parsed and resolved once, one transport (auth
 * headers, secrets, limiter) for all its reads, and for each read the window pinning, page-size cap, checkpoint
 * and paging strategy its source declares. Throws `ClientOptionsError` naming every bad option.
 */
export function createProviderClient<D extends BuildableDefinition>(definition: D, input: unknown): ProviderClient<D> {
  const what = `${definition.label} client options`;
  const options = parseClientOptions(definition.options, input, what) as z.output<D['options']>;
  // A definition without a default origin requires `baseUrl` in its options schema, so one of the two is set.
  const resolved = resolveClientOptions(options, definition.baseUrl ?? options.baseUrl ?? '', what);
  // The credential lives only in these closures: nothing on a returned client can print it.
  const credentials = definition.credentials(options);
  const transport = createTransport({
    ...resolved,
    provider: definition.name,
    authHeaders: () => credentials.headers(),
    secrets: () => credentials.secrets,
    sign: credentials.sign,
  });
  const provider = definition.name;
  // What page-numbered reads learned about the server, per source, for the reads after them (see PageStrategy.server).
  const servers = new Map<string, PageServerKnowledge>();
  const serverOf = (id: string): PageServerKnowledge => {
    let known = servers.get(id);
    if (!known) servers.set(id, (known = { honoured: 0, inclusive: false }));
    return known;
  };

  function list<S extends AnySource>(source: S, query: unknown, streamOptions: StreamOptions<Checkpoint> = {}): EventStream<EventOfSource<S>> {
    const s: AnySource = source;
    const filters: unknown = parseInput(s.filters, query, s.what);
    s.warn?.(filters, resolved.logger);
    const key = fingerprint(s.key ? s.key(filters, options) : filters);
    const path = fillPath(s.path, s.params?.(filters, options) ?? {});
    // The page size the caller asked for, else the cap: one rule for every source that declares one.
    const asked = (filters as Record<string, unknown>)[s.pageSize.field];
    const size = typeof asked === 'number' ? asked : s.pageSize.max;
    /** The stream over a strategy; the caller's checkpoint and `onInvalidRecord` are checked now, before any request. */
    function stream<Pos>(positionSchema: z.ZodType<Pos>, start: () => Pos, open: OpenPages<unknown, Pos>): EventStream<EventOfSource<S>> {
      return createEventStream({
        source: s.id,
        query: key,
        resume: readCheckpoint(streamOptions.resume, s.id, key, positionSchema),
        onInvalidRecord: invalidRecordPolicy(streamOptions.onInvalidRecord, resolved.onInvalidRecord),
        start,
        open,
        // `s` is `source` seen as any source: its events are still the ones `S` declares.
        normalize: s.normalize as (raw: unknown) => EventOfSource<S>,
        signals: [resolved.signal, streamOptions.signal],
      });
    }

    /** One page: the request the source builds, the envelope validated, each record checked on its own. */
    async function fetchPage(request: SourceRequest, signal: AbortSignal): Promise<{ items: unknown[]; body: unknown; raw: unknown }> {
      const response = await transport.send({ method: request.method, path, query: request.query, body: request.body }, { signal });
      const body = parseResponse(s.envelope, response.body, provider, path);
      return { items: parseRecords(s.record, s.records(body), provider, path, s.at), body, raw: response.body };
    }

    const { concurrency } = resolved;
    const stallBackoffMs = resolved.retryDelay.baseMs;
    /** What the windowed strategies (offset, page) take alike. */
    const windowed = { concurrency, timeOf: s.timeOf, idOf: s.idOf, stallBackoffMs };
    switch (s.paging) {
      case 'offset': {
        const { rules } = s;
        const build = s.request(filters, options);
        const open = offsetPages<unknown>({
          limit: size,
          maxOffset: rules.maxOffset,
          direction: rules.direction?.(filters) ?? 'desc',
          ...windowed,
          async fetch({ signal, ...ask }) {
            const { items, body, raw } = await fetchPage(build(ask), signal);
            return { items, total: s.tells(body).total, raw };
          },
        });
        return stream(offsetPositionSchema, () => offsetStart(...pinned(filters, rules.window)), open);
      }
      case 'page': {
        const { rules } = s;
        const build = s.request(filters, options);
        // The API may speak a coarser time than the caller (whole seconds): the strategy trims each page to the exact window.
        const open = pagePages<unknown>({
          ...windowed,
          size,
          server: serverOf(s.id),
          async fetch({ signal, ...ask }) {
            const { items, body, raw } = await fetchPage(build(ask), signal);
            const tells = s.tells(body);
            // A page other than the one asked for would repeat or skip records; nothing later could tell.
            if (items.length && tells.page !== undefined && tells.page !== ask.page) {
              throw new PaginationError(`${provider}: asked ${path} for page ${ask.page} and got page ${tells.page}`);
            }
            return { items, pageCount: tells.pageCount, raw };
          },
        });
        return stream(pagePositionSchema, () => pageStart(...pinned(filters, rules.window)), open);
      }
      case 'cursor': {
        const { rules } = s;
        const build = s.request(filters, options);
        const after = rules.after?.(filters) ?? null;
        const open = cursorPages<unknown>({
          // Cursor pages cannot be fetched in parallel; `concurrency: 1` means strictly one request at a time.
          prefetch: concurrency > 1,
          idOf: s.idOf,
          stallBackoffMs,
          async fetch({ signal, after }) {
            const { items, body, raw } = await fetchPage(build({ after, size }), signal);
            return { items, ...s.tells(body), raw };
          },
        });
        return stream(cursorPositionSchema, () => ({ ...cursorStart(), after }), open);
      }
    }
  }

  function follow<S extends AnySource, Q>(
    source: S,
    query: Q,
    window: (query: Q, window: { start: Date; end: Date }) => unknown,
    followOptions?: FollowOptions,
    filters: unknown = query,
  ): FollowStream<EventOfSource<S>> {
    const rules = source.follow;
    if (!rules) throw new TypeError(`${source.id} declares no follow rules`);
    return followStream<EventOfSource<S>>(
      {
        source: source.id,
        filters,
        order: rules.order,
        ...(rules.chunk && { chunk: rules.chunk }),
        ...(rules.earliestMs && { earliestMs: rules.earliestMs }),
        list: ({ start, end }, signal) => list(source, window(query, { start, end }), { signal }),
        signals: [resolved.signal],
        logger: resolved.logger,
      },
      followOptions,
    );
  }

  return { options, resolved, transport, list, follow, close: () => transport.close() } as ProviderClient<D>;
}

/** The pinned window of a fresh read, as the strategies' start positions take it. */
function pinned(filters: unknown, rule: Parameters<typeof pinWindow>[1]): [number, number] {
  const { startMs, endMs } = pinWindow(windowOf(filters), rule, Date.now());
  return [startMs, endMs];
}

/** The path template with each `{name}` replaced by its percent-encoded value. */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`path ${template} needs a value for {${name}}`);
    return encodeURIComponent(value);
  });
}
