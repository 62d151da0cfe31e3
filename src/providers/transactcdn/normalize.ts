import type { Disposition, EventOf, Rule } from '../../core/event.js';
import { eventTimeMs, type TransactCdnRateLimitingRecord, type TransactCdnWafRecord } from './response.js';
import { methodFromName, statusFromName } from './status-codes.js';

/** A normalized WAF event; `raw` is the entry as received. */
export type TransactCdnWafEvent = EventOf<'transactcdn', 'transactcdn.waf', TransactCdnWafRecord>;
/** A normalized rate-limiting event; `raw` is the entry as received. */
export type TransactCdnRateLimitingEvent = EventOf<'transactcdn', 'transactcdn.rate_limiting', TransactCdnRateLimitingRecord>;

const WAF_ACTIONS: Readonly<Record<string, Disposition>> = {
  BLOCK_REQUEST: 'blocked',
  ALERT: 'logged',
  REDIRECT_302: 'redirected',
  CUSTOM_RESPONSE: 'custom_response',
  BROWSER_CHALLENGE: 'challenged',
};

const RATE_LIMITING_ACTIONS: Readonly<Record<string, Disposition>> = {
  DROP_REQUEST: 'dropped',
  ALERT: 'logged',
  REDIRECT_302: 'redirected',
  CUSTOM_RESPONSE: 'custom_response',
};

/** `XXXNAXXX@fields.REFERER` and its kin are the API's way of saying "no value". */
export function present(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.startsWith('XXXNAXXX@') ? undefined : value;
}

function lookup(table: Readonly<Record<string, Disposition>>, word: string | null | undefined): Disposition {
  return typeof word === 'string' && Object.hasOwn(table, word) ? table[word]! : 'unknown';
}

function country(code: string | null | undefined): string | undefined {
  const upper = present(code)?.trim().toUpperCase();
  return upper && /^[A-Z]{2}$/.test(upper) ? upper : undefined;
}

// scheme://host/path?query#fragment. A regex, not `new URL()`: this runs per event, and URL parsing
// (which also re-encodes the path) costs more than the rest of the normalization together.
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/;

// Objects are built by assignment, not conditional spreads: the spreads cost ~30x more on this hot path.
type Request = TransactCdnWafEvent['request'];
type Client = TransactCdnWafEvent['client'];

/** Host, path and scheme read from the requested URL; an unreadable URL still yields the URL itself. */
function request(raw: { URL?: string | null | undefined; Host?: string | null | undefined; Referer?: string | null | undefined }, method: string | undefined): Request {
  const out: Request = {};
  if (method) out.method = method;
  const url = present(raw.URL);
  const parts = url ? URL_PARTS.exec(url) : null;
  if (url) out.url = url;
  const host = present(raw.Host) ?? (parts?.[2] || undefined);
  if (host) out.host = host;
  if (parts) {
    out.path = parts[3] || '/';
    out.scheme = parts[1]!.toLowerCase();
  }
  const referer = present(raw.Referer);
  if (referer) out.referer = referer;
  return out;
}

function client(raw: { 'Client IP': string; 'Country Code'?: string | null | undefined; 'User Agent'?: string | null | undefined }): Client {
  const out: Client = { ip: raw['Client IP'] };
  const code = country(raw['Country Code']);
  if (code) out.country = code;
  const userAgent = present(raw['User Agent']);
  if (userAgent) out.userAgent = userAgent;
  return out;
}

function timeOf(raw: Parameters<typeof eventTimeMs>[0]): Date {
  // The response schema refuses records without a readable time, so this is always defined.
  return new Date(eventTimeMs(raw) ?? Number.NaN);
}

// Few distinct `Rule Tags` strings recur across many events: split each once (bounded). Callers copy the result
// into each rule, so no two events share an array.
const TAGS_CACHE_SIZE = 256;
const tagsCache = new Map<string, readonly string[] | undefined>();

function splitTags(value: string | null | undefined): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (tagsCache.has(value)) return tagsCache.get(value);
  const split = present(value)?.split(/[\s,]+/).filter(Boolean);
  const tags = split?.length ? split : undefined;
  if (tagsCache.size >= TAGS_CACHE_SIZE) tagsCache.clear();
  tagsCache.set(value, tags);
  return tags;
}

/** WAF `Sub Events` → one rule each (id and message; the matched-on detail stays in `raw`), tagged with `Rule Tags`. */
function wafRules(raw: TransactCdnWafRecord): Rule[] {
  const tags = splitTags(raw['Rule Tags']);
  const rule = (id: unknown, message: string | null | undefined): Rule => {
    const out: Rule = {};
    if (typeof id === 'number' || (typeof id === 'string' && present(id))) out.id = String(id);
    const text = present(message);
    if (text) out.message = text;
    if (tags) out.tags = tags.slice();
    return out;
  };
  const subEvents = raw['Sub Events'] ?? [];
  if (subEvents.length) return subEvents.map((sub) => rule(sub['Rule ID'], sub['Rule Message']));
  // An entry without sub events (older, single-rule form) still names its rule at the top level.
  const topId = raw['Rule ID'];
  if (topId == null && raw['Rule Message'] == null && !tags) return [];
  return [rule(topId, raw['Rule Message'])];
}

/** A WAF event log entry → SecurityEvent. Never throws on unknown values. */
export function normalizeWafEvent(raw: TransactCdnWafRecord): TransactCdnWafEvent {
  const action = raw['Action Type'];
  // An audit profile only watches: whatever its action says, nothing was done to the request.
  const disposition = raw['Profile Type']?.toUpperCase() === 'AUDIT' ? 'logged' : lookup(WAF_ACTIONS, action);
  const method = typeof raw['Request Method'] === 'string' ? methodFromName(raw['Request Method']) : undefined;
  const status = typeof raw.Status === 'string' ? statusFromName(raw.Status) : undefined;
  return {
    provider: 'transactcdn',
    source: 'transactcdn.waf',
    id: (raw['Event ID'] ?? raw.id)!,
    time: timeOf(raw),
    disposition,
    providerAction: action ?? '',
    client: client(raw),
    request: request(raw, method),
    response: status === undefined ? {} : { status },
    rules: wafRules(raw),
    raw,
  };
}

/** A rate-limiting event log entry → SecurityEvent. Never throws on unknown values. */
export function normalizeRateLimitingEvent(raw: TransactCdnRateLimitingRecord): TransactCdnRateLimitingEvent {
  const action = raw['Rate Limiting Enforcement Type'];
  const methodName = present(raw['Request Method']);
  const method = methodName === undefined ? undefined : methodFromName(methodName);
  const statusName = present(raw.Status);
  const status = statusName === undefined ? undefined : statusFromName(statusName);
  const ruleId = present(raw['Rate Limiting Enforcement Rule ID']);
  return {
    provider: 'transactcdn',
    source: 'transactcdn.rate_limiting',
    id: raw.id,
    time: timeOf(raw),
    disposition: lookup(RATE_LIMITING_ACTIONS, action),
    providerAction: action ?? '',
    client: client(raw),
    request: request(raw, method),
    response: status === undefined ? {} : { status },
    rules: ruleId ? [{ id: ruleId }] : [],
    raw,
  };
}
