import { z } from 'zod';
import { eventCoreShape } from './event.js';
import type { ChunkRules } from './follow-read.js';
import type { Logger } from './options.js';
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

/** Everything a provider adds: its name, its sources, and how its clients are configured and authenticate. */
export interface ProviderDefinition<Name extends string = string, Sources extends readonly AnySource[] = readonly AnySource[], OS extends z.ZodType = z.ZodType> {
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
}

/** Keeps a definition's literal types (names, source ids, event types) for the unions derived from it. */
export function defineProvider<const Name extends string, const Sources extends readonly AnySource[], OS extends z.ZodType>(
  definition: ProviderDefinition<Name, Sources, OS>,
): ProviderDefinition<Name, Sources, OS> {
  return definition;
}

/** Keeps one source's literal id, record, filters and envelope types, and types its callbacks from its schemas. */
export function defineSource<const Id extends string, Raw, Event, FS extends z.ZodType, Env extends z.ZodType, Options = never>(
  source: SourceDefinition<Id, Raw, Event, FS, Env, Options>,
): SourceDefinition<Id, Raw, Event, FS, Env, Options> {
  return source;
}

type AnyDefinition = ProviderDefinition<string, readonly AnySource[], z.ZodType>;

/** The provider names of a list of definitions. */
export type ProviderNameOf<Ds extends readonly AnyDefinition[]> = Ds[number]['name'];
/** The source ids of a list of definitions. */
export type SourceIdOf<Ds extends readonly AnyDefinition[]> = Ds[number]['sources'][number]['id'];
/** The normalized events of a list of definitions, one member per source. */
export type EventOfDefinitions<Ds extends readonly AnyDefinition[]> = ReturnType<Ds[number]['sources'][number]['normalize']>;
/** A source's normalized event. */
export type EventOfSource<S extends AnySource> = ReturnType<S['normalize']>;

/** The event schema with `provider` and `source` restricted to the registered ones. */
export function eventSchemaOf(definitions: readonly AnyDefinition[]) {
  const providers = definitions.map((definition) => definition.name);
  const sources = definitions.flatMap((definition) => definition.sources.map((source) => source.id));
  return z.strictObject({ ...eventCoreShape, provider: z.enum(providers as [string, ...string[]]), source: z.enum(sources as [string, ...string[]]) });
}
