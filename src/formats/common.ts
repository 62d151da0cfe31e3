import { isIP } from 'node:net';
import type { Rule } from '../core/event.js';
import type { Source } from '../providers/registry.js';
import type { SecurityEvent } from '../events.js';

/** Who made the product that logged each source: OCSF `metadata.product`, ECS `observer.*`. */
export const PRODUCTS: Readonly<Record<Source, { readonly vendor: string; readonly product: string }>> = {
  'gcore.waap': { vendor: 'Gcore', product: 'WAAP' },
  'transactcdn.waf': { vendor: 'TransactCDN', product: 'WAF' },
  'transactcdn.rate_limiting': { vendor: 'TransactCDN', product: 'Rate Limiting' },
  'botbye.requests': { vendor: 'BotBye', product: 'BotBye' },
};

/** The event time exactly as the provider wrote it (OCSF `metadata.original_time`). */
export function originalTime(event: SecurityEvent): string | undefined {
  switch (event.source) {
    case 'gcore.waap':
      return String(event.raw.request_time);
    case 'botbye.requests':
      return event.raw.createdAt;
    default: {
      const raw = event.raw;
      return raw.Timestamp ?? (raw['Epoch Time'] === undefined ? undefined : String(raw['Epoch Time']));
    }
  }
}

/** The policy the request violated, where the provider names one (only TransactCDN WAF's `Rule Policy` does). */
export function policyName(event: SecurityEvent): string | undefined {
  if (event.source !== 'transactcdn.waf') return undefined;
  const policy = event.raw['Rule Policy'];
  return typeof policy === 'string' && policy.trim() !== '' && !policy.startsWith('XXXNAXXX@') ? policy : undefined;
}

/**
 * The JA4 fingerprint when the normalized event carries one. Read by shape: `client.ja4` is newer than some
 * events this library may be handed (and than some builds of `SecurityEvent`).
 */
export function ja4Of(event: SecurityEvent): string | undefined {
  const ja4 = (event.client as { readonly ja4?: unknown }).ja4;
  return typeof ja4 === 'string' && ja4 !== '' ? ja4 : undefined;
}

/** The client address when it is an IP address; anything else (empty, a hostname, garbage) is left out. */
export function ipOf(event: SecurityEvent): string | undefined {
  return isIP(event.client.ip) === 0 ? undefined : event.client.ip;
}

const AS_NUMBER = /^(?:AS)?(\d{1,10})$/i;

/** `AS15169` or `15169` → 15169; undefined for anything else or beyond the 32-bit AS number space. */
export function asNumber(asn: string | undefined): number | undefined {
  const digits = asn === undefined ? undefined : AS_NUMBER.exec(asn.trim())?.[1];
  if (digits === undefined) return undefined;
  const number = Number(digits);
  return number <= 0xffffffff ? number : undefined;
}

/** Every distinct rule tag, in first-seen order. */
export function ruleTags(rules: readonly Rule[]): string[] | undefined {
  if (rules.length === 0) return undefined;
  const tags = new Set<string>();
  for (const rule of rules) if (rule.tags) for (const tag of rule.tags) tags.add(tag);
  return tags.size ? [...tags] : undefined;
}

/** The parts of the requested URL, read once for both formats. */
export interface Target {
  /** The URL as the provider wrote it. */
  original?: string;
  /** The URL as the provider wrote it, else rebuilt from scheme, host and path. */
  full?: string;
  scheme?: string;
  hostname?: string;
  port?: number;
  path?: string;
  query?: string;
}

const HOST_PORT = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/;

/** Splits the normalized request into URL parts. Plain string work, not `new URL()`: this runs per event. */
export function targetOf(request: SecurityEvent['request']): Target {
  const out: Target = {};
  if (request.url) out.original = request.url;
  if (request.scheme) out.scheme = request.scheme;
  if (request.host) {
    // `host:port`, `[v6]:port`, or a bare IPv6 address (several colons, no brackets: no port to read).
    const parts = HOST_PORT.exec(request.host);
    const name = parts?.[1];
    out.hostname = name ? (name.startsWith('[') ? name.slice(1, -1) : name) : request.host;
    const port = parts?.[2] === undefined ? undefined : Number(parts[2]);
    if (port !== undefined && port <= 65535) out.port = port;
  }
  if (request.path) {
    const question = request.path.indexOf('?');
    const path = question === -1 ? request.path : request.path.slice(0, question);
    if (path) out.path = path;
  }
  const query = queryOf(request.path) ?? queryOf(request.url);
  if (query) out.query = query;
  const full = request.url ?? (request.scheme && request.host ? `${request.scheme}://${request.host}${request.path ?? ''}` : undefined);
  if (full) out.full = full;
  return out;
}

function queryOf(text: string | undefined): string | undefined {
  const question = text ? text.indexOf('?') : -1;
  if (question === -1) return undefined;
  const hash = text!.indexOf('#');
  if (hash !== -1 && hash < question) return undefined;
  return text!.slice(question + 1, hash === -1 ? undefined : hash) || undefined;
}
