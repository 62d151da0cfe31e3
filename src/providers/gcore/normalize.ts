import type { Disposition, EventOf, Rule } from '../../core/event.js';
import type { GcoreRecord } from './response.js';

/** A normalized Gcore WAAP record; `raw` is the record as received. */
export type GcoreEvent = EventOf<'gcore', 'gcore.waap', GcoreRecord>;

const alpha2 = /^[A-Za-z]{2}$/;

/** Maps one Gcore request record to the normalized shape. Empty strings (the contract's default for
 * `session_id`, `scheme`, `http_version`, `ja3`) become absent fields, never values. */
export function normalizeGcore(record: GcoreRecord): GcoreEvent {
  const decision = record.decision || '';

  const client: GcoreEvent['client'] = { ip: record.client_ip };
  const country = record.country;
  if (country && alpha2.test(country)) client.country = country.toUpperCase();
  if (record.organization) client.organization = record.organization;
  if (record.user_agent) client.userAgent = record.user_agent;
  if (record.ja3) client.ja3 = record.ja3;
  if (record.ja4) client.ja4 = record.ja4;
  if (record.session_id) client.sessionId = record.session_id;

  const request: GcoreEvent['request'] = {};
  if (record.method) request.method = record.method.toUpperCase();
  if (record.path) request.path = record.path;
  if (record.domain) request.host = record.domain;
  if (record.scheme) request.scheme = record.scheme;
  if (record.http_version) request.httpVersion = record.http_version;

  const response: GcoreEvent['response'] = {};
  if (typeof record.status_code === 'number') response.status = record.status_code;

  const rules: Rule[] = [];
  if (record.rule_id || record.rule_name) {
    const rule: Rule = {};
    if (record.rule_id) rule.id = record.rule_id;
    if (record.rule_name) rule.name = record.rule_name;
    if (record.traffic_types) {
      const tags = splitTags(record.traffic_types);
      if (tags.length) rule.tags = tags;
    }
    rules.push(rule);
  }

  return {
    provider: 'gcore',
    source: 'gcore.waap',
    id: record.id,
    time: new Date(record.request_time),
    disposition: dispositionOf(decision, record.optional_action),
    providerAction: decision || 'unknown',
    client,
    request,
    response,
    rules,
    raw: record,
  };
}

function dispositionOf(decision: string, optionalAction: string | null | undefined): Disposition {
  switch (decision) {
    case 'blocked':
      // A block that served a captcha or a JS challenge is the visitor being challenged, not refused.
      return optionalAction === 'captcha' || optionalAction === 'challenge' ? 'challenged' : 'blocked';
    case 'monitored':
      return 'logged';
    case 'allowed':
    case 'passed':
      return 'allowed';
    default:
      return 'unknown';
  }
}

/** `traffic_types` is one comma-separated string. */
// Few distinct `traffic_types` strings recur across millions of records: split each once. Bounded, so a
// provider sending endless distinct values cannot grow it without limit.
const TAGS_CACHE_SIZE = 256;
const tagsCache = new Map<string, readonly string[]>();

function splitTags(value: string): string[] {
  let tags = tagsCache.get(value);
  if (!tags) {
    tags = value.split(',').map((part) => part.trim()).filter(Boolean);
    if (tagsCache.size >= TAGS_CACHE_SIZE) tagsCache.clear();
    tagsCache.set(value, tags);
  }
  // A copy per event: a consumer may change its own event's tags without touching another's.
  return tags.slice();
}
