import { z } from 'zod';
import { eventCoreShape } from './event.js';
import type { FollowOptions, FollowStream } from './follow.js';
import type { ChunkRules } from './follow-read.js';
import type { Logger, StreamOptions } from './options.js';
import type { Checkpoint, EventStream } from './pager.js';
import type { Direction } from './strategies/frontier.js';
import type { SignedRequest } from './transport.js';
import type { Query } from './url.js';

/** How a source's list endpoint pages: `offset`/`limit`, numbered pages with a page count, or opaque cursors. */
export type Paging = 'offset' | 'page' | 'cursor';

/**
 * How a fresh read pins its window, once, when iteration starts. One rule for every provider: the end is at most
 * `floor(now / grainMs) × grainMs − settleMs` (the last instant the API can no longer add records to), and an
 * omitted start is `defaultSpanMs` before the end.
 */
export interface WindowRule {
  /** The API's time resolution (1 for milliseconds, 1000 for whole seconds). */
  readonly grainMs: number;
  /** How far behind the current grain the end is held, so no record can still arrive inside the window. */
  readonly settleMs: number;
  /** The window an omitted `start` means; without it the filters must require a start. */
  readonly defaultSpanMs?: number | undefined;
}

/** The page-size parameter of a source: its field in the filters and its cap (also its default). */
export interface PageSizeRule {
  readonly field: string;
  readonly max: number;
}

/** What one request of a read asks for, by paging style (the window in epoch ms; `after` is the cursor). */
export interface PageAsk {
  offset: { startMs: number; endMs: number; offset: number; limit: number };
  page: { startMs: number; endMs: number; page: number; size: number };
  cursor: { after: string | null; size: number };
}

/** What a page envelope tells, by paging style, besides its records. */
export interface PageTells {
  offset: { total: number };
  page: { pageCount: number; /** The page the body says it is, checked against the one asked. */ page?: number | undefined };
  cursor: { endCursor: string | null; hasNextPage: boolean; total?: number | undefined };
}

/** One request, as a source builds it; the path is the source's template filled in by the factory. */
export interface SourceRequest {
  readonly query: Query;
  /** Default `GET`. */
  readonly method?: string | undefined;
  /** A JSON body (sent with `content-type: application/json`). */
  readonly body?: unknown;
}

/** The paging parameters a source declares, by paging style. */
export interface PagingRules<F> {
  offset: { readonly maxOffset: number; readonly window: WindowRule; /** Default `desc` (newest first). */ direction?(filters: F): Direction };
  page: { readonly window: WindowRule };
  cursor: { /** The cursor a fresh read starts after (a caller's `after`). */ after?(filters: F): string | null | undefined };
}

/** A follow's rules for a source: its order within a window, and for newest-first logs the sub-window sizes. */
export interface FollowRules {
  readonly order: 'asc' | 'desc';
  readonly chunk?: Omit<ChunkRules, 'maxEvents'> | undefined;
  /** The oldest instant the provider still serves (retention), given the clock's now. */
  readonly earliestMs?: ((nowMs: number) => number) | undefined;
}

interface SourceBase<Id extends string, Raw, Event, FS extends z.ZodType, Env extends z.ZodType, Options> {
  /** `<provider>.<source>`, the `source` of every event it yields and of its checkpoints. */
  readonly id: Id;
  /** The endpoint's path: a template whose `{placeholders}` `params` fills (each value percent-encoded). */
  readonly path: string;
  /** How bad filters are named in `FilterValidationError` (`Gcore requests filters`). */
  readonly what: string;
  /** The caller's query, validated before any request. */
  readonly filters: FS;
  /** One record as documented; pages are checked record by record so one bad record does not sink a page. */
  readonly record: z.ZodType<Raw>;
  /** The page body, with its records left unchecked (`z.unknown()`): `records` picks them out. */
  readonly envelope: Env;
  /** Where record `index` sits in the body, for error paths (`'results'` gives `results[3]`). */
  readonly at: string | ((index: number) => string);
  readonly pageSize: PageSizeRule;
  /** How the source is followed; a source without it has no follow. */
  readonly follow?: FollowRules | undefined;
  idOf(raw: Raw): string;
  /** Epoch ms of the record, the order paging and merging rely on. */
  timeOf(raw: Raw): number;
  normalize(raw: Raw): Event;
  /** The page's records, unchecked. */
  records(page: z.output<Env>): readonly unknown[];
  /** The path's placeholders, from the filters and the client's options. */
  params?(filters: z.output<FS>, options: Options): Record<string, string>;
  /** What checkpoints are bound to, when more than the filters (an account id). */
  key?(filters: z.output<FS>, options: Options): unknown;
  /** Warnings about valid filters (data past retention), logged when a read is created. */
  warn?(filters: z.output<FS>, logger: Logger | undefined): void;
}

type SourceOf<P extends Paging, Id extends string, Raw, Event, FS extends z.ZodType, Env extends z.ZodType, Options> = SourceBase<Id, Raw, Event, FS, Env, Options> & {
  readonly paging: P;
  readonly rules: PagingRules<z.output<FS>>[P];
  /** Builds a read's requests: called once per read with the validated filters, then once per page. */
  request(filters: z.output<FS>, options: Options): (ask: PageAsk[P]) => SourceRequest;
  /** What the envelope tells about paging. */
  tells(page: z.output<Env>): PageTells[P];
};

/** One list endpoint of a provider: enough for the client factory, the registry, formats and the CLI to treat it without naming it. */
export type SourceDefinition<Id extends string = string, Raw = unknown, Event = unknown, FS extends z.ZodType = z.ZodType, Env extends z.ZodType = z.ZodType, Options = never> =
  | SourceOf<'offset', Id, Raw, Event, FS, Env, Options>
  | SourceOf<'page', Id, Raw, Event, FS, Env, Options>
  | SourceOf<'cursor', Id, Raw, Event, FS, Env, Options>;

/** Any source, whatever its record, filters and options (its callbacks are methods, so they compare bivariantly). */
export type AnySource = SourceDefinition<string, unknown, { readonly id: string; readonly time: Date }, z.ZodType, z.ZodType, unknown>;

/** How a client authenticates: its headers, computed per request, and every secret to scrub from errors and logs. */
export interface Credentials {
  headers(): Record<string, string>;
  readonly secrets: readonly string[];
  /** Signs each attempt (added to `headers()`), for an API that wants signed requests. */
  readonly sign?: ((request: SignedRequest) => Record<string, string>) | undefined;
}

/**
 * One setting of a provider's public client as generic front ends (the CLI) take it: a flag, its environment
 * variable, and where the value goes. The order of a provider's fields is the order they are read and printed.
 */
export interface ClientField {
  /** The CLI flag without `--` (`gcore-api-key`). */
  readonly flag: string;
  /** The environment variable the flag falls back to (`GCORE_API_KEY`). */
  readonly env: string;
  /** The client option it sets (`apiKey`), or with `query` the setting its sources' queries read (`projectId`). */
  readonly option: string;
  /** A credential: never printed (a resume command names its variable instead). */
  readonly secret?: boolean | undefined;
  /** Refused by name when absent from both the flag and the environment. */
  readonly required?: boolean | undefined;
  /** The value belongs to the sources' queries, not to the client options. */
  readonly query?: boolean | undefined;
}

/** A time window `[start, end)`. */
export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/** The CLI's `--filter key=value` pairs of one source, `key → values` in the order given. */
export type FilterPairs = ReadonlyMap<string, readonly string[]>;

/** Any event a generic front end reads: it relies on `id` and `time` only (the client types the rest). */
export interface BoundEvent {
  readonly id: string;
  readonly time: Date;
}

/**
 * How generic code (CLI, workers) reads one source through the provider's public client without naming it.
 * Queries arrive untyped from flags or job data; the public client validates them against its schemas.
 */
export interface SourceBinding<Client, Id extends string = string, Windowed extends boolean = boolean> {
  /** The source's id (`gcore.waap`), one of the definition's sources. */
  readonly id: Id;
  /** Short names the CLI accepts for it (`gcore`, `waf`). */
  readonly aliases: readonly string[];
  /** Its list takes a `start`/`end` window, so a backfill can shard it. */
  readonly windowed: Windowed;
  /** A list read: `query` is the source's list query (a window included for windowed sources). */
  list(client: Client, query: unknown, options: StreamOptions<Checkpoint>): EventStream<BoundEvent>;
  /** A follow: `query` is the source's follow query (no window: that is the follow's business). */
  follow(client: Client, query: unknown, options: FollowOptions): FollowStream<BoundEvent>;
  /** The list query of CLI filter pairs over a window; `settings` holds the values of the `query` fields. */
  listQuery(filters: FilterPairs, window: TimeWindow, settings: Readonly<Record<string, string>>): unknown;
  /** The follow query of CLI filter pairs. */
  followQuery(filters: FilterPairs, settings: Readonly<Record<string, string>>): unknown;
}

/** Options gathered from flags or configuration for a binding's `create` (its client's schema validates them). */
export type GatheredOptions = Readonly<Record<string, unknown>>;

/** How generic code builds and drives a provider's public client (`createGcoreClient` and its methods). */
export interface ClientBinding<Client, Sources extends readonly SourceBinding<Client>[] = readonly SourceBinding<Client>[]> {
  /** Builds the public client. */
  create(options: GatheredOptions): Client & { close(): Promise<void> };
  readonly fields: readonly ClientField[];
  readonly sources: Sources;
}

/**
 * Keeps a binding's client type (from `create`, whose parameter is annotated so it is inferred first) and each
 * source's literal id and `windowed`, for the types derived from them (a backfill's sources).
 */
export function defineClient<Client, const Sources extends readonly SourceBinding<Client>[]>(binding: ClientBinding<Client, Sources>): ClientBinding<Client, Sources> {
  return binding;
}

/** Any client binding (its methods compare bivariantly, so every provider's binding is one). */
export type AnyClientBinding = ClientBinding<unknown, readonly SourceBinding<unknown>[]>;

/** Everything a provider adds: its name, its sources, and how its clients are configured and authenticate. */
export interface ProviderDefinition<
  Name extends string = string,
  Sources extends readonly AnySource[] = readonly AnySource[],
  OS extends z.ZodType = z.ZodType,
  Binding extends AnyClientBinding | undefined = AnyClientBinding | undefined,
> {
  readonly name: Name;
  /** How the provider is named in messages (`Gcore client options`). */
  readonly label: string;
  /** The API origin when the caller gives none; without it the options must require `baseUrl`. */
  readonly baseUrl?: string | undefined;
  readonly sources: Sources;
  /** The client options: the shared ones plus the provider's credentials and account ids. */
  readonly options: OS;
  /** How the credential is sent: names the header, never the value. */
  readonly auth: string;
  /** The credential, from the validated options; the secrets stay in the returned closures. */
  credentials(options: z.output<OS>): Credentials;
  /**
   * Its public client as generic front ends drive it. Optional: a provider without one streams through the
   * library but is not offered by the CLI or the workers.
   */
  readonly client?: Binding;
}

/** Keeps a definition's literal types (names, source ids, event types) for the unions derived from it. */
export function defineProvider<const Name extends string, const Sources extends readonly AnySource[], OS extends z.ZodType, Binding extends AnyClientBinding | undefined = undefined>(
  definition: ProviderDefinition<Name, Sources, OS, Binding>,
): ProviderDefinition<Name, Sources, OS, Binding> {
  return definition;
}

/** Keeps one source's literal id, record, filters and envelope types, and types its callbacks from its schemas. */
export function defineSource<const Id extends string, Raw, Event, FS extends z.ZodType, Env extends z.ZodType, Options = never>(
  source: SourceDefinition<Id, Raw, Event, FS, Env, Options>,
): SourceDefinition<Id, Raw, Event, FS, Env, Options> {
  return source;
}

type AnyDefinition = ProviderDefinition<string, readonly AnySource[], z.ZodType, AnyClientBinding | undefined>;

/** The provider names of a list of definitions. */
export type ProviderNameOf<Ds extends readonly AnyDefinition[]> = Ds[number]['name'];
/** The source ids of a list of definitions. */
export type SourceIdOf<Ds extends readonly AnyDefinition[]> = Ds[number]['sources'][number]['id'];
/** The normalized events of a list of definitions, one member per source. */
export type EventOfDefinitions<Ds extends readonly AnyDefinition[]> = ReturnType<Ds[number]['sources'][number]['normalize']>;
/** The public client type a definition's binding builds (`never` for a provider without one). */
export type ClientOf<D> = D extends { readonly client?: infer B } ? (B extends ClientBinding<infer C, infer _S> ? C : never) : never;
/** The source bindings a list of definitions declares. */
export type SourceBindingOf<Ds extends readonly AnyDefinition[]> = NonNullable<Ds[number]['client']>['sources'][number];
/** A source's normalized event. */
export type EventOfSource<S extends AnySource> = ReturnType<S['normalize']>;

/** The event schema with `provider` and `source` restricted to the registered ones. */
export function eventSchemaOf(definitions: readonly AnyDefinition[]) {
  const providers = definitions.map((definition) => definition.name);
  const sources = definitions.flatMap((definition) => definition.sources.map((source) => source.id));
  return z.strictObject({ ...eventCoreShape, provider: z.enum(providers as [string, ...string[]]), source: z.enum(sources as [string, ...string[]]) });
}
