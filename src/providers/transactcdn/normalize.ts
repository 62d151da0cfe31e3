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
export function present(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.startsWith('XXXNAXXX@') ? undefined : value;
}

function lookup(table: Readonly<Record<string, Disposition>>, word: string | undefined): Disposition {
  return word !== undefined && Object.hasOwn(table, word) ? table[word]! : 'unknown';
}

function country(code: string | undefined): string | undefined {
  const upper = present(code)?.trim().toUpperCase();
  return upper && /^[A-Z]{2}$/.test(upper) ? upper : undefined;
}

/** Host, path and scheme read from the requested URL; an unreadable URL still yields the URL itself. */
function request(raw: { URL?: string | undefined; Host?: string | undefined; Referer?: string | undefined }, method: string | undefined) {
  const url = present(raw.URL);
  let parsed: URL | undefined;
  try {
    parsed = url ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  return {
    ...(method && { method }),
    ...(url && { url }),
    ...((present(raw.Host) ?? parsed?.host) && { host: present(raw.Host) ?? parsed?.host }),
    ...(parsed && { path: parsed.pathname, scheme: parsed.protocol.replace(/:$/, '') }),
    ...(present(raw.Referer) && { referer: present(raw.Referer) }),
  };
}

function client(raw: { 'Client IP': string; 'Country Code'?: string | undefined; 'User Agent'?: string | undefined }) {
  const code = country(raw['Country Code']);
  const userAgent = present(raw['User Agent']);
  return { ip: raw['Client IP'], ...(code && { country: code }), ...(userAgent && { userAgent }) };
}

function timeOf(raw: Parameters<typeof eventTimeMs>[0]): Date {
  // The response schema refuses records without a readable time, so this is always defined.
  return new Date(eventTimeMs(raw) ?? Number.NaN);
}

function splitTags(value: string | undefined): string[] | undefined {
  const tags = present(value)?.split(/[\s,]+/).filter(Boolean);
  return tags?.length ? tags : undefined;
}

/** WAF `Sub Events` → one rule each (id and message; the matched-on detail stays in `raw`), tagged with `Rule Tags`. */
function wafRules(raw: TransactCdnWafRecord): Rule[] {
  const tags = splitTags(raw['Rule Tags']);
  const rule = (id: unknown, message: string | undefined): Rule => {
    const text = present(message);
    const ruleId = typeof id === 'number' || (typeof id === 'string' && present(id)) ? String(id) : undefined;
    return { ...(ruleId && { id: ruleId }), ...(text && { message: text }), ...(tags && { tags: [...tags] }) };
  };
  const subEvents = raw['Sub Events'] ?? [];
  if (subEvents.length) return subEvents.map((sub) => rule(sub['Rule ID'], sub['Rule Message']));
  // An entry without sub events (older, single-rule form) still names its rule at the top level.
  const topId = raw['Rule ID'];
  if (topId === undefined && raw['Rule Message'] === undefined && !tags) return [];
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
