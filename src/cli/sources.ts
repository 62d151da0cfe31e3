import { Agent, type Dispatcher } from 'undici';
import type { SecurityEvent } from '../events.js';
import type { Logger } from '../core/options.js';
import type { Source } from '../providers/registry.js';
import type { FollowOptions } from '../core/follow.js';
import type { ClientField } from '../core/definition.js';
import { UsageError, type FilterArg } from './args.js';
import { BOUND_SOURCES, FIELDS, PROVIDERS, type BoundProvider, type BoundSource } from './registry.js';

/** Every source id, in registry order. */
export const SOURCES: readonly Source[] = BOUND_SOURCES.map((source) => source.id);
/** Short names (`gcore`, `waf`, …), as each provider's binding declares them. */
const ALIASES: Record<string, Source> = Object.fromEntries(BOUND_SOURCES.flatMap((source) => source.binding.aliases.map((alias) => [alias, source.id])));
const BY_ID = new Map<string, BoundSource>(BOUND_SOURCES.map((source) => [source.id, source]));

/** Flags for credentials and base URLs; each falls back to its environment variable. */
export const CREDENTIAL_FLAGS: Readonly<Record<string, { readonly type: 'string' }>> = Object.fromEntries(FIELDS.map((field) => [field.flag, { type: 'string' } as const]));
/** Credential and base-URL values by flag name. */
export type Credentials = Partial<Record<string, string>>;

/** Source names from positionals (the declared aliases, `all`, or the full ids). */
export function sourceList(names: readonly string[]): Source[] {
  if (names.length === 0) throw new UsageError(`<source>: name at least one of ${Object.keys(ALIASES).join(', ')} (or all)`);
  const out = new Set<Source>();
  for (const name of names) {
    if (name === 'all') SOURCES.forEach((s) => out.add(s));
    else if (ALIASES[name]) out.add(ALIASES[name]);
    else if (BY_ID.has(name)) out.add(name as Source);
    else throw new UsageError(`<source>: "${name}" is not one of ${Object.keys(ALIASES).join(', ')}, all`);
  }
  return [...out];
}

function credential(values: Credentials, field: ClientField): string | undefined {
  const value = values[field.flag] ?? process.env[field.env];
  if (field.required && !value) throw new UsageError(`--${field.flag}: is required (or set ${field.env})`);
  return value || undefined;
}

/** Filters of one source, as `key → values`, with `source:` scopes resolved. */
function filtersFor(source: Source, all: readonly FilterArg[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const f of all) {
    if (f.scope !== undefined && ALIASES[f.scope] !== source && f.scope !== source) continue;
    map.set(f.key, [...(map.get(f.key) ?? []), f.value]);
  }
  return map;
}

/** A provider's client, built, and the values of its `query` fields (a BotBye project id). */
interface Built {
  readonly client: unknown;
  readonly settings: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** What every list or follow stream the CLI reads offers. */
export interface Readable extends AsyncIterable<SecurityEvent> {
  checkpoint(): unknown;
  /** What the read has delivered, and the provider's total when it tells one (Gcore `count`, TransactCDN
   *  `page_of`, BotBye `pageInfo.total`). */
  stats(): { events: number; pages: number; total?: number | undefined };
}

/** The clients of the chosen sources, and how to open a list or a follow stream of each. */
export interface Wiring {
  /** HTTP requests sent so far by every client (retries included). */
  requests(): number;
  list(source: Source, window: { start: Date; end: Date }, resume?: unknown): Readable;
  follow(source: Source, options: FollowOptions): Readable & { stats(): { events: number; pages: number; retries: number } };
  close(): Promise<void>;
}

/**
 * Creates one client per provider the sources need, from flags or the environment. Everything that can be
 * checked (credentials, filters) is checked here or when a stream is made, before any request.
 */
export function wire(sources: readonly Source[], creds: Credentials, filterArgs: readonly FilterArg[], logger?: Logger): Wiring {
  const chosen = sources.map((id) => BY_ID.get(id)!);
  const needs = PROVIDERS.filter((provider) => chosen.some((source) => source.provider === provider));
  for (const f of filterArgs) {
    if (f.scope !== undefined && !ALIASES[f.scope] && !BY_ID.has(f.scope)) throw new UsageError(`--filter: "${f.scope}" is not a source`);
  }
  // The clients' own Agent settings, composed with a counter of requests for the progress line.
  let requests = 0;
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 32 });
  const counted = agent.compose((dispatch: Dispatcher['dispatch']) => (opts, handler) => {
    requests++;
    return dispatch(opts, handler);
  });
  const common = { dispatcher: counted, ...(logger ? { logger } : {}) };
  const built = new Map<BoundProvider, Built>();
  for (const provider of needs) {
    // Query settings (a project id) are read before the client's own fields, so a missing one is named first.
    const ordered = [...provider.client.fields.filter((f) => f.query), ...provider.client.fields.filter((f) => !f.query)];
    const options: Record<string, unknown> = {};
    const settings: Record<string, string> = {};
    for (const field of ordered) {
      const value = credential(creds, field);
      if (field.query) settings[field.option] = value ?? '';
      else options[field.option] = value;
    }
    const client = provider.client.create({ ...options, ...common });
    built.set(provider, { client, settings, close: () => client.close() });
  }
  const opt = (resume: unknown) => (resume === undefined ? {} : { resume: resume as never });
  const of = (id: Source) => {
    const source = BY_ID.get(id)!;
    return { source, built: built.get(source.provider)!, pairs: filtersFor(id, filterArgs) };
  };
  // The bindings' streams carry each source's own events; every one is a `SecurityEvent` (the union of them all).
  type Events = AsyncIterable<SecurityEvent>;
  return {
    list(id, window, resume) {
      const { source, built: b, pairs } = of(id);
      const stream = source.binding.list(b.client, source.binding.listQuery(pairs, window, b.settings), opt(resume));
      return stream as typeof stream & Events;
    },
    follow(id, options) {
      const { source, built: b, pairs } = of(id);
      const stream = source.binding.follow(b.client, source.binding.followQuery(pairs, b.settings), options);
      return stream as typeof stream & Events;
    },
    requests: () => requests,
    close: async () => {
      await Promise.all([...built.values()].map((b) => b.close()));
      await agent.close();
    },
  };
}
