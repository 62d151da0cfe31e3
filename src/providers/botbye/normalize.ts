import type { Disposition, EventOf, Rule } from '../../core/event.js';
import { alpha3ToAlpha2 } from './countries.js';
import { parseBotByeTime, type BotByeRecord } from './response.js';

/** A normalized BotBye request; `raw` is the record exactly as received. */
export type BotByeEvent = EventOf<'botbye', 'botbye.requests', BotByeRecord>;

/**
 * `providerAction` for BotBye, which has no action field of its own: the word says which field decided.
 * - `banned_by_rule`: `isBanByRule` is true (a custom rule banned the request) → blocked
 * - `declined`: `failedMessage` is non-empty (BotBye's checks declined it) → blocked
 * - `passed`: neither → allowed
 */
export type BotByeAction = 'banned_by_rule' | 'declined' | 'passed';

/** Maps one BotBye request record to the normalized record. Never throws on odd values. */
export function normalizeBotByeRequest(raw: BotByeRecord): BotByeEvent {
  const action = actionOf(raw);
  // The record's own fields win; the parsed `headers` only fill what the record left empty.
  const headers = present(raw.userAgent) && present(raw.referer) && present(raw.host) ? undefined : parseBotByeHeaders(raw.headers);
  const country = present(raw.country) ? alpha3ToAlpha2(raw.country) : undefined;
  // Built by assignment, not conditional spreads: this runs per event, and the spreads cost ~30x more.
  const client: BotByeEvent['client'] = { ip: nonEmpty(raw.realIp) ?? nonEmpty(raw.remoteAddr) ?? '' };
  if (country) client.country = country;
  const asn = nonEmpty(raw.asn);
  if (asn) client.asn = asn;
  const userAgent = nonEmpty(raw.userAgent) ?? header(headers, 'user-agent');
  if (userAgent) client.userAgent = userAgent;

  const request: BotByeEvent['request'] = {};
  const method = nonEmpty(raw.requestMethod)?.toUpperCase();
  if (method) request.method = method;
  const host = nonEmpty(raw.host) ?? header(headers, 'host');
  if (host) request.host = host;
  const path = nonEmpty(raw.requestUri);
  if (path) request.path = path;
  const referer = nonEmpty(raw.referer) ?? header(headers, 'referer');
  if (referer) request.referer = referer;

  return {
    provider: 'botbye',
    source: 'botbye.requests',
    id: raw.id,
    time: parseBotByeTime(raw.createdAt),
    disposition: DISPOSITION[action],
    providerAction: action,
    client,
    request,
    response: {},
    rules: rulesOf(raw),
    raw,
  };
}

const DISPOSITION: Record<BotByeAction, Disposition> = { banned_by_rule: 'blocked', declined: 'blocked', passed: 'allowed' };

function actionOf(raw: BotByeRecord): BotByeAction {
  if (raw.isBanByRule === true) return 'banned_by_rule';
  if (present(raw.failedMessage)) return 'declined';
  return 'passed';
}

/**
 * One rule per failed check (`failedChecks` is comma-separated), its id the check's name. The request's
 * `failedMessage` is attached only when a single check failed, since it cannot be split among several.
 */
function rulesOf(raw: BotByeRecord): Rule[] {
  if (!present(raw.failedChecks)) return [];
  const checks = raw.failedChecks.split(',').map((check) => check.trim()).filter(Boolean);
  const message = checks.length === 1 ? nonEmpty(raw.failedMessage) : undefined;
  return checks.map((id) => (message ? { id, message } : { id }));
}

/**
 * The request headers from a record's `headers` JSON string, or undefined when it is absent or not a JSON
 * object. Values that are not strings are joined (arrays) or dropped (anything else); names keep their case.
 * Exported so callers can read any header from `event.raw.headers` the same lenient way.
 */
export function parseBotByeHeaders(headers: string | null | undefined): Record<string, string> | undefined {
  if (!present(headers)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(headers);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value.join(', ');
  }
  return out;
}

/** A header by name, case-insensitively (HTTP header names are). */
function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return nonEmpty(value);
  return undefined;
}

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return present(value) ? value : undefined;
}
