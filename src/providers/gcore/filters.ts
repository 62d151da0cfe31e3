import { z } from 'zod';
import { instantSchema } from '../../core/time.js';

/**
 * Query filters for `GET /waap/v1/analytics/requests`, one field per documented query parameter, spelled as the
 * API spells them. `offset` is absent (the pager owns it); `limit` is the page size the pager requests.
 * Every documented constraint is checked here, so a bad filter fails before any request instead of as a 422.
 */

const HTTP_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'] as const;
/** The API's documented cap on `limit`, and the page size a read asks for by default. */
export const GCORE_MAX_LIMIT = 100;

const DECISIONS = ['blocked', 'monitored', 'allowed', 'passed'] as const;
const OPTIONAL_ACTIONS = ['captcha', 'challenge'] as const;

/** Newest first: the order `mergeEvents` expects and the direction the offset strategy splits windows in. */
export const GCORE_DEFAULT_ORDERING = '-request_time';

/** Gcore keeps about 30 days of request analytics; older parts of a window come back empty. */
export const GCORE_RETENTION_MS = 30 * 86_400_000;

const hex32 = /^[a-f0-9]{32}$/;
const requestId = /^[a-f0-9]{32}-[0-9]{6}$/;
const ja3Pattern = /^[0-9a-fA-F]{32}$/;
const ja4Pattern = /^[0-9a-zA-Z]{10}_[0-9a-fA-F]{12}_[0-9a-fA-F]{12}$/;
const country = /^\w{2}$/;
// The doc's pattern for rule names, as given.
const ruleName = /^[a-zA-Z0-9_ ~!@#$%^&*()+\[\]{}|.,;:<>?/-]*$/;
// A field name, snake_case (`request_time`) or camelCase as in the doc's examples (`requestTime`), optional '-'.
// Stricter than the contract (a plain string there): the direction of the window walk is read from it.
const orderingPattern = /^-?[A-Za-z][A-Za-z0-9_]*$/;

const domainIds = z.array(z.number().int().positive());
const patterned = (pattern: RegExp, rule: string, maxItems?: number) => {
  const list = z.array(z.string().regex(pattern, `must match ${rule}`));
  return maxItems === undefined ? list : list.max(maxItems);
};
// The doc's own example has a leading space (" 2001:678:194::3c25:ddad"): trim, then require an address.
const ips = (maxItems?: number) => {
  const list = z.array(z.string().trim().pipe(z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })));
  return maxItems === undefined ? list : list.max(maxItems);
};
// The doc's example writes status codes as strings ("403"); numbers are the type, digit strings cost nothing to accept.
const statusCode = z
  .union([z.number(), z.string().regex(/^\d{3}$/, 'must be a 3-digit status code').transform(Number)])
  .pipe(z.number().int().min(100).max(599));
const ruleNames = z.array(z.string().max(100).regex(ruleName, 'may hold only letters, digits, spaces and _ ~!@#$%^&*()+[]{}|.,;:<>?/-'));
const texts = (maxItems: number, maxChars: number) => z.array(z.string().max(maxChars)).max(maxItems);

/**
 * A list that also takes one string as a one-item list: these parameters were single strings before the
 * contract made them lists, and one value is still the common case. A preprocess rather than a union, so a bad
 * value is reported with its own rule at `field[0]` instead of as "Invalid input".
 */
const oneOrMany = <T extends z.ZodType<string, string>>(list: z.ZodArray<T>) =>
  z.preprocess((value: z.input<T> | z.input<T>[]) => (typeof value === 'string' ? [value] : value), list).nullish();

const ja3s = () => oneOrMany(patterned(ja3Pattern, '^[0-9a-fA-F]{32}$ (32 hexadecimal characters)', 10));
const ja4s = () => oneOrMany(patterned(ja4Pattern, '^[0-9a-zA-Z]{10}_[0-9a-fA-F]{12}_[0-9a-fA-F]{12}$ (JA4: a_b_c)', 10));
const userAgents = () => oneOrMany(texts(10, 300));
/** URL paths; `*` is a wildcard (`/users/*\/profile`). */
const paths = () => oneOrMany(z.array(z.string()));

export const gcoreRequestsQuerySchema = z
  .strictObject({
    /** Inclusive start of the window. Gcore keeps about 30 days; an older start is warned about, not refused. */
    start: instantSchema,
    /** End of the window; absent means "now", pinned when iteration starts. */
    end: instantSchema.nullish(),
    /** Page size, 1..100 (default 100). */
    limit: z.number().int().min(1).max(GCORE_MAX_LIMIT).optional(),
    /** A field name, `-` prefix for descending. Default `-request_time`. */
    ordering: z.string().regex(orderingPattern, 'must be a field name with an optional "-" prefix, like -request_time').optional(),
    domains: domainIds.optional(),
    exclude_domains: z.array(z.number().int()).optional(),
    ips: ips(10).optional(),
    exclude_ips: ips().optional(),
    path: paths(),
    exclude_path: paths(),
    countries: patterned(country, '^\\w{2}$ (ISO 3166-1 alpha-2)').optional(),
    exclude_countries: patterned(country, '^\\w{2}$ (ISO 3166-1 alpha-2)').optional(),
    status_codes: z.array(statusCode).optional(),
    exclude_status_codes: z.array(statusCode).optional(),
    http_methods: z.array(z.enum(HTTP_METHODS)).optional(),
    exclude_http_methods: z.array(z.enum(HTTP_METHODS)).optional(),
    reference_ids: patterned(hex32, '^[a-f0-9]{32}$').optional(),
    exclude_reference_ids: patterned(hex32, '^[a-f0-9]{32}$').optional(),
    request_ids: patterned(requestId, '^[a-f0-9]{32}-[0-9]{6}$').optional(),
    exclude_request_ids: patterned(requestId, '^[a-f0-9]{32}-[0-9]{6}$').optional(),
    session_ids: patterned(hex32, '^[a-f0-9]{32}$').optional(),
    exclude_session_ids: patterned(hex32, '^[a-f0-9]{32}$').optional(),
    security_rule_names: ruleNames.optional(),
    exclude_security_rule_names: ruleNames.optional(),
    decision: z.array(z.enum(DECISIONS)).optional(),
    exclude_decision: z.array(z.enum(DECISIONS)).optional(),
    optional_action: z.array(z.enum(OPTIONAL_ACTIONS)).optional(),
    exclude_optional_action: z.array(z.enum(OPTIONAL_ACTIONS)).optional(),
    ja3: ja3s(),
    exclude_ja3: ja3s(),
    ja4: ja4s(),
    exclude_ja4: ja4s(),
    user_agent: userAgents(),
    exclude_user_agent: userAgents(),
    user_agent_clients: texts(10, 50).optional(),
    exclude_user_agent_clients: texts(10, 50).optional(),
    user_agent_devices: texts(10, 50).optional(),
    exclude_user_agent_devices: texts(10, 50).optional(),
    tags: texts(5, 50).optional(),
    exclude_tags: texts(5, 50).optional(),
    organizations: texts(10, 100).optional(),
    exclude_organizations: texts(10, 100).optional(),
  })
  .refine((q) => q.end == null || q.end.getTime() >= q.start.getTime(), {
    path: ['end'],
    message: 'must not be before start',
  });

/** Filters as callers write them. */
export type GcoreRequestsQuery = z.input<typeof gcoreRequestsQuerySchema>;
/** Filters after validation: instants are `Date`s, status codes numbers. */
export type GcoreRequestsFilters = z.output<typeof gcoreRequestsQuerySchema>;

/**
 * The warning for a window reaching back past Gcore's retention, or undefined. A warning, not a refusal: the
 * contract sets no bound on `start`, the server answers such a request with what it still has, and a follow or a
 * resumed checkpoint near the edge would otherwise fail on a window that is only partly expired.
 */
export function retentionWarning(filters: GcoreRequestsFilters, nowMs = Date.now()): string | undefined {
  const oldestMs = nowMs - GCORE_RETENTION_MS;
  if (filters.start.getTime() >= oldestMs) return undefined;
  return `gcore: start ${filters.start.toISOString()} is older than 30 days; Gcore keeps about 30 days of request analytics, so records before ${new Date(oldestMs).toISOString()} will not be returned`;
}

export type GcoreQueryTuples = [string, string][];
export type GcoreQueryBuilder = (window: { startMs: number; endMs: number }, page: { offset: number; limit: number }) => GcoreQueryTuples;

// Sent by the builder from the window and page, never from the filters.
const PER_REQUEST = new Set(['start', 'end', 'limit', 'offset']);

/**
 * Precomputes the filter part of the query once per stream; the returned function adds the window and page
 * per request. Arrays become repeated keys without brackets (`ips=a&ips=b`), empty arrays and null/undefined
 * are left out, and `ordering` defaults to `-request_time` (newest first, as `mergeEvents` and the window
 * splitting expect).
 */
export function gcoreQueryBuilder(filters: GcoreRequestsFilters): GcoreQueryBuilder {
  const fixed: GcoreQueryTuples = [];
  for (const [key, value] of Object.entries(filters)) {
    if (PER_REQUEST.has(key) || key === 'ordering' || value == null) continue;
    if (Array.isArray(value)) for (const item of value) fixed.push([key, String(item)]);
    else fixed.push([key, value instanceof Date ? value.toISOString() : String(value)]);
  }
  fixed.push(['ordering', filters.ordering ?? GCORE_DEFAULT_ORDERING]);
  return (window, page) => [
    ...fixed,
    ['start', new Date(window.startMs).toISOString()],
    ['end', new Date(window.endMs).toISOString()],
    ['offset', String(page.offset)],
    ['limit', String(page.limit)],
  ];
}
