import { Agent, type Dispatcher } from 'undici';
import type { SecurityEvent } from '../events.js';
import type { Logger } from '../core/options.js';
import type { Source } from '../providers/registry.js';
import type { FollowOptions } from '../core/follow.js';
import { createBotByeClient } from '../providers/botbye/client.js';
import { createGcoreClient } from '../providers/gcore/client.js';
import { createTransactCdnClient } from '../providers/transactcdn/client.js';
import { UsageError, type FilterArg } from './args.js';

export const SOURCES = ['gcore.waap', 'transactcdn.waf', 'transactcdn.rate_limiting', 'botbye.requests'] as const satisfies readonly Source[];
const ALIASES: Record<string, Source> = { gcore: 'gcore.waap', waf: 'transactcdn.waf', 'rate-limiting': 'transactcdn.rate_limiting', botbye: 'botbye.requests' };
const PROVIDER: Record<Source, 'gcore' | 'transactcdn' | 'botbye'> = {
  'gcore.waap': 'gcore',
  'transactcdn.waf': 'transactcdn',
  'transactcdn.rate_limiting': 'transactcdn',
  'botbye.requests': 'botbye',
};

/** Flags for credentials and base URLs; each falls back to its environment variable. */
export const CREDENTIAL_FLAGS = {
  'gcore-api-key': { type: 'string' },
  'gcore-base-url': { type: 'string' },
  'transactcdn-token': { type: 'string' },
  'transactcdn-account': { type: 'string' },
  'transactcdn-base-url': { type: 'string' },
  'botbye-api-key': { type: 'string' },
  'botbye-account-id': { type: 'string' },
  'botbye-project-id': { type: 'string' },
  'botbye-base-url': { type: 'string' },
} as const;
const ENV: Record<keyof typeof CREDENTIAL_FLAGS, string> = {
  'gcore-api-key': 'GCORE_API_KEY',
  'gcore-base-url': 'GCORE_BASE_URL',
  'transactcdn-token': 'TRANSACTCDN_TOKEN',
  'transactcdn-account': 'TRANSACTCDN_ACCOUNT',
  'transactcdn-base-url': 'TRANSACTCDN_BASE_URL',
  'botbye-api-key': 'BOTBYE_API_KEY',
  'botbye-account-id': 'BOTBYE_ACCOUNT_ID',
  'botbye-project-id': 'BOTBYE_PROJECT_ID',
  'botbye-base-url': 'BOTBYE_BASE_URL',
};
export type Credentials = Partial<Record<keyof typeof CREDENTIAL_FLAGS, string>>;

/** Source names from positionals (`gcore`, `waf`, `rate-limiting`, `botbye`, `all`, or the full ids). */
export function sourceList(names: readonly string[]): Source[] {
  if (names.length === 0) throw new UsageError(`<source>: name at least one of ${Object.keys(ALIASES).join(', ')} (or all)`);
  const out = new Set<Source>();
  for (const name of names) {
    if (name === 'all') SOURCES.forEach((s) => out.add(s));
    else if (ALIASES[name]) out.add(ALIASES[name]);
    else if ((SOURCES as readonly string[]).includes(name)) out.add(name as Source);
    else throw new UsageError(`<source>: "${name}" is not one of ${Object.keys(ALIASES).join(', ')}, all`);
  }
  return [...out];
}

function credential(values: Credentials, flag: keyof typeof CREDENTIAL_FLAGS, required: boolean): string | undefined {
  const value = values[flag] ?? process.env[ENV[flag]];
  if (required && !value) throw new UsageError(`--${flag}: is required (or set ${ENV[flag]})`);
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

const GCORE_SCALARS = new Set(['limit', 'ordering']);
const GCORE_NUMBERS = new Set(['domains', 'exclude_domains', 'limit']);
const asNumber = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
const scalar = (v: string): string | number | boolean => (v === 'true' ? true : v === 'false' ? false : asNumber(v));

function gcoreFilters(map: Map<string, string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, values] of map) {
    const typed = GCORE_NUMBERS.has(key) ? values.map(asNumber) : values;
    out[key] = GCORE_SCALARS.has(key) ? typed.at(-1) : typed;
  }
  return out;
}

function botbyeWhere(map: Map<string, string[]>, window?: { start: Date; end: Date }): unknown {
  const leaves: unknown[] = [];
  for (const [key, values] of map) {
    leaves.push(values.length === 1 ? { predicate: 'eq', fieldPath: key, value: scalar(values[0]!) } : { predicate: 'in', fieldPath: key, value: values.map(scalar) });
  }
  if (window) leaves.push({ predicate: 'gte', fieldPath: 'createdAt', value: window.start }, { predicate: 'lt', fieldPath: 'createdAt', value: window.end });
  return leaves.length === 0 ? undefined : leaves.length === 1 ? leaves[0] : { predicate: 'and', operands: leaves };
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
  const needs = new Set(sources.map((s) => PROVIDER[s]));
  for (const f of filterArgs) {
    if (f.scope !== undefined && !ALIASES[f.scope] && !(SOURCES as readonly string[]).includes(f.scope)) throw new UsageError(`--filter: "${f.scope}" is not a source`);
  }
  // The clients' own Agent settings, composed with a counter of requests for the progress line.
  let requests = 0;
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 32 });
  const counted = agent.compose((dispatch: Dispatcher['dispatch']) => (opts, handler) => {
    requests++;
    return dispatch(opts, handler);
  });
  const common = { dispatcher: counted, ...(logger ? { logger } : {}) };
  const gcore = needs.has('gcore')
    ? createGcoreClient({ apiKey: credential(creds, 'gcore-api-key', true)!, baseUrl: credential(creds, 'gcore-base-url', false), ...common })
    : undefined;
  const cdn = needs.has('transactcdn')
    ? createTransactCdnClient({
        token: credential(creds, 'transactcdn-token', true)!,
        accountNumber: credential(creds, 'transactcdn-account', true)!,
        baseUrl: credential(creds, 'transactcdn-base-url', false),
        ...common,
      })
    : undefined;
  const botbyeProject = needs.has('botbye') ? credential(creds, 'botbye-project-id', true)! : '';
  const bots = needs.has('botbye')
    ? createBotByeClient({
        apiKey: credential(creds, 'botbye-api-key', true)!,
        accountId: credential(creds, 'botbye-account-id', true)!,
        baseUrl: credential(creds, 'botbye-base-url', true)!,
        ...common,
      })
    : undefined;
  const opt = (resume: unknown) => (resume === undefined ? {} : { resume: resume as never });
  return {
    list(source, { start, end }, resume) {
      const map = filtersFor(source, filterArgs);
      switch (source) {
        case 'gcore.waap':
          return gcore!.requests({ ...gcoreFilters(map), start, end } as never, opt(resume));
        case 'transactcdn.waf':
          return cdn!.wafEvents({ start, end, ...(map.size ? { filters: Object.fromEntries(map) as never } : {}) }, opt(resume));
        case 'transactcdn.rate_limiting':
          return cdn!.rateLimitingEvents({ start, end, ...(map.size ? { filters: Object.fromEntries(map) as never } : {}) }, opt(resume));
        default:
          return bots!.requests({ projectId: botbyeProject, where: botbyeWhere(map, { start, end }) as never }, opt(resume));
      }
    },
    follow(source, options) {
      const map = filtersFor(source, filterArgs);
      switch (source) {
        case 'gcore.waap':
          return gcore!.follow(gcoreFilters(map) as never, options);
        case 'transactcdn.waf':
          return cdn!.followWafEvents(map.size ? { filters: Object.fromEntries(map) as never } : {}, options);
        case 'transactcdn.rate_limiting':
          return cdn!.followRateLimitingEvents(map.size ? { filters: Object.fromEntries(map) as never } : {}, options);
        default:
          return bots!.follow({ projectId: botbyeProject, ...(map.size ? { where: botbyeWhere(map) as never } : {}) }, options);
      }
    },
    requests: () => requests,
    close: async () => {
      await Promise.all([gcore?.close(), cdn?.close(), bots?.close()]);
      await agent.close();
    },
  };
}
