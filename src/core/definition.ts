import { z } from 'zod';
import { eventCoreShape } from './event.js';

/** How a source's list endpoint pages: `offset`/`limit`, numbered pages with a page count, or opaque cursors. */
export type Paging = 'offset' | 'page' | 'cursor';

/** One list endpoint of a provider: enough for generic code (registry, formats, CLI) to treat it without naming it. */
export interface SourceDefinition<Id extends string = string, Raw = never, Event = unknown> {
  /** `<provider>.<source>`, the `source` of every event it yields and of its checkpoints. */
  readonly id: Id;
  /** The endpoint's path (a template where the path carries ids, like `{account_id}`). */
  readonly path: string;
  readonly paging: Paging;
  /** The caller's query, validated before any request. */
  readonly filters: z.ZodType;
  /** One record as documented; pages are checked record by record so one bad record does not sink a page. */
  readonly record: z.ZodType;
  readonly idOf: (raw: Raw) => string;
  /** Epoch ms of the record, the order paging and merging rely on. */
  readonly timeOf: (raw: Raw) => number;
  readonly normalize: (raw: Raw) => Event;
}

/** Everything a provider adds: its name, its sources, and how its clients are configured and authenticate. */
export interface ProviderDefinition<Name extends string = string, Sources extends readonly SourceDefinition<string, never, unknown>[] = readonly SourceDefinition<string, never, unknown>[]> {
  readonly name: Name;
  readonly sources: Sources;
  /** The provider-specific client options (credentials, account ids) on top of the shared ones. */
  readonly options: z.ZodType;
  /** How the credential is sent: names the header, never the value. */
  readonly auth: string;
}

/** Keeps a definition's literal types (names, source ids, event types) for the unions derived from it. */
export function defineProvider<const D extends ProviderDefinition>(definition: D): D {
  return definition;
}

/** Keeps one source's literal id and record type. */
export function defineSource<const Id extends string, Raw, Event>(source: SourceDefinition<Id, Raw, Event>): SourceDefinition<Id, Raw, Event> {
  return source;
}

type AnyDefinition = ProviderDefinition<string, readonly SourceDefinition<string, never, unknown>[]>;

/** The provider names of a list of definitions. */
export type ProviderNameOf<Ds extends readonly AnyDefinition[]> = Ds[number]['name'];
/** The source ids of a list of definitions. */
export type SourceIdOf<Ds extends readonly AnyDefinition[]> = Ds[number]['sources'][number]['id'];
/** The normalized events of a list of definitions, one member per source. */
export type EventOfDefinitions<Ds extends readonly AnyDefinition[]> = ReturnType<Ds[number]['sources'][number]['normalize']>;

/** The event schema with `provider` and `source` restricted to the registered ones. */
export function eventSchemaOf(definitions: readonly AnyDefinition[]) {
  const providers = definitions.map((definition) => definition.name);
  const sources = definitions.flatMap((definition) => definition.sources.map((source) => source.id));
  return z.strictObject({ ...eventCoreShape, provider: z.enum(providers as [string, ...string[]]), source: z.enum(sources as [string, ...string[]]) });
}
